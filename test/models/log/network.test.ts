/**
 * The log's `network`: fetches and offset commits cross it (docs/semantics.md, log). A fetch
 * answer reaches the consumer half a round trip after the broker sends it, a synchronous
 * commit waits a full round trip, an asynchronous one (auto-commit) does not.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

/** One partition with 10,000 records at 0 s, one consumer at 1 ms a record, for 1 s. */
function backlog(network: string, consumer = ''): number {
  const r = run(`
name: log-network
duration: 1s
system: { type: log, topics: [{ name: t, partitions: 1 }], groupInitialRebalanceDelay: 0s, network: ${network} }
producers: [{ name: p, rate: 0/s, backlog: 10000 }]
consumers: [{ group: g, instances: 1, service: "const(1ms)", autoOffsetReset: earliest${consumer} }]
`);
  return group(r).processed;
}

describe('a backlog over a 1.3 ms round trip: how the commits are made decides the throughput', () => {
  it('without a network every setting processes one record a millisecond: 1,000', () => {
    for (const consumer of ['', ', maxPollRecords: 1', ', enableAutoCommit: true', ', maxPollRecords: 1, delivery: at-most-once']) {
      expect(backlog('0', consumer)).toBe(1000);
    }
  });

  it('batches of 500 committed with commitSync: 997', () => {
    // The first fetch goes out at 0 and its answer arrives at 1.3 ms. Batch 1 ends at 501.3 ms,
    // its commit is answered at 502.6 ms; batch 2's records end at 502.6 + k ≤ 1000: 497 more.
    expect(backlog('1.3ms')).toBe(997);
  });

  it('one record a poll, each committed with commitSync: 434, a round trip per record', () => {
    // Record k ends at 1.3 + 2.3k + 1 ms (1 ms of work and 1.3 ms of commit each): k ≤ 433.8.
    expect(backlog('1.3ms', ', maxPollRecords: 1')).toBe(434);
  });

  it('at-most-once commits each record before processing it: also 434', () => {
    // Record k ends at 1.3 + 1.3 + 2.3k + 1 ms: k ≤ 433.2.
    expect(backlog('1.3ms', ', maxPollRecords: 1, delivery: at-most-once')).toBe(434);
  });

  it('auto-commit does not wait for its answers: 998, only the first fetch is lost', () => {
    // Records end at 1.3 + k ms ≤ 1000: k ≤ 998.7. The fetches are pipelined, never waited for.
    expect(backlog('1.3ms', ', enableAutoCommit: true')).toBe(998);
  });

  it('a round trip drawn from a distribution is accepted', () => {
    const processed = backlog('exp(1.3ms)', ', maxPollRecords: 1');
    expect(processed).toBeGreaterThan(300);
    expect(processed).toBeLessThan(1000);
  });
});

/** A record every 100 ms (0.1 s … 9.9 s), 50 ms of work, a 20 ms round trip. */
function everyTenth(drain: string, consumer = '', faults = '[]') {
  return run(`
name: log-every-tenth
duration: 10s
drain: ${drain}
system: { type: log, topics: [{ name: t, partitions: 1 }], groupInitialRebalanceDelay: 0s, network: 20ms }
producers: [{ name: p, rate: 10/s, arrivals: uniform }]
consumers: [{ group: g, instances: 1, service: "const(50ms)"${consumer} }]
faults: ${faults}
`);
}

describe('an idle consumer over a 20 ms round trip', () => {
  // A record every 100 ms, 50 ms of work. The consumer's fetch waits at the broker; a record's
  // append answers it, and the answer arrives 10 ms later: handling starts 10 ms after the
  // append and ends 60 ms after it. The commit is answered 20 ms later (80 ms), and the next
  // fetch, sent when the answer arrived (10 ms), has long been waiting at the broker again.
  const r = everyTenth('1s');
  const g = group(r);

  it('every record waits half a round trip before handling: 60 ms end to end', () => {
    expect(g.processed).toBe(r.summary.produced);
    expect(r.summary.produced).toBe(99);
    expect(g.queueWaitMs.max).toBeCloseTo(10, 6);
    expect(g.queueWaitMs.mean).toBeCloseTo(10, 6);
    expect(g.latencyMs.mean).toBeCloseTo(60, 6);
    expect(g.latencyMs.max).toBeCloseTo(60, 6);
  });

  it('and the commits make no duplicates and lose nothing', () => {
    expect(g).toMatchObject({ duplicates: 0, redeliveries: 0, backlogAtEnd: 0 });
    expect(g.losses.total).toBe(0);
  });
});

describe('a crash over a network', () => {
  it('a commit already sent still lands: at-least-once repeats only what was not committed', () => {
    // 10 records a second, 50 ms of work, batches of one. The record appended at 5.0 s is
    // handled 5.01–5.06 s; its commit, sent at 5.06 s, is on the wire when the crash comes at
    // 5.065 s and reaches the coordinator at 5.07 s, where the crashed member still counts until
    // its session times out. So it is committed, and nothing is repeated after the restart.
    const r = everyTenth('2m', ', maxPollRecords: 1', '[{ kind: crash, group: g, at: 5065ms, restartAfter: 1s }]');
    const g = group(r);
    expect(g.processed).toBe(r.summary.produced);
    expect(r.summary.produced).toBe(99);
    expect(g.losses.total).toBe(0);
    expect(g.duplicates).toBe(0);
  });
});
