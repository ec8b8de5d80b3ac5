/**
 * Charts of a finished result: plain chart.js configurations (`chartConfigs`) and their PNG
 * rendering in Node (`renderCharts`, via chartjs-node-canvas).
 *
 * The configurations are plain JSON (no functions) so that `html.ts` can embed exactly the same
 * charts in the HTML report. The only functions, the x-axis tick builder and its labels, are
 * attached at render time: here for Node, in the page's inline script for the browser. Both use
 * the same tick list (`clockTicks`), so a PNG and its HTML twin show the same ticks.
 *
 * This module knows nothing about the simulation: it reads `Result` only.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChartConfiguration, ChartDataset, Scale } from 'chart.js';
// For its augmentation of chart.js's plugin options. Its own option types don't resolve under
// NodeNext (extensionless re-exports in an ESM package), hence the local `AnnotationOptions`.
import type {} from 'chartjs-plugin-annotation';
import type { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { ChartDeclaration, PhaseSpan, Result, TimelineEntry } from '../observe/result.js';
import { formatClock, formatDuration } from '../scenarios/units.js';
import type { FigureUnit } from '../observe/figures.js';
import { formatFigure } from './figure-text.js';

export interface ChartSpec {
  /** File-name-safe id: `lag`, `throughput`, `latency`. */
  name: string;
  title: string;
  /** A plain, JSON-serialisable chart.js configuration (no functions). */
  config: ChartConfiguration;
  /**
   * Y-axis ticks with their labels in human units (`2m30s`, `20%`, `$1.50`), installed as the
   * x clock ticks are; none: chart.js's own.
   */
  yTicks?: ClockTick[];
}

export interface RenderedChart {
  name: string;
  png: Buffer;
  width: number;
  height: number;
}

export interface ChartSize {
  width: number;
  height: number;
}

export const DEFAULT_CHART_SIZE: ChartSize = { width: 1000, height: 500 };

/** One x-axis tick: a simulated time and its `formatClock` label. */
export interface ClockTick {
  value: number;
  label: string;
}

type Point = { x: number; y: number | null };

/** The subset of chartjs-plugin-annotation options used here (box and line annotations). */
type AnnotationOptions = {
  type: 'box' | 'line';
  drawTime: 'beforeDatasetsDraw' | 'afterDatasetsDraw';
  label: Record<string, unknown>;
  [option: string]: unknown;
};
type LineDataset = ChartDataset<'line', Point[]>;
type SubjectSeries = Record<string, (number | null)[]>;

// Tableau 10: distinguishable, and readable on white.
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const PHASE_FILL = 'rgba(242, 142, 43, 0.13)';
const PHASE_TEXT = '#9a5412';
const CRASH_COLOR = '#d62728';
const RESTART_COLOR = '#2ca02c';
/** Rebalance windows: a grey hatch, so they read apart from the orange load phases. */
const REBALANCE_FILL = 'rgba(121, 112, 110, 0.16)';
const REBALANCE_TEXT = '#5b5350';
/** Timeline kinds drawn as a solid (down) or dashed (back) vertical line. */
const DOWN_KINDS = new Set(['crash', 'broker-crash', 'outage-start']);
const UP_KINDS = new Set(['start', 'restart', 'broker-restart', 'leave', 'outage-end']);
/** Above this many crash/restart markers their labels would pile up: draw the lines only. */
const MAX_LABELLED_MARKERS = 12;

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Tick spacings that read well on a clock; the smallest giving at most 10 intervals wins. */
const CLOCK_STEPS_MS = [
  100, 200, 500, SECOND_MS, 2 * SECOND_MS, 5 * SECOND_MS, 10 * SECOND_MS, 15 * SECOND_MS,
  30 * SECOND_MS, MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS,
  30 * MINUTE_MS, HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS, DAY_MS,
  2 * DAY_MS, 7 * DAY_MS,
];
const MAX_CLOCK_INTERVALS = 10;

// ---------------------------------------------------------------------------------------------
// Configurations
// ---------------------------------------------------------------------------------------------

/**
 * The charts for a result, in a fixed order: `lag`, `throughput`, `latency`. A dataset appears
 * only if its series exists in the result, and a chart without any dataset is left out.
 */
