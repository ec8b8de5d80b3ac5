/**
 * Compare bar charts: axes in the figure's unit, a 95% error bar per bar (clamped at zero),
 * percentiles apart when one would be drawn as a sliver, latency per load phase, and figures
 * zero in every variant left out.
 */
import { describe, expect, it } from 'vitest';
import { compareCharts, shareScale } from '../../src/report/compare.js';
import type { CompareResult, Estimate, VariantOutcome } from '../../src/experiments/results.js';

const est = (mean: number, ci95 = 0): Estimate => ({ n: 5, mean, ci95, min: mean, max: mean });

function variant(label: string, figures: Record<string, Estimate>): VariantOutcome {
  return {
    label, settings: {}, systemType: 'workqueue', figures, perSeed: {}, seedsPassing: 5, expectations: [],
    series: { tMs: [0, 1000], metrics: { lag: { g: [0, 1] } }, phases: [], timeline: [] },
  };
}

function result(): CompareResult {
  const direct = variant('direct', {
    'g.processed': est(100), 'g.losses': est(0), 'g.redeliveries': est(3, 5),
    'g.p50LatencyMs': est(20, 1), 'g.p99LatencyMs': est(700, 10), 'g.p999LatencyMs': est(800, 10),
    'g.spike.p99LatencyMs': est(740, 20), 'g.outside-phases.p99LatencyMs': est(100, 4),
    rejectedRatio: est(0.32, 0.0025),
  });
  const queue = variant('queue', {
    'g.processed': est(150), 'g.losses': est(0), 'g.redeliveries': est(0),
    'g.p50LatencyMs': est(30, 1), 'g.p99LatencyMs': est(900, 10), 'g.p999LatencyMs': est(950, 10),
    'g.spike.p99LatencyMs': est(950, 20), 'g.outside-phases.p99LatencyMs': est(120, 4),
    rejectedRatio: est(0),
  });
  return {
    kind: 'compare', queuesim: 'test', scenario: 's', description: '', seeds: [1, 2, 3, 4, 5],
    figureNames: Object.keys(direct.figures), variants: [direct, queue],
  };
}

describe('compare bar charts', () => {
  const specs = compareCharts(result());
  const byName = new Map(specs.map((s) => [s.name, s]));

  it('keeps p50 apart from p99 and p999, whose bars would dwarf it', () => {
    // p50 tops at 31 ms; p99 and p999 reach 960 ms: 31 × 20 = 620 < 960.
    expect(shareScale(result(), ['g.p50LatencyMs', 'g.p99LatencyMs', 'g.p999LatencyMs']))
      .toEqual([['g.p50LatencyMs'], ['g.p99LatencyMs', 'g.p999LatencyMs']]);
    expect(byName.get('latency-g-1')?.config.data.labels).toEqual(['p50LatencyMs']);
    expect(byName.get('latency-g-2')?.config.data.labels).toEqual(['p99LatencyMs', 'p999LatencyMs']);
  });

  it('labels the axes in the unit: durations, percent', () => {
    // The axis reaches the highest bar plus its interval and 5%: 960 × 1.05 = 1,008 ms.
    expect(byName.get('latency-g-2')?.yTicks?.map((t) => t.label)).toEqual(
      ['0ms', '200ms', '400ms', '600ms', '800ms', '1s', '1.2s']);
    expect(byName.get('ratios')?.yTicks?.map((t) => t.label)).toEqual(['0%', '10%', '20%', '30%', '40%']);
  });

  it('draws each interval as an error bar, clamped at zero', () => {
    const annotations = (byName.get('counts-g')?.config.options?.plugins as { annotation: { annotations: Record<string, number>[] } })
      .annotation.annotations;
    // Only the direct variant's redeliveries have an interval: 3 ± 5 is drawn from 0 to 8,
    // at the centre of the first of two bars: 0 − 0.4 + 0.5 × 0.8 / 2 = −0.2.
    expect(annotations).toHaveLength(3);
    expect(annotations[0]).toMatchObject({ xMin: -0.2, xMax: -0.2, yMin: 0, yMax: 8 });
    // Losses are zero in both variants: left out.
    expect(byName.get('counts-g')?.config.data.labels).toEqual(['redeliveries']);
  });

  it('shows p99 latency per load phase beside the whole run', () => {
    const chart = byName.get('latency-by-phase-g');
    expect(chart?.config.data.labels).toEqual(['whole run', 'spike', 'outside-phases']);
    expect(chart?.config.data.datasets.map((d) => d.data)).toEqual([[700, 740, 100], [900, 950, 120]]);
  });
});

describe('compare table: changes from the baseline', () => {
  it('gives no ratio against a baseline its interval cannot tell from 0', async () => {
    const { renderCompareTable } = await import('../../src/report/compare.js');
    const row = (label: string) => renderCompareTable(result(), { color: false }).split('\n').find((l) => l.includes(`│ ${label} `))!;
    // p50 latency 20 ± 1 ms → 30 ms: +50%. Redeliveries 3 ± 5 → 0: the baseline may be 0, no ratio.
    expect(row('g.p50LatencyMs')).toContain('30ms ± 1ms (+50%)');
    expect(row('g.redeliveries')).toMatch(/│ 3 \(0 to 8\) +│ 0 +│$/);
  });
});
