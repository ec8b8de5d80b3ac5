/**
 * Latency per load phase: a single handler of 50 ms behind evenly spaced arrivals, 10/s
 * outside the phase and 50/s during it. Outside, every message waits for nobody (50 ms); in
 * the phase the handler falls behind by 30 ms per message, so message m of the phase (m =
 * 0…499) is processed 72 + 30m ms after it was produced (the first arrives 22 ms before the
 * handler is free): mean 72 + 30 × 249.5 = 7,557 ms, max 72 + 30 × 499 = 15,042 ms.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../helpers.js';

const SCENARIO = `name: phase-latency
duration: 3m
system: { type: workqueue }
producers:
  - name: p
    rate: 10/s
    arrivals: uniform
    phases:
      - { name: spike, at: 60010ms, duration: 10s, spike: 5x }
consumers:
  - group: g
    instances: 1
    service: const(50ms)
`;

describe('latency per load phase', () => {
  it('splits the messages produced during the spike from the rest, as computed by hand', () => {
    const g = group(run(SCENARIO));
    const byPhase = g.latencyByPhaseMs!;
    expect(Object.keys(byPhase)).toEqual(['outside-phases', 'spike']);
    expect(byPhase.spike.count).toBe(500);
    expect(byPhase.spike.mean).toBeCloseTo(7557, 1);
    expect(byPhase.spike.max).toBeCloseTo(15_042, 1);
    // 1,800 arrivals at 10/s over 3 minutes, and 400 more in the spike.
    expect(byPhase['outside-phases'].count + byPhase.spike.count).toBe(g.latencyMs.count);
    expect(byPhase['outside-phases'].p50).toBeCloseTo(50, 0);
    expect(g.latencyMs.max).toBeCloseTo(15_042, 1);
  });

  it('is left out of a run without phases', () => {
    const g = group(run(SCENARIO.replace(/ {4}phases:\n.*\n/, '')));
    expect(g.latencyByPhaseMs).toBeUndefined();
  });
});
