/** Bad log scenarios are refused with the path and position of the problem. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenarios/load.js';

function errors(yaml: string): string {
  try {
    parseScenario(yaml, 'bad.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

const base = (producer: string, consumer: string, system = '') => `
name: bad
duration: 1m
system:
  type: log
  topics: [{ name: orders, partitions: 2 }]
  ${system}
producers:
  - { name: p, rate: 10/s${producer} }
consumers:
  - { group: g, service: const(1ms)${consumer} }
`;

describe('log scenario checks', () => {
  it('names an unknown topic with its position', () => {
    expect(errors(base(', topic: order', ''))).toContain('bad.yaml:9:35: producers[0].topic: no topic "order"; topics are orders');
    expect(errors(base('', ', topics: [invoices]'))).toContain('consumers[0].topics[0]: no topic "invoices"');
  });

  it('refuses concurrency above 1 and auto-commit with at-most-once', () => {
    expect(errors(base('', ', concurrency: 4'))).toContain('consumers[0].concurrency: a log consumer processes its poll loop on one thread');
    expect(errors(base('', ', delivery: at-most-once, enableAutoCommit: true'))).toContain(
      'consumers[0].enableAutoCommit: at-most-once commits before processing');
  });

  it('checks replays and enum values', () => {
    expect(errors(base('', '', 'replays: [{ group: x, at: 10s, to: beginning }]'))).toContain(
      'system.replays[0].group: no consumer group "x"');
    expect(errors(base('', ', partitionAssignmentStrategy: sticky-cooperative'))).toContain(
      'consumers[0].partitionAssignmentStrategy: expected one of range, roundrobin, sticky, cooperative-sticky');
  });

  it('accepts a minimal log scenario', () => {
    expect(errors(base('', ''))).toBe('');
  });
});
