/** Delay queues and message timers, the in-flight limit, stale receipt handles and fan-out topics. */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

describe('delays', () => {
  it('a delay queue hides new messages for delaySeconds', () => {
    const r = run(`
name: delay
duration: 10500ms
drain: 1m
system: { type: queue, queues: [{ name: q, delaySeconds: 15s }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
consumers: [{ group: g, waitTime: 20s, service: const(10ms) }]
`);
    const g = group(r);
    expect(g.processed).toBe(10);
    expect(g.queueWaitMs.max).toBe(15_000);
    expect(g.queueWaitMs.p50).toBeGreaterThanOrEqual(14_900); // every message waits exactly 15 s (histogram bucket)
  });

  it('a per-message timer overrides the queue delay (standard queues)', () => {
    const r = run(`
name: timer
duration: 10500ms
drain: 1m
system: { type: queue, queues: [{ name: q, delaySeconds: 15s }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform, delaySeconds: 2s }]
consumers: [{ group: g, waitTime: 20s, service: const(10ms) }]
`);
    expect(group(r).queueWaitMs.max).toBe(2000);
  });
});

describe('the in-flight limit', () => {
  // 100 messages at 10 ms intervals (1 s), a limit of 5 in flight, five slow pollers and five
  // more: at most five are held at any time.
  function limited(consumer: string): string {
    return `
name: in-flight
duration: 1005ms
drain: 2m
system: { type: queue, queues: [{ name: q, inFlightLimit: 5, visibilityTimeout: 5m }] }
producers: [{ name: p, rate: 100/s, arrivals: uniform }]
consumers: [{ group: g, instances: 10, service: const(1s), ${consumer} }]
report: { sampleEvery: 100ms }
`;
  }

  it('short polls beyond the limit get OverLimit; long polls just wait', () => {
    const short = run(limited('waitTime: 0s, pollInterval: 100ms'));
    expect(short.cost!.overLimit).toBeGreaterThan(0);
    const inFlight = short.series.inFlight as Record<string, number[]>;
    expect(Math.max(...inFlight.q)).toBe(5);
    expect(group(short).processed).toBe(100);
    const long = run(limited('waitTime: 20s'));
    expect(long.cost!.overLimit).toBe(0);
    expect(Math.max(...(long.series.inFlight as Record<string, number[]>).q)).toBe(5);
    expect(group(long).processed).toBe(100);
  });
});

describe('the in-flight limit as a hard cap', () => {
  // 12 messages waiting at 0 (a backlog, no live traffic), a limit of 5 in flight, one poll
  // loop asking for 10 at a time, 1 s each. Every receive stops at the limit: 5 at 0 s, then
  // after the batch's delete at 5 s the next 5, at 10 s the last 2 (they finish at 12 s).
  const capped = (queue: string) => run(`
name: cap
duration: 1s
drain: 1m
system: { type: queue, queues: [{ name: ${queue}, inFlightLimit: 5${queue.endsWith('.fifo') ? ', fifo: true' : ''} }] }
producers: [{ name: p, rate: 0/s, backlog: 12${queue.endsWith('.fifo') ? ', keys: { count: 12 }' : ''} }]
consumers: [{ group: g, batchSize: 10, waitTime: 20s, service: const(1s) }]
report: { sampleEvery: 100ms }
`);

  it('a batch receive never takes a standard queue past inFlightLimit', () => {
    const r = capped('q');
    expect(Math.max(...(r.series.inFlight as Record<string, number[]>).q)).toBe(5);
    expect(group(r)).toMatchObject({ processed: 12, duplicates: 0 });
    expect(group(r).latencyMs.max).toBe(12_000);
  });

  it('nor a FIFO queue', () => {
    const r = capped('q.fifo');
    expect(Math.max(...(r.series.inFlight as Record<string, number[]>)['q.fifo'])).toBe(5);
    expect(group(r).latencyMs.max).toBe(12_000);
  });

  it('a FIFO queue at its limit answers a short poll with nothing, not OverLimit', () => {
    const r = run(`
name: fifo-limit
duration: 1s
drain: 30s
system: { type: queue, queues: [{ name: q.fifo, fifo: true, inFlightLimit: 1, shortPollServers: 1, shortPollSampled: 1 }] }
producers: [{ name: p, rate: 0/s, backlog: 2, keys: { count: 2 } }]
consumers: [{ group: g, concurrency: 2, waitTime: 0s, pollInterval: 100ms, service: const(1s) }]
`);
    // Loop A takes the first message at 0; loop B's short polls at 0, 0.1, …, 0.9 s find the
    // queue at its limit: ten empty receives, no OverLimit. At 1 s A's delete frees the slot.
    expect(r.cost!.overLimit).toBe(0);
    expect(r.cost!.emptyReceives).toBeGreaterThanOrEqual(10);
    expect(group(r)).toMatchObject({ processed: 2 });
  });
});

describe('stale receipt handles', () => {
  // One message at 1 s, two poll loops, processing 45 s, timeout 30 s (as in
  // visibility.test.ts). On FIFO the second receive is impossible while the first is in flight;
  // at 31 s it is visible again and loop B receives it; at 46 s A's delete fails (window closed).
  it('FIFO: a delete after the visibility window fails, and the message is processed again', () => {
    const r = run(`
name: stale-fifo
duration: 1500ms
drain: 3m
system: { type: queue, queues: [{ name: q.fifo, fifo: true, visibilityTimeout: 30s }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform, keys: { count: 1 } }]
consumers: [{ group: g, concurrency: 2, waitTime: 20s, service: const(45s) }]
`);
    // Receives at 1, 31, 61, 91, 121, 151 s …: each delete comes 15 s after the window closed.
    const g = group(r);
    expect(g.processed).toBe(1);
    expect(g.duplicates).toBeGreaterThan(0);
    expect(g.backlogAtEnd).toBe(1);
  });
});

describe('fan-out', () => {
  it('a topic delivers every message to each subscribed queue and its own consumers', () => {
    const r = run(`
name: fan-out
duration: 10500ms
drain: 10s
system:
  type: queue
  queues: [{ name: billing }, { name: shipping }, { name: audit }]
  topics: [{ name: orders, subscriptions: [billing, shipping] }]
producers: [{ name: p, rate: 1/s, arrivals: uniform, topic: orders }]
consumers:
  - { group: billing, queue: billing, waitTime: 20s, service: const(10ms) }
  - { group: shipping, queue: shipping, waitTime: 20s, service: const(100ms) }
  - { group: audit, queue: audit, waitTime: 20s, service: const(10ms) }
`);
    expect(group(r, 'billing').processed).toBe(10);
    expect(group(r, 'shipping').processed).toBe(10);
    expect(group(r, 'audit').processed).toBe(0);
    expect(r.cost!.queues.billing.requestsByAction.SendMessage).toBe(10);
    expect(r.cost!.queues.shipping.requestsByAction.SendMessage).toBe(10);
  });
});
