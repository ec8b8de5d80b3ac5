import { describe, expect, it } from 'vitest';
import {
  type ChartSpec,
  chartConfigs,
  clockTicks,
  rebalanceWindows,
  renderCharts,
  withTickFormatters,
} from '../../src/report/charts.js';
import { formatClock } from '../../src/scenarios/units.js';
import { CRASH_MS, PHASE, RESTART_MS, sampleResult } from './fixture.js';
import { pixelStats, pngHeader } from './png.js';

function spec(specs: ChartSpec[], name: string): ChartSpec {
  const found = specs.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no chart ${name}`);
  return found;
}

// The configs are typed by chart.js; tests read them as plain JSON.
type Json = any;
const annotationsOf = (s: ChartSpec): Json[] =>
  (s.config.options as Json).plugins.annotation.annotations;
const labelsOf = (s: ChartSpec): string[] => s.config.data.datasets.map((d) => String(d.label));

function findFunctions(value: unknown, path = 'config'): string[] {
  if (typeof value === 'function') return [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => findFunctions(v, `${path}.${k}`));
}

describe('chartConfigs', () => {
  const result = sampleResult();
  const specs = chartConfigs(result);

  it('returns lag, throughput and latency charts in that order', () => {
    expect(specs.map((s) => s.name)).toEqual(['lag', 'throughput', 'latency']);
    expect(spec(specs, 'lag').title).toBe('flash-sale-broker: lag');
  });

  it('shades each load phase and marks each crash and restart on the lag chart', () => {
    const annotations = annotationsOf(spec(specs, 'lag'));
    const boxes = annotations.filter((a) => a.type === 'box');
    const lines = annotations.filter((a) => a.type === 'line');
    expect(boxes).toHaveLength(1);
    expect(boxes[0]).toMatchObject({ xMin: PHASE.startMs, xMax: PHASE.endMs });
    expect(boxes[0].label.content).toBe('flash-sale');
    expect(lines.map((l) => [l.scaleID, l.value, l.label.content])).toEqual([
      ['x', CRASH_MS, 'crash billing/c1'],
      ['x', RESTART_MS, 'restart billing/c1'],
    ]);
  });

  it('shades each rebalance window and marks broker crashes and clean leaves', () => {
    const withLog = sampleResult();
    withLog.timeline = [
      { tMs: 60_000, kind: 'leave', subject: 'billing/c1' },
      { tMs: 60_000, kind: 'rebalance', subject: 'billing', detail: 'billing-000-0 left the group' },
      { tMs: 60_500, kind: 'rebalance', subject: 'billing', detail: 'billing-001-1 joined' },
      { tMs: 61_000, kind: 'rebalance-end', subject: 'billing', detail: 'generation 2, 1000 ms' },
      { tMs: 60_800, kind: 'rebalance', subject: 'email' },
      { tMs: 61_500, kind: 'rebalance-end', subject: 'email' },
      { tMs: 90_000, kind: 'broker-crash', subject: 'broker-0' },
    ];
    const annotations = annotationsOf(spec(chartConfigs(withLog), 'lag'));
    const boxes = annotations.filter((a) => a.type === 'box').map((a) => [a.xMin, a.xMax, a.label.content]);
    // Overlapping windows of two groups become one box.
    expect(boxes).toEqual([[PHASE.startMs, PHASE.endMs, 'flash-sale'], [60_000, 61_500, 'rebalance']]);
    const lines = annotations.filter((a) => a.type === 'line').map((a) => [a.value, a.label.content, a.borderDash]);
    expect(lines).toEqual([[60_000, 'leave billing/c1', [5, 3]], [90_000, 'broker-crash broker-0', []]]);
  });

  it("marks a direct downstream's outage: solid at its start, dashed at its end", () => {
    const withOutage = sampleResult();
    withOutage.timeline = [
      { tMs: 20_000, kind: 'outage-start', subject: 'downstream', detail: 'at time' },
      { tMs: 30_000, kind: 'outage-end', subject: 'downstream' },
    ];
    const lines = annotationsOf(spec(chartConfigs(withOutage), 'lag')).filter((a) => a.type === 'line');
    expect(lines.map((a) => [a.value, a.label.content, a.borderDash])).toEqual([
      [20_000, 'outage-start downstream', []],
      [30_000, 'outage-end downstream', [5, 3]],
    ]);
  });

  it('dozens of failures: faint lines behind the data, no labels, and a caption that says what they are', () => {
    const many = sampleResult();
    many.timeline = Array.from({ length: 20 }, (_, k) => [
      { tMs: 1000 * k, kind: 'crash', subject: 'billing/0', detail: 'at time' },
      { tMs: 1000 * k + 500, kind: 'restart', subject: 'billing/0' },
    ]).flat();
    const lag = spec(chartConfigs(many), 'lag');
    const lines = annotationsOf(lag).filter((a) => a.type === 'line');
    expect(lines).toHaveLength(40);
    expect(lines.every((a) => a.label.display === false && a.drawTime === 'beforeDatasetsDraw')).toBe(true);
    expect((lag.config.options as Json).plugins.subtitle).toMatchObject({
      display: true,
      text: '20 times down (solid red lines) and 20 back up (dashed green): crashes, outages and restarts, listed in the timeline',
    });
    // A few markers keep their labels and no caption.
    expect((spec(chartConfigs(sampleResult()), 'lag').config.options as Json).plugins.subtitle.display).toBe(false);
  });

  it('a rebalance still running at the end shades to the end of the run', () => {
    const timeline = [
      { tMs: 5_000, kind: 'rebalance', subject: 'a' },
      { tMs: 7_000, kind: 'rebalance', subject: 'b' },
      { tMs: 8_000, kind: 'rebalance-end', subject: 'b' },
    ];
    expect(rebalanceWindows(timeline, 20_000)).toEqual([
      { group: 'a', startMs: 5_000, endMs: 20_000 },
      { group: 'b', startMs: 7_000, endMs: 8_000 },
    ]);
  });

  it('plots lag per group and ready/unacked per queue', () => {
    expect(labelsOf(spec(specs, 'lag'))).toEqual([
      'lag billing',
      'lag email',
      'ready billing',
      'ready email',
      'unacked billing',
      'unacked email',
    ]);
  });

  it('plots produced per producer against processed per group', () => {
    expect(labelsOf(spec(specs, 'throughput'))).toEqual([
      'produced checkout',
      'processed billing',
      'processed email',
    ]);
  });

  it('keeps null latency points as gaps', () => {
    const latency = spec(specs, 'latency');
    expect(labelsOf(latency)).toEqual(['p50 billing', 'p50 email', 'p99 billing', 'p99 email']);
    const p50billing = latency.config.data.datasets[0].data as Json[];
    const during = p50billing.filter((p) => p.x > CRASH_MS && p.x <= RESTART_MS);
    expect(during.map((p) => p.y)).toEqual([null, null, null]);
    expect(latency.config.data.datasets[0]).toMatchObject({ spanGaps: false });
    // The fixture's p99 reaches minutes: the axis switches unit instead of printing 1,425,185.
    expect((latency.config.options as Json).scales.y.title.text).toBe('latency (min)');
  });

  it('uses a linear x axis of simulated ms, parsing off, min-max decimation, no animation', () => {
    for (const s of specs) {
      const options = s.config.options as Json;
      expect(options.scales.x).toMatchObject({ type: 'linear', min: 0, max: 1_200_000 });
      expect(options.parsing).toBe(false);
      expect(options.animation).toBe(false);
      expect(options.plugins.decimation).toEqual({ enabled: true, algorithm: 'min-max' });
      const first = s.config.data.datasets[0].data[0];
      expect(first).toEqual({ x: 10_000, y: expect.anything() });
    }
  });

  it('is plain JSON: no functions, survives a JSON round trip', () => {
    expect(findFunctions(specs)).toEqual([]);
    expect(JSON.parse(JSON.stringify(specs))).toEqual(specs);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(chartConfigs(sampleResult()))).toBe(JSON.stringify(specs));
  });

  it('leaves out series the result does not have, and charts left empty', () => {
    const full = sampleResult();
    const { ready, unacked, latencyP50Ms, latencyP99Ms, ...series } = full.series;
    const direct = sampleResult({ series: { ...series, tMs: full.series.tMs } });
    const directSpecs = chartConfigs(direct);
    expect(directSpecs.map((s) => s.name)).toEqual(['lag', 'throughput']);
    expect(labelsOf(spec(directSpecs, 'lag'))).toEqual(['lag billing', 'lag email']);
  });

  it('does not mutate the result', () => {
    const r = sampleResult();
    const before = JSON.stringify(r);
    chartConfigs(r);
    expect(JSON.stringify(r)).toBe(before);
  });
});

describe('clock ticks', () => {
  const lag = spec(chartConfigs(sampleResult()), 'lag');

  it('puts a tick on every step from 0 to the end, labelled by formatClock', () => {
    const ticks = clockTicks(lag.config);
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    expect(ticks.length).toBeLessThanOrEqual(11);
    expect(ticks[0].value).toBe(0);
    const step = ticks[1].value - ticks[0].value;
    ticks.forEach((t, i) => {
      expect(t.value).toBe(i * step);
      expect(t.label).toBe(formatClock(t.value));
    });
    expect(ticks[ticks.length - 1].value).toBeLessThanOrEqual(1_200_000);
  });

  it('attaches tick functions to a copy, leaving the spec plain', () => {
    const withFns = withTickFormatters(lag.config) as Json;
    expect(typeof withFns.options.scales.x.afterBuildTicks).toBe('function');
    expect(withFns.options.scales.x.ticks.callback(120_000)).toBe(formatClock(120_000));
    expect(findFunctions(lag.config)).toEqual([]);
  });
});

describe('renderCharts', () => {
  const specs = chartConfigs(sampleResult());

  it('renders each chart as a PNG of the default size, not blank', async () => {
    const charts = await renderCharts(specs);
    expect(charts.map((c) => c.name)).toEqual(['lag', 'throughput', 'latency']);
    for (const chart of charts) {
      expect([chart.width, chart.height]).toEqual([1000, 500]);
      expect(pngHeader(chart.png)).toEqual({ width: 1000, height: 500 });
      expect(chart.png.length).toBeGreaterThan(15_000);
      const stats = await pixelStats(chart.png);
      expect(stats.inked / stats.total).toBeGreaterThan(0.02);
    }
  });

  it('draws the annotations: phase shading and crash marker pixels are present', async () => {
    const [lag] = await renderCharts([spec(specs, 'lag')]);
    // rgba(242,142,43,0.13) over white, and the crash red.
    const stats = await pixelStats(lag.png, { phase: [253, 240, 227], crash: [214, 39, 40] }, 6);
    expect(stats.probes.phase).toBeGreaterThan(5_000);
    expect(stats.probes.crash).toBeGreaterThan(100);
  });

  it('renders at a requested size and leaves the specs untouched', async () => {
    const before = JSON.stringify(specs);
    const [chart] = await renderCharts(specs.slice(0, 1), { width: 640, height: 320 });
    expect(pngHeader(chart.png)).toEqual({ width: 640, height: 320 });
    expect(JSON.stringify(specs)).toBe(before);
  });

  it('rejects a non-positive size', async () => {
    await expect(renderCharts(specs, { width: 0, height: 100 })).rejects.toThrow(/size/);
  });
});

describe('charts a system declares', () => {
  it('adds one chart per declaration, a dataset per subject, stacked when asked', () => {
    const base = sampleResult();
    const n = base.series.tMs.length;
    const result = sampleResult({
      series: { ...base.series, partitionLag: { 'p-0': Array(n).fill(3), 'p-1': Array(n).fill(5) } },
      charts: [{ name: 'partition-lag', title: 'lag per partition', yLabel: 'records', metrics: ['partitionLag'], stacked: true }],
    });
    const spec = chartConfigs(result).find((s) => s.name === 'partition-lag');
    expect(spec?.title).toBe(`${result.scenario}: lag per partition`);
    const datasets = spec?.config.data.datasets ?? [];
    expect(datasets.map((d) => d.label)).toEqual(['p-0', 'p-1']);
    expect(datasets.every((d) => (d as { fill?: boolean }).fill === true)).toBe(true);
    expect((spec?.config.options?.scales?.y as { stacked?: boolean }).stacked).toBe(true);
    expect(datasets[1].data[0]).toEqual({ x: base.series.tMs[0], y: 5 });
  });

  it('leaves out a declared chart whose series is missing', () => {
    const result = sampleResult({ charts: [{ name: 'x', title: 'x', yLabel: 'x', metrics: ['nope'] }] });
    expect(chartConfigs(result).map((s) => s.name)).not.toContain('x');
  });
});
