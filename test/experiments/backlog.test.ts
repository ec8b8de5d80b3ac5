/**
 * An initial backlog (`producers[].backlog`): N messages waiting at t = 0, and the time to
 * catch up reported as `recoveryMs.backlog`.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers.js';

// 200 orders waiting, 10 new ones a second, one handler at exactly 50 ms (20/s): the backlog
// shrinks by 10/s, so the lag is back to zero after 200 / 10 = 20 s.
const YAML = `
name: outage
duration: 1m
system: { type: workqueue }
producers:
  - { name: p, rate: 10/s, arrivals: uniform, backlog: 200, keys: { count: 5 } }
consumers:
  - { group: g, service: const(50ms) }
report: { sampleEvery: 1s }
`;

describe('initial backlog', () => {
  it('starts with the backlog waiting and reports the time to catch up', () => {
    const r = run(YAML);
    const g = r.summary.groups.g;
    expect(r.summary.produced).toBe(200 + 599);
    expect(g.maxLag).toBe(200);
    expect((r.series.lag as Record<string, number[]>).g[0]).toBe(200);
    expect(g.recoveryMs.backlog).toBeGreaterThanOrEqual(19_900);
    expect(g.recoveryMs.backlog).toBeLessThanOrEqual(20_100);
    expect(g.orderingViolations).toBe(0);
    expect(r.timeline[0]).toEqual({ tMs: 0, kind: 'backlog', subject: 'producers', detail: 'p: 200' });
  });

  it('leaves the live traffic of the producer unchanged', () => {
    const live = run(YAML.replace('backlog: 200, ', '').replace('uniform', 'poisson'));
    const withBacklog = run(YAML.replace('uniform', 'poisson'));
    expect(withBacklog.summary.produced - live.summary.produced).toBe(200);
    const a = (live.series.producedPerSec as Record<string, number[]>).p.slice(1);
    const b = (withBacklog.series.producedPerSec as Record<string, number[]>).p.slice(1);
    expect(b).toEqual(a);
  });
});
