/** The managed queue against queueing theory (the slow tier: about a million customers). */
import { describe, expect, it } from 'vitest';
import { erlangC, group, run } from '../../helpers.js';

describe('M/M/c with a visibility timeout far above the service time', () => {
  // Long polling with batches of 1: a free poll loop takes the oldest visible message at once,
  // so the queue is M/M/c. Tolerance as in test/models/queueing-theory.test.ts: 1M customers,
  // a 5% band is several standard errors of the mean wait.
  it('c = 4, ρ = 0.7: mean wait matches Erlang C', () => {
    const c = 4;
    const serviceMs = 10;
    const lambdaPerMs = (0.7 * c) / serviceMs;
    const wq = erlangC(c, lambdaPerMs * serviceMs) / (c / serviceMs - lambdaPerMs);
    const minutes = Math.ceil(1_000_000 / (lambdaPerMs * 60_000));
    const g = group(run(`
name: theory
seed: 11
duration: ${minutes}m
system: { type: queue, queues: [{ name: q, visibilityTimeout: 12h, receiveMessageWaitTime: 20s }] }
producers: [{ name: p, rate: ${lambdaPerMs * 1000}/s }]
consumers: [{ group: g, instances: ${c}, service: exp(10ms) }]
report: { sampleEvery: 1s }
`));
    expect(g.duplicates).toBe(0);
    expect(g.queueWaitMs.mean / wq).toBeGreaterThan(0.95);
    expect(g.queueWaitMs.mean / wq).toBeLessThan(1.05);
  });
});
