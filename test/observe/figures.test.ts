/**
 * The SLO vocabulary: thresholds in the figure's unit, the ratios a capacity review asks for
 * (computed by hand on a small summary), and P(wait) and utilisation against Erlang C.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/observe/expectations.js';
import { formatThreshold, parseExpectation } from '../../src/scenarios/expectation-text.js';
import { figureUnit } from '../../src/observe/figures.js';
import { formatFigure } from '../../src/report/figure-text.js';
import type { GroupSummary, Summary } from '../../src/observe/result.js';
import { erlangC, group, run } from '../helpers.js';

const latency = { count: 90, p50: 100, p90: 200, p99: 400, p999: 900, max: 1000, mean: 150 };

function summary(): Summary {
  const g: GroupSummary = {
    deliveries: 100, processed: 90, duplicates: 9, duplicatesSuppressed: 0, redeliveries: 10, failures: 0,
    losses: { total: 3, byCause: { 'crash-after-ack': 3 } }, deadLettered: 2, deadLetteredByReason: { rejected: 2 },
    backlogAtEnd: 0, orderingViolations: 0, maxLag: 7, maxOldestAgeMs: 2000, latencyMs: latency,
    queueWaitMs: { ...latency, count: 80, mean: 40 }, waited: 20, utilisation: 0.6, availability: 0.99, instanceSeconds: 3564, recoveryMs: { sale: 5000 },
  };
  return {
    produced: 200, accepted: 150, rejected: 50, rejectedByCause: { 'queue-full': 50 }, awaitingAck: 0, duplicateAppends: 0,
    simulatedMs: 60_000, events: 0, groups: { g },
  };
}

describe('thresholds take the figure\'s unit', () => {
  it('durations, percentages and dollars parse to ms, fractions and dollars', () => {
    expect(parseExpectation('p99LatencyMs', '< 10m')).toMatchObject({ op: '<', value: 600_000 });
    expect(parseExpectation('rejectedRatio', '< 1%')).toMatchObject({ op: '<', value: 0.01 });
    expect(parseExpectation('g.utilisation', '<= 80%')).toMatchObject({ group: 'g', op: '<=', value: 0.8 });
    expect(parseExpectation('cost', '< $5')).toMatchObject({ metric: 'cost', value: 5 });
    expect(parseExpectation('lossRatio', 0)).toMatchObject({ op: '==', value: 0 });
  });

  it('refuses a unit the figure does not have, saying what it expected', () => {
    expect(() => parseExpectation('p99LatencyMs', '< 1%')).toThrow(/not a duration/);
    expect(() => parseExpectation('losses', '< 1%')).toThrow(/expected a condition like "< 100"/);
    expect(() => parseExpectation('cost', '< 5 EUR')).toThrow(/"< \$5"/);
    expect(() => parseExpectation('g.cost', '< $5')).toThrow(/system-wide/);
  });

  it('prints thresholds back as written', () => {
    expect(formatThreshold('ms', 600_000)).toBe('10m');
    expect(formatThreshold('ratio', 0.01)).toBe('1%');
    expect(formatThreshold('dollars', 5)).toBe('$5');
  });
});

describe('the ratios of a capacity review', () => {
  it('are computed from the summary as defined', () => {
    const s = summary();
    const results = evaluate(
      ['rejectedRatio', 'failedRatio', 'lossRatio', 'duplicateRatio', 'waitedRatio', 'utilisation', 'meanQueueWaitMs',
        'p999LatencyMs', 'cost'].map((m) => parseExpectation(m, '>= 0')),
      { summary: s },
    );
    const actual = Object.fromEntries(results.map((r) => [r.figure, r.actual]));
    expect(actual).toEqual({
      rejectedRatio: 50 / 200,
      // Refused (50) + dead-lettered (2) + lost (3), over offered (200).
      'g.failedRatio': 55 / 200,
      'g.lossRatio': 3 / 150,
      'g.duplicateRatio': 9 / 90,
      'g.waitedRatio': 20 / 80,
      'g.utilisation': 0.6,
      'g.meanQueueWaitMs': 40,
      'g.p999LatencyMs': 900,
      // No cost figure outside a billed system: undefined, so the expectation fails.
      cost: null,
    });
    expect(results.find((r) => r.figure === 'cost')?.pass).toBe(false);
    expect(evaluate([parseExpectation('cost', '< $5')], { summary: s, cost: { dollars: 1.64 } })[0]).toMatchObject({
      expr: 'cost < $5', actual: 1.64, pass: true, threshold: 5,
    });
  });

  it('reports know each figure\'s unit', () => {
    expect(figureUnit('orders.p99LatencyMs')).toBe('ms');
    expect(figureUnit('orders.losses.crash-after-ack')).toBe('count');
    expect(figureUnit('rejected.queue-full')).toBe('count');
    expect(figureUnit('rejectedRatio')).toBe('ratio');
    expect(figureUnit('cost')).toBe('dollars');
    expect(formatFigure('ms', 606_252, 8_673)).toBe('10m6s');
    expect(formatFigure('ms', 420)).toBe('420ms');
    expect(formatFigure('ratio', 0.32029, 0.00251)).toBe('32.03%');
    // A lone ratio keeps two figures; near 100%, two figures of the gap, so an availability of
    // 99.49% is not printed as the 99% threshold it passes.
    expect(formatFigure('ratio', 0.32029)).toBe('32%');
    expect(formatFigure('ratio', 0.994909)).toBe('99.49%');
    expect(formatFigure('ratio', 0.99995)).toBe('99.995%');
    expect(formatFigure('ratio', 1)).toBe('100%');
    expect(formatFigure('dollars', 1.64)).toBe('$1.64');
    expect(formatFigure('count', 150_338)).toBe('150,338');
  });
});

describe('P(wait) and utilisation against M/M/c', () => {
  it('c = 4, a = 3: waitedRatio ≈ C(4, 3) = 0.5094, utilisation ≈ a/c = 0.75', () => {
    // λ = 300/s, exp(10ms): a = 3 Erlangs on 4 handlers; about 1.08M arrivals in 60 min.
    const r = run(`
name: mmc
seed: 3
duration: 60m
system: { type: workqueue }
producers: [{ name: p, rate: 300/s, arrivals: poisson }]
consumers: [{ group: g, instances: 4, service: "exp(10ms)" }]
report: { sampleEvery: 1m }
expect: { waitedRatio: "< 60%", utilisation: "< 80%" }
`);
    const g = group(r);
    expect(erlangC(4, 3)).toBeCloseTo(0.5094, 4);
    expect(g.waited / g.queueWaitMs.count).toBeGreaterThan(0.5094 * 0.97);
    expect(g.waited / g.queueWaitMs.count).toBeLessThan(0.5094 * 1.03);
    expect(g.utilisation).toBeGreaterThan(0.75 * 0.98);
    expect(g.utilisation).toBeLessThan(0.75 * 1.02);
    expect(r.expectations.map((e) => [e.expr, e.pass])).toEqual([['g.waitedRatio < 60%', true], ['g.utilisation < 80%', true]]);
  });
});
