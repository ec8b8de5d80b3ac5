/**
 * The direct downstream failing on its own: an error rate (a 5xx answered at once) and outages
 * (every call refused at once, cause `unavailable`), fixed and at random. Counts are computed by
 * hand from evenly spaced calls, or drawn from the same seeded streams the model uses.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng.js';
import { mmcPrediction } from '../../src/experiments/theory.js';
import { parseScenario } from '../../src/scenarios/load.js';
import { group, run, scenarioErrors } from '../helpers.js';

const SEED = 7;

function direct(opts: { rate: string; duration: string; system: string; drain?: string }): string {
  return `
name: direct-failures
seed: ${SEED}
duration: ${opts.duration}
drain: ${opts.drain ?? '0ms'}
system: { type: direct, ${opts.system} }
producers:
  - { name: callers, rate: ${opts.rate}, arrivals: uniform }
consumers:
  - { group: db, instances: 1, service: const(1ms) }
`;
}

type Entry = { tMs: number; kind: string; subject: string; detail?: string };
const of = (timeline: Entry[], kind: string) => timeline.filter((e) => e.kind === kind);
const attempts = (r: unknown) => (r as { direct: { failedAttemptsByCause: Record<string, number> } }).direct.failedAttemptsByCause;

describe('direct: errorRate', () => {
  it('fails exactly the calls whose draw on system/direct/errors falls below the rate', () => {
    // Calls every 100 ms for 100 s: 999 of them, each one attempt, one draw each, in order.
    const N = 999;
    const rate = 0.1;
    const draws = new Rng(SEED).stream('system/direct/errors');
    let expected = 0;
    for (let i = 0; i < N; i++) if (draws() < rate) expected++;
    const r = run(direct({ rate: '10/s', duration: '100s', system: `errorRate: ${rate}`, drain: '1s' }));
    expect(r.summary.produced).toBe(N);
    expect(r.summary.rejectedByCause).toEqual({ error: expected });
    expect(r.summary.accepted).toBe(N - expected);
    expect(attempts(r)).toEqual({ error: expected });
    // Binomial(999, 0.1): mean 99.9, standard deviation √(999 · 0.1 · 0.9) ≈ 9.5; four of them.
    expect(Math.abs(expected - N * rate)).toBeLessThan(4 * Math.sqrt(N * rate * (1 - rate)));
  });

  it('retries an error as any other failure: a call fails only when every attempt errs', () => {
    // errorRate 0.5 with two retries: a call fails with probability 0.5³ = 1/8; 999 calls give
    // about 125 (standard deviation √(999 · 1/8 · 7/8) ≈ 10.5). Failed attempts per call: 0, 1,
    // 2, 3 with probabilities 1/2, 1/4, 1/8, 1/8: mean 0.875, variance 1.875 − 0.875² ≈ 1.11, so
    // 874 over 999 calls with a standard deviation of √(999 · 1.11) ≈ 33.
    const r = run(direct({ rate: '10/s', duration: '100s', system: 'errorRate: 0.5, retries: 2, backoff: 10ms', drain: '1s' }));
    const failed = r.summary.rejectedByCause.error;
    expect(Math.abs(failed - 999 / 8)).toBeLessThan(4 * Math.sqrt(999 * (1 / 8) * (7 / 8)));
    expect(r.summary.accepted + failed).toBe(999);
    expect(Math.abs(attempts(r).error - 999 * 0.875)).toBeLessThan(4 * 33.3);
  });
});

describe('direct: fixed outages', () => {
  it('refuse every call in [at, at + for): 100 calls at 10/s over ten seconds', () => {
    // Calls at 100, 200, …, 59,900 ms; the outage covers 20,000 … 29,900 (the start instant
    // refused, the end instant served): 100 calls.
    const r = run(direct({ rate: '10/s', duration: '60s', system: 'outages: [{ at: 20s, for: 10s }]' }));
    expect(r.summary.produced).toBe(599);
    expect(r.summary.rejectedByCause).toEqual({ unavailable: 100 });
    expect(r.summary.accepted).toBe(499);
    expect(of(r.timeline, 'outage-start').map((e) => [e.tMs, e.subject])).toEqual([[20_000, 'downstream']]);
    expect(of(r.timeline, 'outage-end').map((e) => e.tMs)).toEqual([30_000]);
  });

  it('nest when they overlap: 20 s … 35 s is one outage of 150 refused calls', () => {
    const r = run(direct({ rate: '10/s', duration: '60s', system: 'outages: [{ at: 20s, for: 10s }, { at: 25s, for: 10s }]' }));
    expect(r.summary.rejectedByCause).toEqual({ unavailable: 150 });
    expect(of(r.timeline, 'outage-start').map((e) => e.tMs)).toEqual([20_000]);
    expect(of(r.timeline, 'outage-end').map((e) => e.tMs)).toEqual([35_000]);
  });

  it('let a retried call through once the outage ends', () => {
    // One call a second; the outage covers 4.5 s … 5.5 s, so only the call at 5 s meets it. Its
    // retries come after full-jitter backoffs drawn from system/direct/backoff (caps 500 ms,
    // 1 s, 2 s, …): the first attempt at or after 5.5 s succeeds.
    const backoff = new Rng(SEED).stream('system/direct/backoff');
    let t = 5000;
    let attempt = 1;
    while (t < 5500) {
      t += backoff() * Math.min(10_000, 500 * 2 ** (attempt - 1));
      attempt++;
    }
    expect(attempt).toBeGreaterThan(2); // the draws make it span more than one retry
    const r = run(direct({ rate: '1/s', duration: '10s', drain: '10s',
      system: 'retries: 5, backoff: 500ms, outages: [{ at: 4500ms, for: 1s }]' }));
    expect(r.summary.produced).toBe(9);
    expect(r.summary.accepted).toBe(9);
    expect(r.summary.rejected).toBe(0);
    expect(attempts(r)).toEqual({ unavailable: attempt - 1 });
    // Its caller waited from 5 s to its last attempt's start, plus the 1 ms service.
    expect(group(r).latencyMs.max).toBeCloseTo(t - 5000 + 1, 6);
  });
});

describe('direct: random outages', () => {
  it('with constant times follow the exact schedule: up 10 h, down 1 h, for three days', () => {
    // Outages at 10, 21, 32, 43, 54 and 65 h (the next would start at 76 h, after the end),
    // each refusing the 60 calls of its hour (one a minute).
    const r = run(direct({ rate: '1/min', duration: '3d', system: 'outages: [{ mtbf: const(10h), mttr: const(1h) }]' }));
    const hours = (kind: string) => of(r.timeline, kind).map((e) => e.tMs / 3_600_000);
    expect(hours('outage-start')).toEqual([10, 21, 32, 43, 54, 65]);
    expect(hours('outage-end')).toEqual([11, 22, 33, 44, 55, 66]);
    expect(of(r.timeline, 'outage-start')[0].detail).toBe('random');
    expect(r.summary.rejectedByCause).toEqual({ unavailable: 360 });
  });

  // Up exp(12 h), down exp(1 h) for a week: about 168 / 13 ≈ 13 outages and an availability
  // near 12 / 13 ≈ 0.923; the seeded stream gives exactly this many every time.
  const yaml = direct({ rate: '1/min', duration: '7d', system: 'outages: [{ mtbf: exp(12h), mttr: exp(1h) }]' });
  /** What seed 7 gives: a change to the stream or the fault's draws moves it. */
  const PINNED_OUTAGES = 10;

  it('give a pinned count over a week, and the availability renewal theory expects', () => {
    const r = run(yaml);
    const starts = of(r.timeline, 'outage-start').map((e) => e.tMs);
    const ends = of(r.timeline, 'outage-end').map((e) => e.tMs);
    expect(starts.length).toBe(PINNED_OUTAGES);
    expect(Math.abs(starts.length - 168 / 13)).toBeLessThan(3 * Math.sqrt(168 / 13));
    const runMs = 7 * 86_400_000;
    // The last outage may still be under way at the end of the run.
    const downMs = starts.reduce((sum, s, i) => sum + Math.min(ends[i] ?? runMs, runMs) - s, 0);
    expect(Math.abs(1 - downMs / runMs - 12 / 13)).toBeLessThan(0.05);
    // Each refused call is one of the calls (every minute) that fell inside an outage.
    const inOutage = starts.reduce((sum, s, i) =>
      sum + Math.ceil(Math.min(ends[i] ?? runMs, runMs) / 60_000) - Math.ceil(s / 60_000), 0);
    expect(r.summary.rejectedByCause).toEqual({ unavailable: inOutage });
    expect(run(yaml).timeline).toEqual(r.timeline);
  });
});

