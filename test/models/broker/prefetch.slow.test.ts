/** The broker against queueing theory (the slow tier: about a million customers). */
import { describe, expect, it } from 'vitest';
import { erlangC, group, run } from '../../helpers.js';

describe('M/M/c with prefetch 1', () => {
  it('c = 4, ρ = 0.7: mean wait in queue matches Erlang C', () => {
    // Same argument and tolerance as test/models/queueing-theory.test.ts: about 1M customers,
    // the standard error of Wq is near 1%, so 5% is over four standard errors.
    const c = 4;
    const serviceMs = 10;
    const lambdaPerMs = (0.7 * c) / serviceMs;
    const wq = erlangC(c, lambdaPerMs * serviceMs) / (c / serviceMs - lambdaPerMs);
    const minutes = Math.ceil(1_000_000 / (lambdaPerMs * 60_000));
    const r = run(`
name: mmc
seed: 11
duration: ${minutes}m
system: { type: broker, queues: [{ name: work }] }
producers: [{ name: p, rate: ${lambdaPerMs * 1000}/s, arrivals: poisson, routingKey: work }]
consumers: [{ group: work, instances: ${c}, prefetch: 1, service: "exp(10ms)" }]
report: { sampleEvery: 1s }
`);
    const g = group(r, 'work');
    // With prefetch 1 a delivery happens when a handler is free: the ledger's queue wait is
    // the M/M/c wait in queue.
    expect(g.queueWaitMs.mean / wq).toBeGreaterThan(0.95);
    expect(g.queueWaitMs.mean / wq).toBeLessThan(1.05);
  });
});
