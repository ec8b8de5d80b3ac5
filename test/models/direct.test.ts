/**
 * The direct (no-queue) system: exact hand-computed timelines with constant service and evenly
 * spaced calls, then queueing theory with Poisson calls and exponential service.
 *
 * Theory tolerances: the blocking estimate over n ≈ 720,000 calls at B ≈ 0.2 has a binomial
 * standard error of √(B(1−B)/n) ≈ 0.0005 (0.23% relative); successive calls are correlated
 * through the busy count, which inflates that by a small factor (about 2–3 for an M/M/4/4 at
 * this load), so 3% relative is well over five standard errors. The M/M/c wait uses the same
 * run lengths and tolerance as the work-queue check in queueing-theory.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, group, run } from '../helpers.js';

function direct(opts: {
  rate: string;
  arrivals: 'poisson' | 'uniform';
  service: string;
  instances?: number;
  duration: string;
  system?: string;
  drain?: string;
}): string {
  return `
name: direct
seed: 5
duration: ${opts.duration}
drain: ${opts.drain ?? '0ms'}
system: { type: direct${opts.system === undefined ? '' : `, ${opts.system}`} }
producers:
  - { name: callers, rate: ${opts.rate}, arrivals: ${opts.arrivals} }
consumers:
  - { group: db, instances: ${opts.instances ?? 1}, service: "${opts.service}" }
report: { sampleEvery: 1s }
`;
}

describe('direct: exact timelines', () => {
  it('with no wait queue, a call that finds the handler busy fails as queue-full', () => {
    // Calls at 100, 200, …, 9900 ms; each takes 150 ms. 100 is served until 250, so 200 fails,
    // 300 is served, 400 fails: the odd hundreds succeed (50 calls), the even ones fail (49).
    const r = run(direct({ rate: '10/s', arrivals: 'uniform', service: 'const(150ms)', duration: '10s',
      system: 'maxQueue: 0', drain: '1s' }));
    expect(r.summary.produced).toBe(99);
    expect(r.summary.accepted).toBe(50);
    expect(r.summary.rejectedByCause).toEqual({ 'queue-full': 49 });
    expect(group(r).processed).toBe(50);
    expect(group(r).latencyMs.max).toBe(150);
  });

  it('a response arriving exactly at the timeout wins the race', () => {
    // Service 300 ms, timeout 300 ms, one call a second: every response lands on its deadline.
    const r = run(direct({ rate: '1/s', arrivals: 'uniform', service: 'const(300ms)', duration: '10s',
      system: 'timeout: 300ms', drain: '1s' }));
    expect(r.summary.produced).toBe(9);
    expect(r.summary.accepted).toBe(9);
    expect(r.summary.rejected).toBe(0);
  });

  it('a call that times out in service still applies its effect; its caller sees a failure', () => {
    const r = run(direct({ rate: '1/s', arrivals: 'uniform', service: 'const(400ms)', duration: '10s',
      system: 'timeout: 300ms', drain: '1s' }));
    expect(r.summary.rejectedByCause).toEqual({ timeout: 9 });
    expect(r.summary.accepted).toBe(0);
    expect(group(r).processed).toBe(9);
    expect(group(r).duplicates).toBe(0);
  });

  it('retries amplify load: a retried timeout runs twice and applies its effect twice', () => {
    // Attempt 1 at t times out at t+300 while running until t+400; the retry (backoff below
    // 100 ms) waits for the handler, runs t+400…t+800 and times out too. Nine calls, eighteen
    // deliveries, nine duplicate effects, nine failed calls.
    const r = run(direct({ rate: '1/s', arrivals: 'uniform', service: 'const(400ms)', duration: '10s',
      system: 'timeout: 300ms, retries: 1, backoff: 100ms', drain: '2s' }));
    const g = group(r);
    expect(g.deliveries).toBe(18);
    expect(g.redeliveries).toBe(9);
    expect(g.duplicates).toBe(9);
    expect(r.summary.rejectedByCause).toEqual({ timeout: 9 });
    const figures = (r as unknown as { direct: { failedAttemptsByCause: Record<string, number> } }).direct;
    expect(figures.failedAttemptsByCause).toEqual({ timeout: 18 });
  });

  it('nothing enters a lag: the waiting callers are a gauge', () => {
    const r = run(direct({ rate: '10/s', arrivals: 'uniform', service: 'const(250ms)', duration: '10s', drain: '20s' }));
    expect(group(r).maxLag).toBe(0);
    const waiting = (r.series.waiting as Record<string, number[]>).downstream;
    expect(Math.max(...waiting)).toBeGreaterThan(10);
    expect(r.summary.accepted).toBe(99);
  });

  it('counts failed calls per load phase', () => {
    const yaml = direct({ rate: '10/s', arrivals: 'uniform', service: 'const(150ms)', duration: '10s',
      system: 'maxQueue: 0' }).replace('arrivals: uniform }',
      'arrivals: uniform, phases: [{ name: peak, at: 5s, duration: 2s, rate: 20/s }] }');
    const r = run(yaml);
    const figures = (r as unknown as { direct: { failedDuringPhase: Record<string, number> } }).direct;
    // 20/s for 2 s (a call every 50 ms) against one 150 ms handler: two of every three calls
    // fail, about 26; outside the phase every other call fails as well, so the phase count is
    // well above zero and below the run's total.
    expect(figures.failedDuringPhase.peak).toBeGreaterThan(20);
    expect(figures.failedDuringPhase.peak).toBeLessThan(r.summary.rejected);
  });
});

describe('direct: queueing theory', () => {
  it('with no wait queue, the failure probability matches Erlang B (M/M/c/c)', () => {
    // c = 4 handlers, exp(10 ms) service, λ = 300/s: offered load a = 3, B(4, 3) ≈ 0.2061.
    const r = run(direct({ rate: '300/s', arrivals: 'poisson', service: 'exp(10ms)', instances: 4,
      duration: '40m', system: 'maxQueue: 0' }));
    const blocked = r.summary.rejected / r.summary.produced;
    const theory = erlangB(4, 3);
    expect(r.summary.produced).toBeGreaterThan(700_000);
    expect(blocked / theory).toBeGreaterThan(0.97);
    expect(blocked / theory).toBeLessThan(1.03);
  });

  it('with an unbounded wait queue and no timeout, the wait matches M/M/c', () => {
    // c = 4, ρ = 0.7: λ = 280/s, Wq = C(4, 2.8) / (4μ − λ).
    const lambdaPerMs = 0.28;
    const wq = erlangC(4, 2.8) / (4 / 10 - lambdaPerMs);
    const r = run(direct({ rate: '280/s', arrivals: 'poisson', service: 'exp(10ms)', instances: 4,
      duration: '60m', drain: '10s' }));
    const g = group(r);
    expect(r.summary.rejected).toBe(0);
    expect(g.queueWaitMs.mean / wq).toBeGreaterThan(0.95);
    expect(g.queueWaitMs.mean / wq).toBeLessThan(1.05);
  });
});