export function chartConfigs(result: Result): ChartSpec[] {
  const ctx = chartContext(result);
  const specs = [lagChart(ctx), throughputChart(ctx), latencyChart(ctx)];
  specs.push(...(result.charts ?? []).map((declared) => declaredChart(ctx, declared)));
  return specs.filter((spec) => spec.config.data.datasets.length > 0);
}

/** A chart a system declared in the result: each metric's subjects as lines, or stacked areas. */
function declaredChart(ctx: ChartContext, declared: ChartDeclaration): ChartSpec {
  const datasets = declared.metrics.flatMap((metric) =>
    lines(ctx, metric, (subject) => ({
      label: declared.metrics.length > 1 ? `${metric} ${subject}` : subject,
      ...(declared.stacked ? { fill: true, backgroundColor: `${ctx.colorOf(subject)}99` } : {}),
    })),
  );
  const title = `${ctx.result.scenario}: ${declared.title}`;
  const config = lineConfig(ctx, title, datasets, declared.yLabel);
  if (declared.stacked) {
    const scales = config.options?.scales as Record<string, { stacked?: boolean }>;
    scales.y.stacked = true;
  }
  return { name: declared.name, title, config };
}

interface ChartContext {
  result: Result;
  tMs: number[];
  endMs: number;
  colorOf: (subject: string) => string;
  annotations: AnnotationOptions[];
  /** Says what unlabelled markers are, when there are too many to label; null otherwise. */
  caption: string | null;
}

function chartContext(result: Result): ChartContext {
  const tMs = result.series.tMs;
  const lastMs = tMs.length > 0 ? tMs[tMs.length - 1] : 0;
  const endMs = Math.max(lastMs, result.summary.simulatedMs) || SECOND_MS;
  // Colours follow subjects, so `billing` has one colour across lag, ready, latency, … .
  const subjects = [...Object.keys(result.summary.groups)];
  for (const key of Object.keys(result.series)) {
    const metric = subjectSeries(result, key);
    for (const subject of Object.keys(metric ?? {})) {
      if (!subjects.includes(subject)) subjects.push(subject);
    }
  }
  const colorOf = (subject: string) => PALETTE[subjects.indexOf(subject) % PALETTE.length];
  return { result, tMs, endMs, colorOf, annotations: annotations(result.phases, result.timeline, endMs), caption: markerCaption(result.timeline) };
}

function lagChart(ctx: ChartContext): ChartSpec {
  const datasets = [
    ...lines(ctx, 'lag', (subject) => ({ label: `lag ${subject}`, borderWidth: 2 })),
    ...lines(ctx, 'ready', (subject) => ({ label: `ready ${subject}`, borderDash: [6, 3] })),
    ...lines(ctx, 'unacked', (subject) => ({ label: `unacked ${subject}`, borderDash: [2, 2] })),
  ];
  const title = `${ctx.result.scenario}: lag`;
  return { name: 'lag', title, config: lineConfig(ctx, title, datasets, 'messages') };
}

function throughputChart(ctx: ChartContext): ChartSpec {
  const datasets = [
    ...lines(ctx, 'producedPerSec', (subject) => ({
      label: `produced ${subject}`,
      borderDash: [6, 3],
      stepped: 'before' as const,
    })),
    ...lines(ctx, 'processedPerSec', (subject) => ({
      label: `processed ${subject}`,
      borderWidth: 2,
      stepped: 'before' as const,
    })),
  ];
  const title = `${ctx.result.scenario}: throughput`;
  return { name: 'throughput', title, config: lineConfig(ctx, title, datasets, 'messages / s') };
}

function latencyChart(ctx: ChartContext): ChartSpec {
  const p50 = subjectSeries(ctx.result, 'latencyP50Ms');
  const p99 = subjectSeries(ctx.result, 'latencyP99Ms');
  const unit = latencyUnit([p50, p99]);
  const scaled = (v: number | null) => (v === null ? null : roundTo(v / unit.ms, 3));
  const datasets = [
    ...lines(ctx, 'latencyP50Ms', (s) => ({ label: `p50 ${s}`, borderWidth: 2 }), scaled),
    ...lines(ctx, 'latencyP99Ms', (s) => ({ label: `p99 ${s}`, borderDash: [6, 3] }), scaled),
  ];
  const title = `${ctx.result.scenario}: end-to-end latency`;
  const yTitle = `latency (${unit.name})`;
  return { name: 'latency', title, config: lineConfig(ctx, title, datasets, yTitle) };
}

