/** Poison messages to the dead-letter queue, retention expiry, crashes and deduplicated FIFO retries. */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

describe('poison messages and redrive', () => {
  it('a failing message is received maxReceiveCount times, then moved to the DLQ', () => {
    // 10 messages at 1 … 10 s; message id 4 always fails. It is not deleted, reappears every
    // 5 s (visibility timeout) and is received 3 times; the 4th receive moves it to the DLQ,
    // where the dlq-readers group processes it.
    const r = run(`
name: poison
duration: 10500ms
drain: 1m
system:
  type: queue
  queues:
    - { name: jobs, visibilityTimeout: 5s, maxReceiveCount: 3, deadLetterQueue: jobs-dlq }
    - { name: jobs-dlq }
producers: [{ name: p, rate: 1/s, arrivals: uniform, queue: jobs }]
consumers:
  - { group: workers, queue: jobs, service: const(10ms), waitTime: 20s, onError: reject }
  - { group: dlq-readers, queue: jobs-dlq, service: const(10ms), waitTime: 20s }
faults:
  - { kind: poison, group: workers, ids: [4] }
`);
    const w = group(r, 'workers');
    expect(w).toMatchObject({ processed: 9, failures: 3, deliveries: 12, deadLettered: 1, backlogAtEnd: 0 });
    expect(w.deadLetteredByReason).toEqual({ maxReceiveCount: 1 });
    expect(w.losses.total).toBe(0);
    const d = group(r, 'dlq-readers');
    expect(d).toMatchObject({ processed: 1, deliveries: 1, backlogAtEnd: 0 });
  });
});

describe('poison under at-most-once', () => {
  it('the message was deleted on receipt: a failing handler loses it', () => {
    const r = run(`
name: poison-amo
duration: 10500ms
drain: 1m
system: { type: queue, queues: [{ name: q, visibilityTimeout: 5s }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
consumers: [{ group: g, service: const(10ms), waitTime: 20s, delivery: at-most-once }]
faults: [{ kind: poison, ids: [4] }]
`);
    expect(group(r)).toMatchObject({ processed: 9, failures: 1, deliveries: 10, backlogAtEnd: 0 });
    expect(group(r).losses).toEqual({ total: 1, byCause: { 'processing-failed': 1 } });
  });
});

describe('retention', () => {
  it('messages older than messageRetentionPeriod are lost with cause retention', () => {
    // 100 messages at 1 … 100 s; the only consumer is down from 0 to 90.5 s; retention 60 s:
    // messages sent at 1 … 30 s expire (at 61 … 90 s) before it is back.
    const r = run(`
name: retention
duration: 100500ms
drain: 10s
system: { type: queue, queues: [{ name: q, messageRetentionPeriod: 60s }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
consumers: [{ group: g, service: const(10ms), waitTime: 20s }]
faults: [{ kind: crash, group: g, at: 0s, restartAfter: 90500ms }]
`);
    const g = group(r);
    expect(g.losses).toEqual({ total: 30, byCause: { retention: 30 } });
    expect(g.processed).toBe(70);
    expect(g.backlogAtEnd).toBe(0);
    expect(r.cost?.queues.q.expired).toBe(30);
  });

  it('a standard DLQ keeps the original enqueue time, so a redriven message may expire at once', () => {
    // Retention 2 min on both queues; message id 0 (sent at 1 s) always fails, timeout 50 s,
    // maxReceiveCount 2: received at 1 s and 51 s, moved at 101 s, expires at 121 s in the DLQ.
    const r = run(`
name: dlq-retention
duration: 1500ms
drain: 3m
system:
  type: queue
  queues:
    - { name: q, visibilityTimeout: 50s, maxReceiveCount: 2, deadLetterQueue: dlq, messageRetentionPeriod: 2m }
    - { name: dlq, messageRetentionPeriod: 2m }
producers: [{ name: p, rate: 1/s, arrivals: uniform, queue: q }]
consumers: [{ group: g, queue: q, service: const(10ms), waitTime: 20s }]
faults: [{ kind: poison, ids: [0] }]
`);
    expect(r.cost?.queues.q.redriven).toBe(1);
    expect(r.cost?.queues.dlq.expired).toBe(1);
  });
});

describe('crashes', () => {
  it("a crashed consumer's batch stays in flight until the visibility timeout, then is redelivered", () => {
    // Messages every second; crash mid-process at 10 s (message sent at 10 s, 500 ms service),
    // restart after 1 s. The held message reappears at 10 + 30 s and is processed then: no loss,
    // no duplicate, one redelivery, and a 30 s latency for it.
    const r = run(`
name: crash
duration: 60500ms
drain: 5s
system: { type: queue, queues: [{ name: q }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
consumers: [{ group: g, service: const(500ms), waitTime: 20s }]
faults: [{ kind: crash, group: g, at: 9900ms, point: mid-process, restartAfter: 1s }]
`);
    const g = group(r);
    expect(g).toMatchObject({ processed: 60, duplicates: 0, redeliveries: 1, backlogAtEnd: 0 });
    expect(g.losses.total).toBe(0);
    expect(g.latencyMs.max).toBe(30_000 + 500);
  });

  it('at-most-once deletes on receipt: a crash before processing loses the message', () => {
    const r = run(`
name: crash-amo
duration: 60500ms
drain: 5s
system: { type: queue, queues: [{ name: q }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
consumers: [{ group: g, service: const(500ms), waitTime: 20s, delivery: at-most-once }]
faults: [{ kind: crash, group: g, at: 9900ms, point: after-ack-before-process, restartAfter: 1s }]
`);
    const g = group(r);
    expect(g.losses).toEqual({ total: 1, byCause: { 'crash-after-ack': 1 } });
    expect(g.processed).toBe(59);
  });
});
