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

  it('refuses a sessionTimeout outside the broker\'s group.min/max.session.timeout.ms', () => {
    expect(errors(base('', ', sessionTimeout: 5s'))).toContain(
      'consumers[0].sessionTimeout: sessionTimeout 5000 ms is outside the range the broker allows, 6000 … 1800000 ms');
    expect(errors(base('', ', sessionTimeout: 31m'))).toContain('INVALID_SESSION_TIMEOUT');
    expect(errors(base('', ', sessionTimeout: 30m'))).toBe('');
    expect(errors(base('', ', sessionTimeout: 6s'))).toBe('');
    expect(errors(base('', ', sessionTimeout: 5s', 'groupMinSessionTimeout: 1s'))).toBe('');
    expect(errors(base('', '', 'groupMaxSessionTimeout: 30s'))).toContain(
      'consumers[0]: sessionTimeout 45000 ms is outside the range the broker allows, 6000 … 30000 ms');
    expect(errors(base('', ', sessionTimeout: 10s, heartbeatInterval: 10s'))).toContain(
      'consumers[0].heartbeatInterval: heartbeatInterval must be lower than sessionTimeout (10000 ms)');
  });

  it('checks replays and enum values', () => {
    expect(errors(base('', '', 'replays: [{ group: x, at: 10s, to: beginning }]'))).toContain(
      'system.replays[0].group: no consumer group "x"');
    expect(errors(base('', ', partitionAssignmentStrategy: sticky-cooperative'))).toContain(
      'consumers[0].partitionAssignmentStrategy: expected one of range, roundrobin, sticky, cooperative-sticky');
  });

  it('checks replication against the cluster', () => {
    const scenario = (topic: string, system = '') => base('', '').replace('topics: [{ name: orders, partitions: 2 }]',
      `brokers: 2\n  topics: [{ name: orders, partitions: 2${topic} }]\n  ${system}`);
    expect(errors(scenario(', replicationFactor: 3'))).toContain(
      'system.topics[0].replicationFactor: 3 replicas need as many brokers; there are 2');
    expect(errors(scenario(', replicationFactor: 2, minInsyncReplicas: 3'))).toContain(
      'system.topics[0].minInsyncReplicas: more than the 2 replicas: every acks=all write would fail');
    expect(errors(scenario('', 'brokerCrashes: [{ broker: 2, at: 10s }]'))).toContain(
      'system.brokerCrashes[0].broker: no broker 2; brokers are 0 … 1');
  });

  it('refuses producer settings Kafka refuses', () => {
    expect(errors(base(', acks: 1, enableIdempotence: true', ''))).toContain(
      "producers[0].enableIdempotence: idempotence requires acks: all (Kafka's ConfigException)");
    expect(errors(base(', maxInFlight: 6, enableIdempotence: true', ''))).toContain('idempotence requires maxInFlight ≤ 5');
    expect(errors(base(', deliveryTimeout: 10s', ''))).toContain(
      'producers[0].deliveryTimeout: must be at least requestTimeout (30000 ms), as Kafka requires');
    expect(errors(base(', acks: 2', ''))).toContain('producers[0].acks: expected 0, 1 or all (or -1)');
    // Without an explicit enableIdempotence, Kafka silently turns it off instead.
    expect(errors(base(', acks: 1', ''))).toBe('');
    expect(errors(base(', acks: -1', ''))).toBe('');
  });

  it('accepts a minimal log scenario', () => {
    expect(errors(base('', ''))).toBe('');
  });
});