/** Plot latency in the unit that keeps tick labels short. */
function latencyUnit(metrics: (SubjectSeries | undefined)[]): { name: string; ms: number } {
  let max = 0;
  for (const metric of metrics) {
    for (const values of Object.values(metric ?? {})) {
      for (const v of values) if (v !== null && v > max) max = v;
    }
  }
  if (max >= 10 * MINUTE_MS) return { name: 'min', ms: MINUTE_MS };
  if (max >= 10 * SECOND_MS) return { name: 's', ms: SECOND_MS };
  return { name: 'ms', ms: 1 };
}

function lines(
  ctx: ChartContext,
  metricName: string,
  style: (subject: string) => Partial<LineDataset>,
  map: (v: number | null) => number | null = (v) => v,
): LineDataset[] {
  const metric = subjectSeries(ctx.result, metricName);
  if (metric === undefined) return [];
  return Object.entries(metric).map(([subject, values]) => ({
    borderColor: ctx.colorOf(subject),
    backgroundColor: ctx.colorOf(subject),
    borderWidth: 1.5,
    pointRadius: 0,
    pointHitRadius: 4,
    spanGaps: false,
    ...style(subject),
    data: ctx.tMs.map((x, i) => ({ x, y: map(values[i] ?? null) })),
  }));
}

function subjectSeries(result: Result, metricName: string): SubjectSeries | undefined {
  const metric = result.series[metricName];
  if (metric === undefined || Array.isArray(metric)) return undefined;
  return metric;
}

function lineConfig(
  ctx: ChartContext,
  title: string,
  datasets: LineDataset[],
  yTitle: string,
): ChartConfiguration {
  const step = clockStepMs(ctx.endMs);
  const config: ChartConfiguration<'line', Point[]> = {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: true,
      aspectRatio: 2,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: ctx.endMs,
          ticks: { stepSize: step, maxRotation: 0 },
          title: { display: true, text: 'simulated time' },
        },
        y: { type: 'linear', beginAtZero: true, title: { display: true, text: yTitle } },
      },
      plugins: {
        title: { display: true, text: title, font: { size: 15 } },
        subtitle: { display: ctx.caption !== null, text: ctx.caption ?? '', color: '#555555', font: { size: 11 } },
        // A zero-height box strokes as a short line with the dataset's dash pattern.
        legend: { position: 'bottom', labels: { boxWidth: 30, boxHeight: 0 } },
        decimation: { enabled: true, algorithm: 'min-max' },
        annotation: { annotations: structuredClone(ctx.annotations) },
      },
    },
  };
  // A line config with {x, y} points is a ChartConfiguration; TypeScript can't see it through
  // the per-type generics.
  return config as unknown as ChartConfiguration;
}

/** Colours in series order (Tableau 10), for charts built outside this module. */
export const CHART_PALETTE: readonly string[] = PALETTE;

/**
 * A line chart over simulated time, with the phases shaded and crashes and restarts marked,
 * as the run report draws them: for charts built outside this module (compare's overlays).
 */
export function timeLineChart(
  title: string,
  yTitle: string,
  endMs: number,
  datasets: ChartDataset<'line', { x: number; y: number | null }[]>[],
  phases: PhaseSpan[],
  timeline: TimelineEntry[],
): ChartConfiguration {
  const ctx = { endMs: endMs || SECOND_MS, annotations: annotations(phases, timeline, endMs), caption: markerCaption(timeline) } as ChartContext;
  return lineConfig(ctx, title, datasets, yTitle);
}

