/** FIFO queues: order within a group under faults, head-of-line blocking, deduplication, limits. */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

function ordered(queue: string): string {
  return `
name: fifo-order
seed: 3
duration: 5m
drain: 2m
system: { type: queue, queues: [${queue}] }
producers: [{ name: p, rate: 40/s, keys: { count: 20, skew: zipf(1.1) } }]
consumers:
  - { group: g, instances: 3, concurrency: 2, batchSize: 10, waitTime: 20s, service: exp(20ms), deletes: each }
faults:
  - { kind: crash, group: g, instance: 0, at: 20s, every: 40s, restartAfter: 5s }
  - { kind: crash, group: g, instance: 1, at: 30s, point: mid-process, every: 50s, restartAfter: 3s }
  - { kind: crash, group: g, instance: 2, at: 45s, point: after-process-before-ack, every: 35s, restartAfter: 2s }
  - { kind: slowdown, group: g, at: 2m, for: 30s, factor: 4 }
`;
}

describe('order within a message group', () => {
  it('FIFO: no ordering violation under crashes, restarts and slowdowns', () => {
    const g = group(run(ordered('{ name: q.fifo, fifo: true, visibilityTimeout: 10s }')));
    expect(g.duplicates).toBeGreaterThan(0); // the faults did bite: processed-not-deleted messages came back
    expect(g.redeliveries).toBeGreaterThan(0);
    expect(g.orderingViolations).toBe(0);
    expect(g.losses.total).toBe(0);
    expect(g.backlogAtEnd).toBe(0);
  });

  it('the same traffic through a standard queue is reordered', () => {
    const g = group(run(ordered('{ name: q, visibilityTimeout: 10s }')));
    expect(g.orderingViolations).toBeGreaterThan(0);
  });
});

describe('head-of-line blocking', () => {
  it('one group, two consumers, 1 s service: message k waits exactly 0.9·k s', () => {
    // Messages k = 0…9 at 0.1·(k+1) s, all in one group. Only one may be in flight, so message k
    // is received when k−1 is deleted, at 0.1 + k s: it waited 0.9·k s although a consumer was idle.
    const r = run(`
name: hol
duration: 1050ms
drain: 20s
system: { type: queue, queues: [{ name: q.fifo, fifo: true }] }
producers: [{ name: p, rate: 10/s, arrivals: uniform, keys: { count: 1 } }]
consumers: [{ group: g, instances: 2, waitTime: 20s, service: const(1s) }]
`);
    const g = group(r);
    expect(g.processed).toBe(10);
    expect(g.queueWaitMs.max).toBe(8100);
    expect(g.queueWaitMs.mean).toBeCloseTo(4050, 6);
    expect(g.orderingViolations).toBe(0);
  });

  it('other groups flow past a blocked group', () => {
    // The hot group as above, plus one cold-group message at 1.0 s: the consumer parked in a
    // long poll takes it at once, and the hot group's serial schedule is unchanged.
    const r = run(`
name: hol-two
duration: 1050ms
drain: 20s
system: { type: queue, queues: [{ name: q.fifo, fifo: true }] }
producers:
  - { name: hot, rate: 10/s, arrivals: uniform, keys: { count: 1, prefix: hot- } }
  - { name: cold, rate: 1/s, arrivals: uniform, keys: { count: 1, prefix: cold- } }
consumers: [{ group: g, instances: 2, waitTime: 20s, service: const(1s) }]
`);
    const g = group(r);
    expect(g.processed).toBe(11);
    expect(g.queueWaitMs.max).toBe(8100);
    // The eleven waits: 0.9·k s for the hot messages and 0 for the cold one.
    expect(g.queueWaitMs.mean).toBeCloseTo((0.9 * 45 * 1000) / 11, 6);
  });
});

