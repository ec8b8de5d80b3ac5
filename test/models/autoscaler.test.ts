/**
 * The autoscaler (`consumers[].autoscale`): the HPA's decisions by hand, then whole runs whose
 * load is constant, so that every decision, start and instance-second is known in advance.
 */
import { describe, expect, it } from 'vitest';
import { recommend, scaleUpLimit, stabilise } from '../../src/models/autoscaler.js';
import { group, run, scenarioErrors } from '../helpers.js';

describe('the HPA recommendation', () => {
  it('is ceil(total / target) outside the 10% tolerance', () => {
    // 10 instances, target 100 each: 1,090 is ratio 1.09, inside; 1,120 is 1.12, outside.
    expect(recommend(10, 1090, 100, 0.1, 'total')).toBe(10);
    expect(recommend(10, 1120, 100, 0.1, 'total')).toBe(12);
    expect(recommend(10, 910, 100, 0.1, 'total')).toBe(10);
    expect(recommend(10, 890, 100, 0.1, 'total')).toBe(9);
    expect(recommend(10, 0, 100, 0.1, 'total')).toBe(0);
  });

  it('is ceil(current × utilisation / target) for an average', () => {
    // 4 instances at 90% against a 70% target: ceil(4 × 0.9 / 0.7) = ceil(5.14) = 6.
    expect(recommend(4, 0.9, 0.7, 0.1, 'average')).toBe(6);
    // 0.75 / 0.7 = 1.07: inside the tolerance.
    expect(recommend(4, 0.75, 0.7, 0.1, 'average')).toBe(4);
    expect(recommend(4, 0.9, 0.7, 0.3, 'average')).toBe(4);
  });
});

describe('stabilisation', () => {
  const past = [
    { tMs: 0, replicas: 8 },
    { tMs: 100_000, replicas: 6 },
    { tMs: 200_000, replicas: 3 },
  ];

  it('scales down only to the highest recommendation of the window', () => {
    // At 290 s the 300 s window (−10 s, 290 s] holds 8, 6 and 3: stay at 8.
    expect(stabilise(past, 290_000, 8, 2, 0, 300_000)).toBe(8);
    // At 300 s the recommendation of 0 s has left it (exactly 300 s old): down to 6.
    expect(stabilise(past, 300_000, 8, 2, 0, 300_000)).toBe(6);
    // At 490 s only 3 is left (and 2 now): down to 3; at 500 s that one has left too.
    expect(stabilise(past, 490_000, 8, 2, 0, 300_000)).toBe(3);
    expect(stabilise(past, 500_000, 8, 2, 0, 300_000)).toBe(2);
  });

  it('scales up at once with the default 0 s scale-up window, and not past the lowest of a longer one', () => {
    expect(stabilise(past, 210_000, 3, 9, 0, 300_000)).toBe(9);
    // A 60 s scale-up window at 210 s holds 3 (200 s): no scale-up yet.
    expect(stabilise(past, 210_000, 3, 9, 60_000, 300_000)).toBe(3);
  });
});

describe('the HPA scale-up rate', () => {
  it('allows +100% or +4 per 15 s, whichever is more, from the count at the period start', () => {
    expect(scaleUpLimit(1, [], 30_000)).toBe(5);
    expect(scaleUpLimit(6, [], 30_000)).toBe(12);
    // 2 → 6 ten seconds ago: the period started at 2, so 6 is the limit now.
    expect(scaleUpLimit(6, [{ tMs: 20_000, delta: 4 }], 30_000)).toBe(6);
    // Fifteen seconds later that change is out of the period.
    expect(scaleUpLimit(6, [{ tMs: 15_000, delta: 4 }], 30_000)).toBe(12);
  });
});

/** 100/s exactly, 50 ms per message: an instance handles 20/s, a backlog grows by 80/s on one. */
function scenario(autoscale: string, extra = 'duration: 3m'): string {
  return `name: autoscale
${extra}
system: { type: workqueue }
producers:
  - { name: p, rate: 100/s, arrivals: uniform }
consumers:
  - group: g
    instances: 1
    service: const(50ms)
    autoscale: { ${autoscale} }
`;
}

const events = (timeline: { tMs: number; kind: string; subject: string; detail?: string }[], kinds: string[]) =>
  timeline.filter((e) => kinds.includes(e.kind)).map((e) => [Math.round(e.tMs / 1000), e.kind, e.detail ?? e.subject]);