function annotations(phases: PhaseSpan[], timeline: TimelineEntry[], endMs: number): AnnotationOptions[] {
  const box = (startMs: number, stopMs: number, label: string, fill: string, text: string, labelled: boolean): AnnotationOptions => ({
    type: 'box',
    drawTime: 'beforeDatasetsDraw',
    xMin: startMs,
    xMax: stopMs,
    backgroundColor: fill,
    borderWidth: 0,
    label: { display: labelled, content: label, position: { x: 'center', y: 'start' }, color: text, font: { size: 11 } },
  });
  const boxes = phases.map((phase) => box(phase.startMs, phase.endMs, phase.name, PHASE_FILL, PHASE_TEXT, true));
  // A short label: the windows are often narrow, and the timeline names the groups.
  const windows = mergeOverlapping(rebalanceWindows(timeline, endMs));
  const rebalances = windows.map((w) =>
    box(w.startMs, w.endMs, 'rebalance', REBALANCE_FILL, REBALANCE_TEXT, windows.length <= MAX_LABELLED_MARKERS));
  const markers = markersOf(timeline);
  const labelled = markers.length <= MAX_LABELLED_MARKERS;
  const lineMarks: AnnotationOptions[] = markers.map((entry) => {
    const crash = DOWN_KINDS.has(entry.kind);
    const color = crash ? CRASH_COLOR : RESTART_COLOR;
    // Too many to label: faint and behind the data, so dozens of failures do not hide it.
    return {
      type: 'line',
      drawTime: labelled ? 'afterDatasetsDraw' : 'beforeDatasetsDraw',
      scaleID: 'x',
      value: entry.tMs,
      borderColor: labelled ? color : `${color}59`,
      borderWidth: labelled ? 1.5 : 1,
      borderDash: crash ? [] : [5, 3],
      label: {
        display: labelled,
        content: `${entry.kind} ${entry.subject}`,
        // Vertical labels along their lines at the bottom: a restart soon after a crash keeps
        // its label beside the crash's, and the top stays free for the phase names.
        position: 'end',
        rotation: -90,
        backgroundColor: color,
        color: '#ffffff',
        font: { size: 10 },
        padding: 3,
      },
    };
  });
  return [...boxes, ...rebalances, ...lineMarks];
}

function markersOf(timeline: TimelineEntry[]): TimelineEntry[] {
  return timeline.filter((e) => DOWN_KINDS.has(e.kind) || UP_KINDS.has(e.kind));
}

/** What the markers are, when there are too many to label each one; null otherwise. */
export function markerCaption(timeline: TimelineEntry[]): string | null {
  const markers = markersOf(timeline);
  if (markers.length <= MAX_LABELLED_MARKERS) return null;
  const down = markers.filter((e) => DOWN_KINDS.has(e.kind)).length;
  return `${down} times down (solid red lines) and ${markers.length - down} back up (dashed green): ` +
    'crashes, outages and restarts, listed in the timeline';
}

/**
 * A log group's rebalances as windows: from the first `rebalance` entry (more may come while
 * one runs) to its `rebalance-end`, or to the end of the run.
 */
export function rebalanceWindows(timeline: TimelineEntry[], endMs: number): { group: string; startMs: number; endMs: number }[] {
  const open = new Map<string, number>();
  const windows: { group: string; startMs: number; endMs: number }[] = [];
  for (const e of timeline) {
    if (e.kind === 'rebalance' && !open.has(e.subject)) open.set(e.subject, e.tMs);
    if (e.kind === 'rebalance-end' && open.has(e.subject)) {
      windows.push({ group: e.subject, startMs: open.get(e.subject)!, endMs: e.tMs });
      open.delete(e.subject);
    }
  }
  for (const [group, startMs] of open) windows.push({ group, startMs, endMs });
  return windows.sort((a, b) => a.startMs - b.startMs);
}

/** Windows of several groups that overlap become one box, so their labels do not pile up. */
function mergeOverlapping(windows: { startMs: number; endMs: number }[]): { startMs: number; endMs: number }[] {
  const merged: { startMs: number; endMs: number }[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last !== undefined && w.startMs <= last.endMs) last.endMs = Math.max(last.endMs, w.endMs);
    else merged.push({ startMs: w.startMs, endMs: w.endMs });
  }
  return merged;
}

