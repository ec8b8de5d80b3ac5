/**
 * Polling: long polls answer the moment a message is visible; short polls on an idle queue are
 * empty receives, one per poll interval. (M/M/c against theory: polling.slow.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

describe('long polling', () => {
  it('returns as soon as a message is sent: zero queue wait', () => {
    // Messages at 1, 2, … 9 s; each finds the consumer parked in a 20 s long poll.
    const r = run(`
name: long-poll
duration: 10s
system: { type: queue, queues: [{ name: q, receiveMessageWaitTime: 20s }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
consumers: [{ group: g, service: const(10ms) }]
`);
    const g = group(r);
    expect(g.processed).toBe(9);
    expect(g.queueWaitMs.max).toBe(0);
    expect(g.latencyMs.max).toBe(10);
    // The poll parked at 9.01 s has not run out by 10 s: no empty receive.
    expect(r.cost?.emptyReceives).toBe(0);
    expect(r.cost?.requestsByAction).toEqual({ DeleteMessage: 9, ReceiveMessage: 9, SendMessage: 9 });
  });
});

/** Two instances poll `idle`; the producer sends to `busy`, which nobody polls. */
function idle(consumer: string): string {
  return `
name: idle-poll
duration: 60s
system: { type: queue, queues: [{ name: busy }, { name: idle }] }
producers: [{ name: p, rate: 10/s, queue: busy }]
consumers: [{ group: g, queue: idle, instances: 2, service: const(1ms), ${consumer} }]
`;
}

describe('empty receives on an idle queue', () => {
  it('short polling: exactly duration / pollInterval per consumer', () => {
    // Polls at 0, 1, … 59 s per instance; none is sent at the end of the run (60 s).
    const r = run(idle('waitTime: 0s, pollInterval: 1s'));
    expect(r.cost?.queues.idle.emptyReceives).toBe(2 * 60);
    expect(r.cost?.queues.idle.requestsByAction).toEqual({ ReceiveMessage: 120 });
  });

  it('long polling: one empty receive per wait', () => {
    // Each 20 s wait runs out at 20, 40 and 60 s.
    const r = run(idle('waitTime: 20s'));
    expect(r.cost?.queues.idle.emptyReceives).toBe(2 * 3);
  });
});

describe('short polling samples servers', () => {
  it('can answer empty while a message is visible (false empties)', () => {
    // One message a second, short polling every 100 ms, 2 of 4 servers sampled: a message on
    // an unsampled server waits for a later poll.
    const r = run(`
name: false-empty
duration: 60s
drain: 5s
system: { type: queue, queues: [{ name: q }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
consumers: [{ group: g, service: const(1ms), waitTime: 0s, pollInterval: 100ms }]
`);
    const g = group(r);
    expect(g.processed).toBe(59);
    expect(g.queueWaitMs.max).toBeGreaterThan(100); // missed by at least one poll
    // With every server sampled, the wait is at most one poll interval.
    const all = run(`
name: all-servers
duration: 60s
drain: 5s
system: { type: queue, queues: [{ name: q, shortPollSampled: 4 }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
consumers: [{ group: g, service: const(1ms), waitTime: 0s, pollInterval: 100ms }]
`);
    expect(group(all).queueWaitMs.max).toBeLessThanOrEqual(100);
  });
});
