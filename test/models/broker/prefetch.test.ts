/**
 * Push delivery with prefetch: round-robin over the consumers that have free prefetch
 * capacity. A fast consumer (5 ms) and a slow one (the same handler slowed 6x: 30 ms) share a
 * queue fed every 10 ms (300 messages at 10, 20, … 3000 ms).
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

function scenario(prefetch: number): string {
  return `
name: prefetch
duration: 3001ms
drain: 1m
system: { type: broker, queues: [{ name: work }] }
producers: [{ name: p, rate: 100/s, arrivals: uniform, routingKey: work }]
consumers:
  - { group: work, instances: 2, prefetch: ${prefetch}, service: const(5ms) }
faults:
  - { kind: slowdown, group: work, instance: 1, at: 0ms, for: 1h, factor: 6 }
`;
}

const counts = (prefetch: number): number[] => {
  const consumers = run(scenario(prefetch)).broker!.consumers;
  return [consumers['work/0'].deliveries, consumers['work/1'].deliveries];
};

describe('prefetch distribution', () => {
  it('prefetch 1: the slow consumer is skipped while busy and gets every third message', () => {
    // 0 → A, 1 → B (busy 20..50 ms), 2 → A, 3: B full so A, 4 (at 50 ms, after B's
    // completion, which was scheduled first) → B, … : B takes ids 1, 4, 7, … 298.
    expect(counts(1)).toEqual([200, 100]);
  });

  it('prefetch 0 (unlimited): strict alternation whatever the speed, the slow one backs up', () => {
    expect(counts(0)).toEqual([150, 150]);
    // B receives one every 20 ms but needs 30: its 150 take until 4.5 s + the first start.
    const g = group(run(scenario(0)), 'work');
    expect(g.processed).toBe(300);
    expect(g.latencyMs.max).toBeGreaterThan(1400);
  });

  it('prefetch n: the slow consumer buffers n - 1 more, then settles on 1 in 3', () => {
    // Its buffer fills once early on; after that each completion frees one slot, taken by the
    // next arrival that finds it: 100 + (n - 1) messages in all.
    expect(counts(2)).toEqual([199, 101]);
    expect(counts(3)).toEqual([198, 102]);
  });
});