describe('batches', () => {
  it('a receive fills its batch from one group first, then from the next', () => {
    // Groups a, b, c get a message each at 1, 2, … 5 s; the consumer is down until 10 s. Its
    // first receive (batch 10) takes a's five, then b's five; c's come in the next receive.
    // One loop, 1 s per message: a at 11…15 s, b at 16…20 s, c at 21…25 s, so the latencies
    // are 10, 15 and 20 s per group: mean 15 s, max 20 s.
    const r = run(`
name: fill
duration: 5500ms
drain: 1m
system: { type: queue, queues: [{ name: q.fifo, fifo: true }] }
producers:
  - { name: a, rate: 1/s, arrivals: uniform, keys: { count: 1, prefix: a- } }
  - { name: b, rate: 1/s, arrivals: uniform, keys: { count: 1, prefix: b- } }
  - { name: c, rate: 1/s, arrivals: uniform, keys: { count: 1, prefix: c- } }
consumers: [{ group: g, batchSize: 10, waitTime: 20s, service: const(1s) }]
faults: [{ kind: crash, group: g, at: 0s, restartAfter: 10s }]
`);
    const g = group(r);
    expect(g.processed).toBe(15);
    expect(g.latencyMs.mean).toBeCloseTo(15_000, 6);
    expect(g.latencyMs.max).toBe(20_000);
    expect(r.cost!.requestsByAction.DeleteMessageBatch).toBe(2);
  });
});

/** Three messages at 1, 2, 3 s, each sent again `after` later (a producer retry). */
function retried(queue: string, after: string): string {
  return `
name: dedup
duration: 3500ms
drain: 6m
system: { type: queue, queues: [${queue}] }
producers: [{ name: p, rate: 1/s, arrivals: uniform, keys: { count: 3 }, retry: { every: 1, after: ${after} } }]
consumers: [{ group: g, waitTime: 20s, service: const(10ms) }]
`;
}

describe('deduplication window', () => {
  it('FIFO: a retry at 4:59 is swallowed', () => {
    const r = run(retried('{ name: q.fifo, fifo: true }', '4m59s'));
    expect(r.summary.duplicateAppends).toBe(0);
    expect(r.cost?.queues['q.fifo'].deduplicated).toBe(3);
    expect(group(r)).toMatchObject({ processed: 3, duplicates: 0 });
  });

  it('FIFO: a retry at 5:01 is stored again and processed twice', () => {
    const r = run(retried('{ name: q.fifo, fifo: true }', '5m1s'));
    expect(r.summary.duplicateAppends).toBe(3);
    expect(r.cost?.queues['q.fifo'].deduplicated).toBe(0);
    expect(group(r)).toMatchObject({ processed: 3, duplicates: 3 });
  });

  it('standard queues do not deduplicate', () => {
    const r = run(retried('{ name: q }', '4m59s'));
    expect(r.summary.duplicateAppends).toBe(3);
    expect(group(r)).toMatchObject({ processed: 3, duplicates: 3 });
  });
});

describe('throughput limits', () => {
  function fast(queue: string): string {
    return `
name: limits
duration: 10s
drain: 1m
system: { type: queue, queues: [${queue}] }
producers: [{ name: p, rate: 500/s, arrivals: uniform, keys: { count: 100 } }]
consumers: [{ group: g, instances: 4, batchSize: 10, waitTime: 20s, service: const(1ms) }]
`;
  }

  it('300 sends/s per FIFO queue: the excess is throttled, retried twice, then rejected', () => {
    const r = run(fast('{ name: q.fifo, fifo: true }'));
    expect(r.cost!.throttledByAction.SendMessage).toBeGreaterThan(0);
    // 4,999 sends, one every 2 ms up to 9.998 s, against a bucket of 300 refilled at 300/s.
    // Demand exceeds it throughout, so (give or take one token) every token is used: at least
    // 300 + 300 × 9.998 − 1 = 3298 accepted; the last retry comes at most 0.5 + 1 s after the
    // last send, so at most 300 + 300 × 11.498 = 3749. The rest gave up after 3 attempts.
    const { accepted, rejected, produced } = r.summary;
    expect(accepted).toBeGreaterThanOrEqual(3298);
    expect(accepted).toBeLessThanOrEqual(3749);
    expect(r.summary.rejectedByCause).toEqual({ throttled: produced - accepted });
    expect(rejected).toBe(produced - accepted);
    expect(group(r)).toMatchObject({ processed: accepted, losses: { total: 0, byCause: {} } });
    // A retried send waits at most 0.5 + 1 s for its token.
    expect(group(r).latencyMs.max).toBeLessThan(1500 + 100);
  });

  it('high-throughput mode is not throttled at this rate', () => {
    const r = run(fast('{ name: q.fifo, fifo: true, deduplicationScope: messageGroup, fifoThroughputLimit: perMessageGroupId }'));
    expect(r.cost!.throttledByAction).toEqual({});
  });
});
