/**
 * A clean shutdown (`kind: leave`, a rolling deploy) against a crash at the same moment, on
 * every system: evenly spaced arrivals and constant service times make each case exact.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../helpers.js';

const events = (r: ReturnType<typeof run>) => r.timeline.map((e) => [e.tMs, e.kind, e.subject]);

describe('work queue', () => {
  // One instance, a message every 100 ms (message 599 at 60.0 s) taking 50 ms. At 60.02 s it is
  // processing 599.
  const scenario = (fault: string) => `
name: leave
duration: 2m
drain: 1m
system: { type: workqueue }
producers: [{ name: p, rate: 10/s, arrivals: uniform }]
consumers: [{ group: g, service: const(50ms) }]
faults: [{ kind: ${fault}, group: g, at: 60020ms, restartAfter: 10s }]
`;

  it('leave finishes and acks the message in hand, then goes: nothing is delivered twice', () => {
    const r = run(scenario('leave'));
    expect(events(r)).toEqual([[60_050, 'leave', 'g/0'], [70_050, 'restart', 'g/0']]);
    const g = group(r);
    expect(g).toMatchObject({ redeliveries: 0, duplicates: 0, processed: r.summary.produced, backlogAtEnd: 0 });
    // The first message after the shutdown (60.1 s) waits for the restart at 70.05 s.
    expect(g.queueWaitMs.max).toBeCloseTo(70_050 - 60_100, 6);
  });

  it('a crash at the same moment redelivers the message in hand', () => {
    const g = group(run(scenario('crash')));
    expect(g).toMatchObject({ redeliveries: 1, duplicates: 0 });
  });
});

describe('broker', () => {
  // 100 messages at 1 … 100 ms; A (instance 0) takes 10 ms each with prefetch 10, B is down
  // until 300 ms. At 255 ms A is processing message 25 (until 261 ms) and holds 26 … 34 in its
  // prefetch buffer. Its connection loss is silent: after a crash the broker would only notice
  // at the heartbeat timeout.
  const scenario = (extra = '') => `
name: leave
duration: 101ms
drain: 2m
system:
  type: broker
  queues: [{ name: work }]
producers: [{ name: p, rate: 1000/s, arrivals: uniform, routingKey: work }]
consumers:
  - { group: work, instances: 2, prefetch: 10, service: const(10ms), connectionLoss: silent${extra} }
faults:
  - { kind: crash, group: work, instance: 1, at: 0ms, restartAfter: 300ms }
  - { kind: leave, group: work, instance: 0, at: 255ms }
`;

  it('leave acks the message in hand and closes the channel: the buffered 9 are requeued at once', () => {
    const r = run(scenario());
    expect(events(r)).toEqual([
      [0, 'crash', 'work/1'],
      [261, 'leave', 'work/0'],
      [300, 'restart', 'work/1'],
      [60_000, 'connection-lost', 'work/1'], // B's own silent crash, noticed at the heartbeat timeout
    ]);
    const g = group(r);
    expect(g).toMatchObject({ redeliveries: 9, duplicates: 0, losses: { total: 0, byCause: {} }, processed: 100 });
    // B takes 26 … 34 when it starts at 300 ms, not after a heartbeat timeout.
    expect(g.latencyMs.max).toBeLessThan(1000);
  });

  it('with autoAck what sat in the buffer was acked on the socket: a clean close loses it', () => {
    // Without acks prefetch does not apply: the broker pushed every message to A, and 26 … 99
    // (74) were still in its buffer.
    const g = group(run(scenario(', autoAck: true, delivery: at-most-once')));
    expect(g.losses).toEqual({ total: 74, byCause: { 'left-after-ack': 74 } });
  });
});

describe('managed queue', () => {
  // One poll loop (long polling 20 s), a message every 100 ms taking 50 ms: at 60.02 s the loop
  // is processing message 599 (received at 60.0 s).
  const scenario = (fault: string) => `
name: leave
duration: 2m
drain: 2m
system:
  type: queue
  queues: [{ name: jobs, visibilityTimeout: 30s }]
producers: [{ name: p, rate: 10/s, arrivals: uniform }]
consumers: [{ group: workers, queue: jobs, waitTime: 20s, service: const(50ms) }]
faults: [{ kind: ${fault}, group: workers, at: 60020ms, restartAfter: 10s }]
`;

  it('leave finishes and deletes the message in hand, then stops polling', () => {
    const r = run(scenario('leave'));
    expect(events(r)).toEqual([[60_050, 'leave', 'workers/0'], [70_050, 'restart', 'workers/0']]);
    expect(group(r)).toMatchObject({ redeliveries: 0, duplicates: 0, backlogAtEnd: 0 });
  });

  it('a crash leaves the message in flight until its visibility timeout: received again', () => {
    expect(group(run(scenario('crash')))).toMatchObject({ redeliveries: 1 });
  });
});

describe('log', () => {
  // Two partitions round-robin (message k → partition k mod 2), two instances, 50 ms each.
  // Instance 0 (t-0) is idle at 60.02 s: it leaves at once. A crash would keep t-0 unread until
  // its session expires (45 s after its last heartbeat); a clean leave rebalances now. Instance 1 rejoins at its next
  // poll (60.05 s), so the rebalance ends rebalanceTime (1 s) after it began.
  const scenario = (fault: string) => `
name: leave
duration: 3m
drain: 1m
system:
  type: log
  topics: [{ name: t, partitions: 2 }]
producers: [{ name: p, rate: 10/s, arrivals: uniform, partitioner: round-robin }]
consumers: [{ group: g, instances: 2, service: const(50ms) }]
faults: [{ kind: ${fault}, group: g, instance: 0, at: 60020ms }]
`;

  it('LeaveGroup starts the rebalance at once: t-0 waits one rebalance, not the session timeout', () => {
    const r = run(scenario('leave'));
    expect(r.timeline.map((e) => [e.tMs, e.kind, e.detail ?? ''])).toEqual([
      [60_020, 'leave', ''],
      [60_020, 'rebalance', 'g-000-0 left the group'],
      [61_020, 'rebalance-end', 'generation 2, 1000 ms'],
    ]);
    const g = group(r);
    expect(g).toMatchObject({ duplicates: 0, redeliveries: 0, losses: { total: 0, byCause: {} }, backlogAtEnd: 0 });
    expect(r.summary.assignments).toEqual({ g: { 'g-001-0': ['t-0', 't-1'] } });
    expect(g.queueWaitMs.max).toBeLessThan(1_100);
  });

  it('a crash at the same moment leaves t-0 unread until the session expires', () => {
    // 45 s after the last heartbeat (60 s), then the 1 s rebalance: the record of t-0 produced
    // at 60.1 s waits until 106 s.
    expect(group(run(scenario('crash'))).queueWaitMs.max).toBeCloseTo(106_000 - 60_100, 6);
  });
});
