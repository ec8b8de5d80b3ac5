/**
 * The managed queue's `network`: ReceiveMessage, DeleteMessage(Batch) and
 * ChangeMessageVisibility cross it (docs/semantics.md, queue). A receive takes its messages at
 * the queue half a round trip after it is sent, and its answer arrives half a round trip after
 * that; a delete is answered before the loop goes on.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

/** 10,000 messages at 0 s, one poll loop at 1 ms a message, for 1 s. */
function backlog(network: string, consumer = ''): number {
  const r = run(`
name: queue-network
duration: 1s
system: { type: queue, queues: [{ name: q }], network: ${network} }
producers: [{ name: p, rate: 0/s, backlog: 10000 }]
consumers: [{ group: g, instances: 1, service: "const(1ms)", waitTime: 20s${consumer} }]
`);
  return group(r).processed;
}

describe('a backlog over a 1.3 ms round trip', () => {
  it('without a network: one message a millisecond, whatever the calls', () => {
    for (const consumer of ['', ', batchSize: 10', ', batchSize: 10, deletes: each', ', delivery: at-most-once']) {
      expect(backlog('0', consumer)).toBe(1000);
    }
  });

  it('one message a receive: a receive and a delete per message, 278', () => {
    // Receive answered at 1.3 ms, handled to 2.3 ms, delete answered at 3.6 ms, the next receive
    // goes out: message k ends at 1.3 + 3.6k + 1 ≤ 1000 ms, k ≤ 277.1.
    expect(backlog('1.3ms')).toBe(278);
  });

  it('ten a receive, deleted as a batch: 793', () => {
    // A cycle of 1.3 + 10 + 1.3 = 12.6 ms for ten: 79 whole batches end by 994.1 ms, and the
    // 80th, received at 996.7 ms, finishes three more by 1 s.
    expect(backlog('1.3ms', ', batchSize: 10')).toBe(793);
  });

  it('ten a receive, each deleted on its own: 411', () => {
    // Each message costs 1 + 1.3 ms: a cycle of 1.3 + 23 = 24.3 ms; 41 batches by 997.6 ms, then
    // one more message by 998.6 ms.
    expect(backlog('1.3ms', ', batchSize: 10, deletes: each')).toBe(411);
  });

  it('at-most-once deletes before handling: also a round trip more per message, 277', () => {
    // Message k ends at 1.3 + 1.3 + 3.6k + 1 ≤ 1000 ms: k ≤ 276.5.
    expect(backlog('1.3ms', ', delivery: at-most-once')).toBe(277);
  });
});

describe('an idle long-polling consumer over a 20 ms round trip', () => {
  // A message every 100 ms, 50 ms of work. The receive waits at the queue; a send answers it,
  // and the answer arrives 10 ms later. The delete is answered 20 ms after the handler ends, and
  // the next receive reaches the queue 10 ms after that: 90 ms, before the next message.
  const r = run(`
name: queue-idle
duration: 10s
drain: 1s
system: { type: queue, queues: [{ name: q }], network: 20ms }
producers: [{ name: p, rate: 10/s, arrivals: uniform }]
consumers: [{ group: g, instances: 1, service: "const(50ms)", waitTime: 20s }]
`);
  const g = group(r);

  it('each message waits half a round trip before handling: 60 ms end to end', () => {
    expect(g.processed).toBe(r.summary.produced);
    expect(g.queueWaitMs.mean).toBeCloseTo(10, 6);
    expect(g.queueWaitMs.max).toBeCloseTo(10, 6);
    expect(g.latencyMs.mean).toBeCloseTo(60, 6);
    expect(g.latencyMs.max).toBeCloseTo(60, 6);
    expect(g).toMatchObject({ duplicates: 0, redeliveries: 0, backlogAtEnd: 0 });
  });
});

describe('the visibility timeout runs at the queue', () => {
  it('work plus the way back that outlasts it makes a message come back for ever', () => {
    // Visibility 1 s, 980 ms of work, a 60 ms round trip, two consumers long-polling. The queue
    // hands the message out at 30 ms; the answer arrives at 60 ms, the work ends at 1040 ms, and
    // the delete reaches the queue at 1070 ms. But the message became visible again at 1030 ms
    // and the other consumer's waiting receive took it: the old receipt handle deletes nothing.
    // So it is handed out at 30, 1030, …, 9030 ms (10 deliveries) and processed at 1040, 2040,
    // …, 9040 ms (9 times, 8 of them duplicates) before the run ends at 10.001 s. Without a
    // network the same work fits in the timeout.
    const make = (network: string) => group(run(`
name: queue-visibility
duration: 1ms
drain: 10s
system: { type: queue, queues: [{ name: q, visibilityTimeout: 1s }], network: ${network} }
producers: [{ name: p, rate: 0/s, backlog: 1 }]
consumers: [{ group: g, instances: 2, service: "const(980ms)", waitTime: 20s }]
`));
    expect(make('0')).toMatchObject({ deliveries: 1, duplicates: 0, redeliveries: 0, backlogAtEnd: 0 });
    expect(make('60ms')).toMatchObject({ deliveries: 10, duplicates: 8, redeliveries: 9, backlogAtEnd: 1 });
  });
});
