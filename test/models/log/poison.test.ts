/**
 * Handler failures on a log consumer: one partition, a record every 100 ms (message 599 at
 * 60.0 s) taking 50 ms, and message 599 poison.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

function scenario(consumer: string, failures = 'always'): string {
  return `
name: log-poison
duration: 3m
drain: 1m
system:
  type: log
  topics: [{ name: t, partitions: 1 }]
producers: [{ name: p, rate: 10/s, arrivals: uniform }]
consumers: [{ group: g, service: const(50ms)${consumer} }]
faults: [{ kind: poison, ids: [599], failures: ${failures} }]
`;
}

describe('a poison record on a log consumer', () => {
  it('onError requeue (the default) retries it in place: the partition is stuck behind it', () => {
    // From 60.0 s every attempt fails after 50 ms and the consumer seeks back to it.
    const r = run(scenario(''));
    const g = group(r);
    expect(g).toMatchObject({ processed: 599, duplicates: 0, losses: { total: 0, byCause: {} } });
    expect(g.backlogAtEnd).toBe(r.summary.produced - 599);
    // Attempts run back to back from 60.0 s to the end of the run (240 s), 50 ms each.
    expect(g.failures).toBe(3600);
  });

  it('a transient failure (2 attempts) delays the record by the two failed attempts, in order', () => {
    const r = run(scenario('', '2'));
    const g = group(r);
    expect(g).toMatchObject({ failures: 2, processed: r.summary.produced, duplicates: 0, orderingViolations: 0, backlogAtEnd: 0 });
    expect(g.latencyMs.max).toBeCloseTo(150, 6);
  });

  it('onError reject skips it: a loss, and the partition moves on', () => {
    const r = run(scenario(', onError: reject'));
    const g = group(r);
    expect(g).toMatchObject({ failures: 1, processed: r.summary.produced - 1, backlogAtEnd: 0 });
    expect(g.losses).toEqual({ total: 1, byCause: { rejected: 1 } });
    expect(r.anomalies.g[0]).toMatchObject({ kind: 'loss', messageId: 599 });
  });

  it('at-most-once had committed it before the handler ran: lost', () => {
    const g = group(run(scenario(', delivery: at-most-once')));
    expect(g.losses).toEqual({ total: 1, byCause: { 'processing-failed': 1 } });
    expect(g.backlogAtEnd).toBe(0);
  });
});
