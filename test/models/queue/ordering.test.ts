/**
 * Standard-queue best-effort ordering (outOfOrderProbability, docs/semantics.md, SQS): a message
 * drawn out of order is delivered after the next message sent, if both still wait. Ten messages
 * of one key are sent at t = 0 (a backlog, 0 … 9 in order) to one consumer that takes one at a
 * time, so the delivery order is exactly the queue's order.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';
import { Rng } from '../../../src/sim/rng.js';

function tenWaiting(queue: string): string {
  return `
name: ordering
duration: 1s
drain: 1m
system: { type: queue, queues: [${queue}] }
producers: [{ name: p, rate: 0/s, backlog: 10, keys: { count: 1 } }]
consumers: [{ group: g, batchSize: 1, waitTime: 20s, service: const(1s) }]
`;
}

describe('outOfOrderProbability', () => {
  it('with seed 7 and 0.3: messages 1 and 3 are each overtaken by the next one, two violations', () => {
    // The consumer's long poll already waits at t = 0. The draws of the seeded stream
    // queue/orders/order are 0.058, 0.156, 0.155, 0.689, 0.526, 0.860, 0.747, 0.906: message 0
    // is drawn (< 0.3) but the waiting poll takes it at once, before anything could overtake
    // it. 1 is drawn and held back, 2 goes ahead of it without a draw; 3 is drawn, 4 goes
    // ahead; 5 … 9 are not drawn. Delivery order 0 2 1 4 3 5 6 7 8 9: 1 and 3 come after a
    // higher sequence number.
    const draws = new Rng(7).stream('queue/orders/order');
    expect(Array.from({ length: 8 }, () => Math.round(draws() * 1000) / 1000)).toEqual([0.058, 0.156, 0.155, 0.689, 0.526, 0.86, 0.747, 0.906]);
    const r = run(tenWaiting('{ name: orders, outOfOrderProbability: 0.3 }'), 7);
    const g = group(r);
    expect(g).toMatchObject({ processed: 10, duplicates: 0, orderingViolations: 2 });
    expect(r.anomalies.g.map((a) => [a.messageId, a.detail])).toEqual([
      [1, 'seq 2 was processed before'],
      [3, 'seq 4 was processed before'],
    ]);
  });

  it('at 1 every other waiting message is overtaken: 2 1 4 3 6 5 8 7, four violations', () => {
    // 0 goes to the waiting poll; 9 is held back with nothing behind it and comes last anyway.
    expect(group(run(tenWaiting('{ name: orders, outOfOrderProbability: 1 }'), 7)).orderingViolations).toBe(4);
  });

  it('is 0 by default: the queue keeps send order', () => {
    expect(group(run(tenWaiting('{ name: orders }'), 7)).orderingViolations).toBe(0);
  });

  it('a message nobody overtakes before it is received is delivered in place', () => {
    // One message a second (1 … 9 s), each received at once by the waiting long poll: nothing waits
    // behind a held-back message, so nothing is reordered even at probability 1.
    const r = run(`
name: ordering
duration: 10s
drain: 1m
system: { type: queue, queues: [{ name: orders, outOfOrderProbability: 1 }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform, keys: { count: 1 } }]
consumers: [{ group: g, batchSize: 1, waitTime: 20s, service: const(100ms) }]
`, 7);
    expect(group(r)).toMatchObject({ processed: 9, orderingViolations: 0 });
    expect(group(r).latencyMs.max).toBeCloseTo(100, 6);
  });
});