function roundTo(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

// ---------------------------------------------------------------------------------------------
// Clock ticks (shared by Node rendering and the HTML page)
// ---------------------------------------------------------------------------------------------

function clockStepMs(endMs: number): number {
  for (const step of CLOCK_STEPS_MS) {
    if (endMs / step <= MAX_CLOCK_INTERVALS) return step;
  }
  const week = 7 * DAY_MS;
  return Math.ceil(endMs / MAX_CLOCK_INTERVALS / week) * week;
}

/**
 * The x-axis ticks of a chart made by `chartConfigs`: every multiple of the axis `stepSize`
 * between its `min` and `max`, labelled with `formatClock`. Rendering installs exactly these
 * ticks (chart.js `afterBuildTicks`), so labels never depend on chart.js's own tick choice.
 */
export function clockTicks(config: ChartConfiguration): ClockTick[] {
  const x = xScaleOptions(config);
  const min = Number(x.min ?? 0);
  const max = Number(x.max ?? 0);
  const step = Number(x.ticks?.stepSize ?? 0);
  if (!(step > 0) || !(max >= min)) return [];
  const ticks: ClockTick[] = [];
  for (let i = Math.ceil(min / step); i * step <= max; i++) {
    ticks.push({ value: i * step, label: formatClock(i * step) });
  }
  return ticks;
}

/**
 * Datasets marked `legendHidden` (the lower edge of a band) get no legend entry: chart.js
 * takes a filter function, which plain JSON cannot carry. The page script does the same.
 */
function hideFromLegend(config: ChartConfiguration): void {
  const plugins = (config.options ??= {}).plugins ??= {};
  const legend = (plugins.legend ??= {}) as { labels?: { filter?: (item: { datasetIndex?: number }) => boolean } };
  legend.labels = {
    ...legend.labels,
    filter: (item) => !(config.data.datasets[item.datasetIndex ?? -1] as { legendHidden?: boolean } | undefined)?.legendHidden,
  };
}

interface XScaleOptions {
  min?: number;
  max?: number;
  ticks?: { stepSize?: number; callback?: (value: number | string) => string };
  afterBuildTicks?: (axis: Scale) => void;
}

function xScaleOptions(config: ChartConfiguration): XScaleOptions {
  const x = config.options?.scales?.x;
  if (x === undefined) throw new Error('chart config has no x scale');
  return x as XScaleOptions;
}

const NICE_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * About five to ten y ticks from 0 to at least `max`, on steps that read well in the unit
 * (1m, 5m, 30m for durations; 1, 2 or 5 × 10^k otherwise), labelled as people read them.
 */
export function unitTicks(unit: FigureUnit, max: number): ClockTick[] {
  if (!(max > 0) || !Number.isFinite(max)) return [];
  const decimal = (target: number): number => {
    const base = 10 ** Math.floor(Math.log10(target));
    return [1, 2, 5, 10].map((m) => m * base).find((x) => x >= target) as number;
  };
  const target = max / 6;
  const step = unit === 'ms' ? (NICE_MS.find((x) => x >= target) ?? decimal(target)) : decimal(target);
  const ticks: ClockTick[] = [];
  for (let i = 0; i === 0 || (i - 1) * step < max; i++) {
    const value = Number((i * step).toPrecision(12));
    ticks.push({ value, label: unit === 'ms' ? formatDuration(value) : formatFigure(unit, value) });
  }
  return ticks;
}

/** A deep copy of `config` with the tick functions attached, ready for chart.js. */
export function withTickFormatters(config: ChartConfiguration, yTicks: ClockTick[] = []): ChartConfiguration {
  const copy = structuredClone(config);
  hideFromLegend(copy);
  if (yTicks.length > 0) {
    const y = (copy.options?.scales?.y ?? {}) as XScaleOptions;
    const labels = new Map(yTicks.map((t) => [t.value, t.label]));
    y.min = yTicks[0].value;
    y.max = yTicks[yTicks.length - 1].value;
    y.afterBuildTicks = (axis) => {
      axis.ticks = yTicks.map((t) => ({ value: t.value }));
    };
    y.ticks = { ...y.ticks, callback: (value) => labels.get(Number(value)) ?? String(value) };
  }
  const ticks = clockTicks(copy);
  // Not a chart over simulated time (bars, a swept parameter): chart.js's own ticks.
  if (ticks.length === 0) return copy;
  const labels = new Map(ticks.map((t) => [t.value, t.label]));
  const x = xScaleOptions(copy);
  x.afterBuildTicks = (axis) => {
    axis.ticks = ticks.map((t) => ({ value: t.value }));
  };
  x.ticks = {
    ...x.ticks,
    callback: (value) => labels.get(Number(value)) ?? formatClock(Number(value)),
  };
  return copy;
}

// ---------------------------------------------------------------------------------------------
// PNG rendering (Node)
// ---------------------------------------------------------------------------------------------

const FONT_FAMILY = 'DejaVu Sans';
const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/TTF'];
const FONT_FILES = [
  { file: 'DejaVuSans.ttf', weight: 'normal' },
  { file: 'DejaVuSans-Bold.ttf', weight: 'bold' },
];

type NodeCanvasModule = typeof import('chartjs-node-canvas');
let nodeCanvas: Promise<NodeCanvasModule> | undefined;
/**
 * One renderer per size, reused: a new one per chart leaks memory and renders ~5x slower.
 * Promises are cached so that concurrent first calls still share one renderer.
 */
const renderers = new Map<string, Promise<ChartJSNodeCanvas>>();

/**
 * Loads chartjs-node-canvas (and with it the native `canvas`) on first use, after registering
 * the DejaVu font exactly once: `registerFont` must precede the first canvas, and repeating it
 * leaks. Loading lazily keeps `import('./report/index.js')` cheap for a summary-only run.
 */
function loadNodeCanvas(): Promise<NodeCanvasModule> {
  nodeCanvas ??= (async () => {
    registerFonts();
    return import('chartjs-node-canvas');
  })();
  return nodeCanvas;
}

function registerFonts(): void {
  const dir = FONT_DIRS.find((d) => existsSync(`${d}/${FONT_FILES[0].file}`));
  // Without the files Pango falls back to fontconfig's default sans font.
  if (dir === undefined) return;
  // Register with the very `canvas` that chartjs-node-canvas loads (it is its dependency).
  const require = createRequire(import.meta.url);
  const fromNodeCanvas = createRequire(require.resolve('chartjs-node-canvas'));
  const canvas = fromNodeCanvas('canvas') as {
    registerFont: (path: string, face: { family: string; weight?: string }) => void;
  };
  for (const { file, weight } of FONT_FILES) {
    const path = `${dir}/${file}`;
    if (existsSync(path)) canvas.registerFont(path, { family: FONT_FAMILY, weight });
  }
}

function rendererFor(size: ChartSize): Promise<ChartJSNodeCanvas> {
  const key = `${size.width}x${size.height}`;
  let renderer = renderers.get(key);
  if (renderer === undefined) {
    renderer = createRenderer(size);
    renderers.set(key, renderer);
    // A failed start-up is not cached: the next call tries again.
    renderer.catch(() => renderers.delete(key));
  }
  return renderer;
}

async function createRenderer(size: ChartSize): Promise<ChartJSNodeCanvas> {
  const { ChartJSNodeCanvas } = await loadNodeCanvas();
  return new ChartJSNodeCanvas({
    width: size.width,
    height: size.height,
    backgroundColour: 'white',
    // chartjs-node-canvas loads its own copy of chart.js: plugins must be registered here.
    plugins: { modern: ['chartjs-plugin-annotation'] },
    chartCallback: (ChartJS) => {
      ChartJS.defaults.font.family = FONT_FAMILY;
      ChartJS.defaults.color = '#333333';
    },
  });
}

/** Renders each spec to a PNG of `size` (default 1000x500) on a white background. */
export async function renderCharts(
  specs: ChartSpec[],
  size: ChartSize = DEFAULT_CHART_SIZE,
): Promise<RenderedChart[]> {
  if (!(size.width > 0 && size.height > 0)) {
    throw new Error(`chart size must be positive, got ${size.width}x${size.height}`);
  }
  const renderer = await rendererFor(size);
  const rendered: RenderedChart[] = [];
  for (const spec of specs) {
    const png = await renderer.renderToBuffer(withTickFormatters(spec.config, spec.yTicks), 'image/png');
    rendered.push({ name: spec.name, png, width: size.width, height: size.height });
  }
  return rendered;
}
