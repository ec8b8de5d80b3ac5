/**
 * The work queue against queueing theory: Poisson arrivals, at-least-once, no faults.
 *
 * Tolerances come from run length. For M/M/1 at ρ = 0.8 the asymptotic variance of the
 * mean waiting time over n customers is about ρ(2 + 5ρ − 4ρ² + ρ³)/(μ²(1−ρ)⁴)/n (Daley), so
 * with 1,000,000 customers and a 10 ms mean service the standard error of Wq = 40 ms is about
 * 0.45 ms (1.1%): a 5% tolerance is over four standard errors. The M/M/c and M/D/1 runs are
 * at lower or equal load with similar lengths, so their relative errors are no larger.
 * Streams are seeded, so these tests are deterministic; the tolerance says how far from
 * theory a correct simulator may land at this run length.
 */
import { describe, expect, it } from 'vitest';
import { erlangC, group, mean, run } from '../helpers.js';
import { MM1_SYSTEMS, mm1 } from './mm1-systems.js';

function workQueue(opts: { ratePerSec: number; service: string; instances: number; minutes: number }): string {
  return `
name: theory
seed: 11
duration: ${opts.minutes}m
system: { type: workqueue }
producers:
  - { name: p, rate: ${opts.ratePerSec}/s, arrivals: poisson }
consumers:
  - { group: g, instances: ${opts.instances}, service: "${opts.service}", delivery: at-least-once }
report: { sampleEvery: 1s }
`;
}

describe('M/M/1', () => {
  it('mean wait in queue matches ρ/(μ−λ)', () => {
    // λ = 80/s, μ = 100/s: ρ = 0.8, Wq = 0.8 / (0.1 − 0.08) ms = 40 ms; 1.0M customers.
    const r = run(workQueue({ ratePerSec: 80, service: 'exp(10ms)', instances: 1, minutes: 208 }));
    const g = group(r);
    expect(g.processed).toBeGreaterThan(990_000);
    expect(g.queueWaitMs.mean).toBeGreaterThan(40 * 0.95);
    expect(g.queueWaitMs.mean).toBeLessThan(40 * 1.05);
    // Sojourn W = Wq + 1/μ = 50 ms.
    expect(g.latencyMs.mean / 50).toBeCloseTo(1, 1);
  });
});

describe('M/M/c (Erlang C)', () => {
  const cases = [
    { c: 2, rho: 0.8 },
    { c: 4, rho: 0.7 },
    { c: 8, rho: 0.9 },
  ];
  for (const { c, rho } of cases) {
    it(`c = ${c}, ρ = ${rho}: mean wait matches C(c, a)/(cμ − λ)`, () => {
      const serviceMs = 10;
      const lambdaPerMs = (rho * c) / serviceMs;
      const wq = erlangC(c, lambdaPerMs * serviceMs) / (c / serviceMs - lambdaPerMs);
      const minutes = Math.ceil(1_000_000 / (lambdaPerMs * 60_000));
      const g = group(run(workQueue({ ratePerSec: lambdaPerMs * 1000, service: 'exp(10ms)', instances: c, minutes })));
      expect(g.queueWaitMs.mean / wq).toBeGreaterThan(0.95);
      expect(g.queueWaitMs.mean / wq).toBeLessThan(1.05);
    });
  }
});

describe('M/D/1 (Pollaczek–Khinchine)', () => {
  it('mean wait matches ρ/(2μ(1−ρ))', () => {
    // Constant 10 ms service at λ = 80/s: Wq = 0.8 · 10 / (2 · 0.2) = 20 ms.
    const g = group(run(workQueue({ ratePerSec: 80, service: 'const(10ms)', instances: 1, minutes: 208 })));
    expect(g.queueWaitMs.mean).toBeGreaterThan(20 * 0.95);
    expect(g.queueWaitMs.mean).toBeLessThan(20 * 1.05);
    // Sojourn = wait + exactly 10 ms (up to the few messages still in service at the end).
    expect(g.latencyMs.mean - g.queueWaitMs.mean).toBeCloseTo(10, 3);
  });
});

describe("Little's law on the output series", () => {
  it('time-average lag L equals λ·W', () => {
    // M/M/2 at ρ = 0.75: the lag series (sampled every second) against throughput × latency.
    const r = run(workQueue({ ratePerSec: 150, service: 'exp(10ms)', instances: 2, minutes: 120 }));
    const g = group(r);
    const lag = (r.series.lag as Record<string, number[]>).g;
    const L = mean(lag);
    const lambda = r.summary.accepted / r.summary.simulatedMs;
    // Sampling 7200 points of a process with a ~0.1 s correlation time: error well under 3%.
    expect(L / (lambda * g.latencyMs.mean)).toBeGreaterThan(0.97);
    expect(L / (lambda * g.latencyMs.mean)).toBeLessThan(1.03);
  });
});

describe('M/M/1 on every system', () => {
  // λ = 900/s, μ = 1000/s: ρ = 0.9, Wq = 0.9 / (1 − 0.9) ms = 9 ms. One hour is 3.24M
  // customers; the asymptotic variance above gives a standard error of 0.105 ms (1.2%), so
  // 5% is over four standard errors. Every system must report the wait until handling starts.
  for (const type of Object.keys(MM1_SYSTEMS)) {
    it(`${type}: mean wait in queue is 9 ms`, () => {
      const g = group(run(mm1(type, 60)));
      expect(g.queueWaitMs.mean).toBeGreaterThan(9 * 0.95);
      expect(g.queueWaitMs.mean).toBeLessThan(9 * 1.05);
    });
  }
});