describe('direct failure settings', () => {
  const bad = (system: string) => scenarioErrors(direct({ rate: '1/s', duration: '10s', system })).join('\n');

  it('refuse an error rate outside 0 … 1, naming the path', () => {
    expect(bad('errorRate: 1.5')).toMatch(/system\.errorRate/);
  });

  it('refuse an outage of neither form, saying what each takes', () => {
    expect(bad('outages: [{ at: 1s }]')).toMatch(/system\.outages\[0\]: expected \{ at, for \} .* or \{ mtbf, mttr, from, until \}/);
    expect(bad('outages: [{ at: 1s, for: 2s, mtbf: exp(1h), mttr: const(1m) }]')).toMatch(/system\.outages\[0\]: expected/);
  });

  it('refuse an mtbf that is no distribution and an mttr with a mean of 0', () => {
    expect(bad('outages: [{ mtbf: sometimes, mttr: const(1m) }]')).toMatch(/system\.outages\[0\]\.mtbf/);
    expect(bad('outages: [{ mtbf: exp(1h), mttr: const(0ms) }]')).toMatch(/system\.outages\[0\]\.mttr: .*mean of 0/);
  });
});

describe('direct failures and queueing theory', () => {
  it('take a scenario out of the M/M/c shape: refused calls are no M/M/c', () => {
    const yaml = (system: string) => `
name: mmc
duration: 1m
system: { type: direct${system} }
producers: [{ name: p, rate: 10/s }]
consumers: [{ group: g, instances: 2, service: exp(50ms) }]
`;
    const predict = (system: string) => mmcPrediction(parseScenario(yaml(system), 'mmc.yaml'));
    expect(predict('')?.c).toBe(2);
    expect(predict(', errorRate: 0.01')).toBeNull();
    expect(predict(', outages: [{ at: 10s, for: 5s }]')).toBeNull();
  });
});