describe('a run under constant load', () => {
  // Backlog at 30 s: 3,000 arrived, 600 handled = 2,400, so ceil(2,400 / 100) = 24, but the
  // HPA's rate allows max(2 × 1, 1 + 4) = 5. At 60 s: 4,800 → 48, limited to max 10. The new
  // instances run 45 s after each decision, at 75 s and 105 s.
  const SCALE = 'metric: backlogPerInstance, target: 100, max: 10, scaleUpDelay: 45s';

  it('scales out on the polls, as far as the rate and max allow, and starts the instances after the delay', () => {
    const result = run(scenario(SCALE));
    const scaling = events(result.timeline, ['scale-out', 'scale-in']);
    expect(scaling.map(([t, kind, detail]) => [t, kind, String(detail).split(':')[0]])).toEqual([
      [30, 'scale-out', '1 → 5'],
      [60, 'scale-out', '5 → 10'],
    ]);
    const starts = events(result.timeline, ['restart']).map(([t, , name]) => [t, name]);
    expect(starts).toEqual([
      [75, 'g/1'], [75, 'g/2'], [75, 'g/3'], [75, 'g/4'],
      [105, 'g/5'], [105, 'g/6'], [105, 'g/7'], [105, 'g/8'], [105, 'g/9'],
    ]);
  });

  it('counts the instance-seconds the instances were up: 180 + 4 × 105 + 5 × 75', () => {
    const g = group(run(scenario(SCALE)));
    expect(g.instanceSeconds).toBeCloseTo(975, 6);
    // Stopped and starting instances are not out of service: nothing crashed.
    expect(g.availability).toBe(1);
  });

  it('charts the desired and running instances', () => {
    const result = run(scenario(SCALE));
    const instances = result.series.instances as Record<string, number[]>;
    const at = (s: number) => result.series.tMs.indexOf(s * 1000);
    expect([instances['g desired'][at(29)], instances['g desired'][at(30)], instances['g desired'][at(60)]]).toEqual([1, 5, 10]);
    expect([instances['g running'][at(74)], instances['g running'][at(75)], instances['g running'][at(105)]]).toEqual([1, 5, 10]);
    expect(result.charts?.map((c) => c.name)).toContain('instances');
  });

  it('scales in only when the 300 s stabilisation window has passed, to min', () => {
    // Six instances (120/s) for 100/s: the backlog is the few messages in service, so every
    // poll recommends 1, but the window holds the starting count of 6 until it is 300 s old.
    // One instance then falls behind, and the next poll scales out again.
    const result = run(scenario('metric: backlogPerInstance, target: 100, max: 6', 'duration: 6m').replace('instances: 1', 'instances: 6'));
    const first = events(result.timeline, ['scale-out', 'scale-in']).map(([t, kind, d]) => [t, kind, String(d).split(':')[0]]);
    expect(first.slice(0, 2)).toEqual([[300, 'scale-in', '6 → 1'], [330, 'scale-out', '1 → 5']]);
    // The highest indexes leave, cleanly (each once its message in service is done).
    const left = result.timeline.filter((e) => e.kind === 'leave' && e.tMs < 300_050);
    expect(left.map((e) => e.subject).sort()).toEqual(['g/1', 'g/2', 'g/3', 'g/4', 'g/5']);
    expect(Math.min(...left.map((e) => e.tMs))).toBeGreaterThanOrEqual(300_000);
  });

  it('stays inside the tolerance band', () => {
    // 100/s × 50 ms is 5 handlers' worth of work: 5 instances of 1 handler are busy all the
    // time, utilisation 1.0; against a target of 0.95 the ratio is 1.05, inside the band.
    const inside = run(scenario('metric: utilisation, target: 0.95, min: 5, max: 10').replace('instances: 1', 'instances: 5'));
    expect(events(inside.timeline, ['scale-out', 'scale-in'])).toEqual([]);
    // Against 0.8 the ratio is 1.25: ceil(5 × 1.25) = 7 at the first poll.
    const outside = run(scenario('metric: utilisation, target: 0.8, min: 5, max: 10').replace('instances: 1', 'instances: 5'));
    expect(events(outside.timeline, ['scale-out']).map(([t, , d]) => [t, String(d).split(':')[0]])[0]).toEqual([30, '5 → 7']);
  });
});

describe('faults on an autoscaled group', () => {
  // Instance 3 crashes at 100 s, its restart due at 305 s. The scale-in at 300 s removes the
  // down instance first (with g/5, g/4, g/2 and g/1 leaving), so the fault's restart does nothing.
  const yaml = `${scenario('metric: backlogPerInstance, target: 100, max: 6', 'duration: 320s').replace('instances: 1', 'instances: 6')}faults:
  - { kind: crash, group: g, instance: 3, at: 100s, restartAfter: 205s }
`;

  it('does not restart an instance the autoscaler removed', () => {
    const result = run(yaml);
    expect(result.timeline.filter((e) => e.kind === 'restart')).toEqual([]);
    expect(result.timeline.filter((e) => e.kind === 'leave').map((e) => e.subject).sort()).toEqual(['g/1', 'g/2', 'g/4', 'g/5']);
  });

  it('counts the crash against availability, the removal not', () => {
    // In service: 6 × 320 s less 20 s for each of the five removed = 1,820 s; up: 1,920 s less
    // g/3's 220 s and the others' 4 × 20 s = 1,620 s (a leave finishes its message first, < 50 ms,
    // which moves both by the same few tenths of a second).
    const g = group(run(yaml));
    expect(g.availability).toBeCloseTo(1620 / 1820, 3);
    expect(g.instanceSeconds).toBeGreaterThanOrEqual(1620);
    expect(g.instanceSeconds).toBeLessThan(1620.3);
  });
});

describe('autoscale settings', () => {
  it('refuses a metric the system does not read, naming those it does', () => {
    const errors = scenarioErrors(scenario('metric: lag, target: 100, max: 10')).join('\n');
    expect(errors).toMatch(/consumers\[0\]\.autoscale\.metric/);
    expect(errors).toMatch(/"lag" is a reading of log systems; a workqueue system scales on ready, backlogPerInstance, utilisation/);
  });

  it('refuses min above max and a utilisation target above 1', () => {
    expect(scenarioErrors(scenario('metric: ready, target: 100, min: 5, max: 4')).join('\n')).toMatch(/autoscale\.min.*more than max \(4\)/);
    expect(scenarioErrors(scenario('metric: utilisation, target: 70, max: 4')).join('\n')).toMatch(/autoscale\.target.*from 0 to 1/);
  });

  it('lets faults name instances up to max', () => {
    const yaml = `${scenario('metric: ready, target: 100, max: 4')}faults:\n  - { kind: crash, group: g, instance: 4, at: 1m }\n`;
    expect(scenarioErrors(yaml).join('\n')).toMatch(/has 4 instance\(s\) at most/);
  });
});
