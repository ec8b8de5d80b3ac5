/**
 * Random crashes (`kind: random-crash`): with constant up and down times the schedule is exact
 * and so are the redeliveries, duplicates and losses each guarantee gives; with random ones the
 * count follows renewal theory and is the same on every run.
 */
import { describe, expect, it } from 'vitest';
import { group, run, scenarioErrors } from '../helpers.js';

function scenario(fault: string, delivery = 'at-least-once', duration = '1h'): string {
  return `name: random
duration: ${duration}
system: { type: workqueue }
producers:
  - { name: p, rate: 10/s, arrivals: uniform }
consumers:
  - { group: g, instances: 1, service: const(20ms), delivery: ${delivery} }
faults:
  - { kind: random-crash, group: g, ${fault} }
`;
}

const crashes = (timeline: { kind: string }[]) => timeline.filter((e) => e.kind === 'crash').length;
const restarts = (timeline: { kind: string }[]) => timeline.filter((e) => e.kind === 'restart').length;

describe('random-crash with constant times', () => {
  // Up 10 minutes, down 1: crashes at 10, 21, 32, 43 and 54 minutes, restarts a minute later.
  const FIXED = 'mtbf: const(10m), mttr: const(1m)';

  it('crashes on the exact schedule and restarts after each repair', () => {
    const result = run(scenario(`${FIXED}, point: mid-process`));
    const kinds = result.timeline.filter((e) => e.kind === 'crash' || e.kind === 'restart');
    expect(kinds.map((e) => [e.kind, Math.round(e.tMs / 1000)])).toEqual([
      ['crash', 600], ['restart', 660], ['crash', 1260], ['restart', 1320], ['crash', 1920],
      ['restart', 1980], ['crash', 2580], ['restart', 2640], ['crash', 3240], ['restart', 3300],
    ]);
  });

  it('mid-process under at-least-once: one redelivery per crash, no duplicate, no loss', () => {
    const g = group(run(scenario(`${FIXED}, point: mid-process`)));
    expect([g.redeliveries, g.duplicates, g.losses.total]).toEqual([5, 0, 0]);
  });

  it('is down 5 × 1 minute of the hour: availability 55/60, 3,300 instance-seconds', () => {
    const g = group(run(scenario(FIXED)));
    expect(g.availability).toBeCloseTo(55 / 60, 12);
    expect(g.instanceSeconds).toBeCloseTo(3300, 6);
  });

  it('after-process-before-ack: one duplicate effect per crash', () => {
    const g = group(run(scenario(`${FIXED}, point: after-process-before-ack`)));
    expect([g.redeliveries, g.duplicates, g.losses.total]).toEqual([5, 5, 0]);
  });

  it('after-ack-before-process under at-most-once: one loss per crash', () => {
    const g = group(run(scenario(`${FIXED}, point: after-ack-before-process`, 'at-most-once')));
    expect([g.redeliveries, g.duplicates, g.losses.total]).toEqual([0, 0, 5]);
  });

  it('stops striking at until, and starts at from', () => {
    const result = run(scenario(`${FIXED}, from: 5m, until: 30m`));
    // Crashes at 15 and 26 minutes; the next would be at 37, after until.
    expect(result.timeline.filter((e) => e.kind === 'crash').map((e) => e.tMs / 60_000)).toEqual([15, 26]);
  });
});

describe('random-crash with random times', () => {
  // Ten instances over a week, up exp(1h), down exp(5m): an alternating renewal process makes
  // about 10 × 168 h / (1 h + 5 min) = 1,550.8 crashes; its standard deviation is about 37.
  const WEEK = `name: week
duration: 7d
system: { type: workqueue }
producers:
  - { name: p, rate: 1/min }
consumers:
  - { group: g, instances: 10, service: const(20ms) }
faults:
  - { kind: random-crash, group: g, mtbf: exp(1h), mttr: exp(5m), points: { at-time: 3, mid-process: 1 } }
`;

  it('crashes as often as renewal theory says, the same count on every run', () => {
    const first = run(WEEK);
    const n = crashes(first.timeline);
    expect(Math.abs(n - 1550.8)).toBeLessThan(4 * 37);
    expect(n).toBe(crashes(run(WEEK).timeline));
    expect(restarts(first.timeline)).toBeGreaterThanOrEqual(n - 10); // at most one still down each
    // Long-run availability of an alternating renewal process: 60 / (60 + 5) = 0.923.
    expect(group(first).availability).toBeCloseTo(60 / 65, 2);
    expect(group(first).availability).toBe(group(run(WEEK)).availability);
  });

  it('a second fault on another group leaves this group\'s crashes as they were', () => {
    const two = WEEK.replace('instances: 10, service: const(20ms) }', 'instances: 10, service: const(20ms) }\n  - { group: h, instances: 2, service: const(5ms) }')
      .concat('  - { kind: random-crash, group: h, mtbf: exp(2h), mttr: exp(1m) }\n');
    const mine = (timeline: { kind: string; subject: string }[]) =>
      timeline.filter((e) => e.kind === 'crash' && e.subject.startsWith('g/')).length;
    expect(mine(run(two).timeline)).toBe(crashes(run(WEEK).timeline));
  });
});

describe('random-crash validation', () => {
  const refuse = (yaml: string) => scenarioErrors(yaml).join('\n');

  it('names the field of a bad distribution and a point the guarantee never reaches', () => {
    expect(refuse(scenario('mtbf: often, mttr: const(1m)'))).toMatch(/faults\[0\]\.mtbf: /);
    expect(refuse(scenario('mtbf: exp(1h), mttr: const(1m), point: after-ack-before-process'))).toMatch(
      /faults\[0\]\.point: "after-ack-before-process" never happens under at-least-once/,
    );
    expect(refuse(scenario('mtbf: exp(1h), mttr: const(1m), point: mid-process, points: { at-time: 1 }'))).toMatch(
      /point or points, not both/,
    );
  });
});
