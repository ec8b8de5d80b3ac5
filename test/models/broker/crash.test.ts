/**
 * Crash before ack with prefetch: every unacked delivery of the crashed consumer is requeued
 * in its original position with `redelivered` set. Evenly spaced arrivals (1 per ms) and
 * constant service times make every number exact.
 */
import { describe, expect, it } from 'vitest';
import { group } from '../../helpers.js';
import { ids, runRecorded } from './helpers.js';

/** 100 messages at 1, 2, … 100 ms; consumer A (instance 0) and B (instance 1, down until 300 ms). */
function scenario(extra: { point?: string; connectionLoss?: string; autoAck?: boolean } = {}): string {
  const point = extra.point ?? 'after-process-before-ack';
  return `
name: crash-before-ack
duration: 101ms
drain: 2m
system:
  type: broker
  queues: [{ name: work }]
producers: [{ name: p, rate: 1000/s, arrivals: uniform, routingKey: work }]
consumers:
  - group: work
    instances: 2
    prefetch: 10
    service: const(10ms)
    ${extra.connectionLoss ? `connectionLoss: ${extra.connectionLoss}` : ''}
    ${extra.autoAck ? 'autoAck: true\n    delivery: at-most-once' : ''}
faults:
  - { kind: crash, group: work, instance: 1, at: 0ms, restartAfter: 300ms }
  - { kind: crash, group: work, instance: 0, at: 255ms, point: ${point} }
`;
}

describe('crash before ack, prefetch 10', () => {
  // A finishes message k at 10k + 11 ms: it acks 0..24 (the last at 251 ms), holds 25..34,
  // and the crash armed at 255 ms hits message 25 after processing, before its ack (261 ms).
  it('B receives 25..34 first, each redelivered once, then 35..99', () => {
    const { result, deliveries } = runRecorded(scenario());
    const afterCrash = deliveries.filter((d) => d.tMs > 261);
    expect(afterCrash.map((d) => d.id)).toEqual([...ids(25, 34), ...ids(35, 99)]);
    expect(afterCrash.slice(0, 10).every((d) => d.attempt === 2)).toBe(true);
    expect(afterCrash.slice(10).every((d) => d.attempt === 1)).toBe(true);
    // B is back at 300 ms and takes its prefetch of 10 at once.
    expect(afterCrash[0].tMs).toBe(300);
    const g = group(result, 'work');
    expect(g).toMatchObject({ deliveries: 110, redeliveries: 10, processed: 100, duplicates: 1 });
    expect(g.losses.total).toBe(0);
    expect(g.backlogAtEnd).toBe(0);
    expect(result.anomalies.work[0]).toMatchObject({ kind: 'duplicate', messageId: 25 });
  });

  it('a crash mid-process repeats no side effect', () => {
    const { result } = runRecorded(scenario({ point: 'mid-process' }));
    // Armed at 255 ms: message 26, started at 261 ms, dies half way (266 ms), unprocessed.
    expect(group(result, 'work')).toMatchObject({ deliveries: 110, redeliveries: 10, processed: 100, duplicates: 0 });
  });

  it('per-consumer delivery counts: A 35 (0..34), B 75', () => {
    const { result } = runRecorded(scenario());
    const figures = result.broker!;
    expect(figures.consumers['work/0']).toMatchObject({ deliveries: 35, redeliveries: 0 });
    expect(figures.consumers['work/1']).toMatchObject({ deliveries: 75, redeliveries: 10 });
  });

  it('a silent connection loss requeues only after the heartbeat timeout (60 s)', () => {
    const { result, deliveries } = runRecorded(scenario({ connectionLoss: 'silent' }));
    // B (back at 300 ms) takes 35..99 meanwhile; 25..34 come back at 261 ms + 60 s.
    const redelivered = deliveries.filter((d) => d.attempt === 2);
    expect(redelivered.map((d) => d.id)).toEqual(ids(25, 34));
    expect(redelivered[0].tMs).toBe(60_261);
    // B's own crash at 0 ms was silent too: its (empty) connection is declared dead at 60 s.
    const lost = result.timeline.filter((e) => e.kind === 'connection-lost');
    expect(lost.map((e) => [e.tMs, e.detail])).toEqual([
      [60_000, '0 unacked requeued'],
      [60_261, '10 unacked requeued'],
    ]);
    expect(group(result, 'work')).toMatchObject({ deliveries: 110, processed: 100, duplicates: 1 });
  });

  it('autoAck loses what was written to the socket', () => {
    // At-most-once: the crash (armed at 255 ms) hits the next message to start, 26 at 261 ms.
    // Prefetch does not limit auto-ack, so all 100 went to A as they arrived; A processed
    // 0..25, then lost message 26 (in its handler) and 27..99 (in its buffer).
    const { result } = runRecorded(scenario({ point: 'after-ack-before-process', autoAck: true }));
    const g = group(result, 'work');
    expect(g).toMatchObject({ deliveries: 100, redeliveries: 0, processed: 26 });
    expect(g.losses).toEqual({ total: 74, byCause: { 'crash-after-ack': 74 } });
  });
});
