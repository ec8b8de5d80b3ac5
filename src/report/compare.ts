/**
 * The compare report: a terminal table (one column per variant, one row per figure, each a
 * mean ± 95% interval over seeds), grouped bar charts per kind of figure in its unit with
 * 95% error bars (latency also per load phase), the variants' lag
 * over time overlaid with phases and faults marked, and the HTML page holding all of it.
 * Reads a CompareResult only; no simulation state.
 */
import Table from 'cli-table3';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { CompareResult, VariantOutcome } from '../experiments/results.js';
import { CHART_PALETTE, timeLineChart, unitTicks, type ChartSpec } from './charts.js';
import { escapeHtml, renderPage, tableHtml, type Cell } from './html.js';
import { INTERVAL_NOTE, formatEstimate } from './estimates.js';
import { figureUnit, type FigureUnit } from '../observe/figures.js';

/** Figures that are counts of things that went wrong: shown on one grouped bar chart. */
const COUNT_FIGURES = ['duplicates', 'duplicatesSuppressed', 'losses', 'redeliveries', 'orderingViolations', 'deadLettered'];
const LATENCY_FIGURES = ['p50LatencyMs', 'p99LatencyMs', 'p999LatencyMs'];
/** Ratios of what was offered or processed, on one percent axis. */
const RATIO_FIGURES = ['failedRatio', 'lossRatio', 'duplicateRatio'];
/** A bar under this share of its axis reads as zero: such figures get a chart of their own. */
const MIN_BAR_SHARE = 20;

/**
 * The rows a comparison shows: figures some variant has a non-zero value for, and every figure
 * an expectation reads (a zero loss count is the answer there), in the result's order.
 */
export function shownFigures(result: CompareResult): string[] {
  const judged = new Set(result.variants.flatMap((v) => v.expectations.map((e) => e.expr.split(' ')[0])));
  const unscoped = [...judged].filter((f) => !f.includes('.'));
  return result.figureNames.filter((f) => {
    const metric = f.slice(f.lastIndexOf('.') + 1);
    if (judged.has(f) || (unscoped.includes(metric) && f.split('.').length === 2)) return true;
    return result.variants.some((v) => (v.figures[f]?.mean ?? 0) !== 0 || (v.figures[f]?.n ?? 0) < result.seeds.length);
  });
}

/** One cell: the estimate in the figure's unit, and for variants after the first its change. */
function cellText(result: CompareResult, v: VariantOutcome, figure: string): string {
  const n = result.seeds.length;
  const text = formatEstimate(v.figures[figure], n, figureUnit(figure));
  const base = result.variants[0].figures[figure]?.mean;
  const mean = v.figures[figure]?.mean;
  if (v === result.variants[0] || base == null || mean == null || base === 0 || mean === base) return text;
  // A baseline its own interval cannot tell from 0 gives ratios of noise (18816x): none shown.
  const baseCi = result.variants[0].figures[figure]?.ci95 ?? 0;
  if (baseCi >= Math.abs(base)) return text;
  const change = (mean - base) / Math.abs(base);
  const shown = Math.abs(change) >= 10 ? `${Math.round(mean / base)}x` : `${change > 0 ? '+' : ''}${Math.round(change * 100)}%`;
  return `${text} (${shown})`;
}

export function renderCompareTable(result: CompareResult, opts: { color: boolean }): string {
  const n = result.seeds.length;
  const table = new Table({
    head: ['', ...result.variants.map((v, i) => (i === 0 ? `${v.label} (baseline)` : v.label))],
    style: opts.color ? { head: ['bold'], compact: true } : { head: [], border: [], compact: true },
  });
  for (const name of shownFigures(result)) {
    table.push([name, ...result.variants.map((v) => cellText(result, v, name))]);
  }
  table.push(['expectations met (seeds)', ...result.variants.map((v) => `${v.seedsPassing}/${n}`)]);
  const seeds = n === 1 ? `seed ${result.seeds[0]}` : `seeds ${result.seeds[0]}…${result.seeds[n - 1]}`;
  const head = `queuesim ${result.queuesim}: compare ${result.scenario}, ${result.variants.length} variants × ${n} ${seeds}`;
  const note = `${n > 1 ? `\n${INTERVAL_NOTE}; (k/n): defined on k seeds` : ''}` +
    '\n(+x%): change from the baseline, the first variant (none where the baseline\'s interval reaches 0); figures zero in every variant and not in expect: are left out';
  return `${head}\n${table.toString()}${note}\n`;
}

export function compareCharts(result: CompareResult): ChartSpec[] {
  const specs: ChartSpec[] = [];
  for (const group of groupNames(result)) {
    specs.push(barChart(result, `counts-${group}`, `${group}: what went wrong`, COUNT_FIGURES.map((f) => `${group}.${f}`)));
    const latency = LATENCY_FIGURES.map((f) => `${group}.${f}`);
    const scales = shareScale(result, latency);
    scales.forEach((figures, i) => {
      const which = scales.length === 1 ? '' : ` ${figures.map((f) => f.slice(f.lastIndexOf('.') + 1).replace('LatencyMs', '')).join(', ')}`;
      specs.push(barChart(result, `latency-${group}${scales.length === 1 ? '' : `-${i + 1}`}`, `${group}: end-to-end latency${which}`, figures));
    });
    const phases = result.figureNames.filter((f) => f.startsWith(`${group}.`) && f.endsWith('.p99LatencyMs') && f.split('.').length === 3);
    if (phases.length > 0) {
      specs.push(barChart(result, `latency-by-phase-${group}`, `${group}: p99 latency by load phase (by when produced)`,
        [`${group}.p99LatencyMs`, ...phases], (f) => (f === `${group}.p99LatencyMs` ? 'whole run' : f.split('.')[1])));
    }
  }
  const ratios = ['rejectedRatio', ...groupNames(result).flatMap((g) => RATIO_FIGURES.map((f) => `${g}.${f}`))];
  specs.push(barChart(result, 'ratios', 'share of the offered work', ratios, (f) => f));
  if (result.variants.some((v) => (v.figures.rejected?.mean ?? 0) > 0)) {
    const causes = result.figureNames.filter((f) => f.startsWith('rejected.'));
    specs.push(barChart(result, 'rejected', 'rejected or failed calls', ['rejected', ...causes], (f) => f));
  }
  specs.push(barChart(result, 'cost', 'cost', ['cost'], (f) => f));
  specs.push(overlayChart(result));
  return specs.filter((s) => s.config.data.datasets.length > 0);
}

function groupNames(result: CompareResult): string[] {
  return result.figureNames.filter((f) => f.endsWith('.processed')).map((f) => f.slice(0, -'.processed'.length));
}

/** The largest mean + interval of a figure over the variants (0 when undefined everywhere). */
function highest(result: CompareResult, figure: string): number {
  return Math.max(0, ...result.variants.map((v) => (v.figures[figure]?.mean ?? 0) + (v.figures[figure]?.ci95 ?? 0)));
}

/**
 * Figures that can share one axis: a bar drawn at under 1/20 of its axis reads as zero, so a
 * figure joins a chart only while the chart's smallest figure stays above 1/20 of it.
 */
export function shareScale(result: CompareResult, figures: string[]): string[][] {
  const present = figures.filter((f) => result.figureNames.includes(f));
  const byHeight = [...present].sort((a, b) => highest(result, a) - highest(result, b));
  const charts: string[][] = [];
  for (const f of byHeight) {
    const current = charts[charts.length - 1];
    if (current !== undefined && highest(result, current[0]) * MIN_BAR_SHARE >= highest(result, f)) current.push(f);
    else charts.push([f]);
  }
  // Each chart lists its figures in the order asked for.
  return charts.map((c) => present.filter((f) => c.includes(f)));
}

/**
 * One category per figure (in one unit), one bar per variant (its mean) with its 95% interval
 * as an error bar, clamped at zero: every figure here is a count, a time, a ratio or money.
 * Figures zero in every variant are left out; no figure left, no chart.
 */
function barChart(result: CompareResult, name: string, title: string, figures: string[],
  label: (figure: string) => string = (f) => f.slice(f.indexOf('.') + 1)): ChartSpec {
  const present = figures.filter((f) => result.figureNames.includes(f) && result.variants.some((v) => (v.figures[f]?.mean ?? 0) !== 0));
  const unit = figureUnit(present[0] ?? figures[0]);
  const k = result.variants.length;
  const datasets = present.length === 0 ? [] : result.variants.map((v, i) => ({
    label: v.label,
    backgroundColor: CHART_PALETTE[i % CHART_PALETTE.length],
    data: present.map((f) => v.figures[f]?.mean ?? null),
  }));
  const errorBars = result.variants.flatMap((v, i) => present.flatMap((f, j) => {
    const e = v.figures[f];
    if (e?.mean == null || !(e.ci95 != null && e.ci95 > 0)) return [];
    // chart.js centres bar i of k at j − 0.4 + (i + 0.5) × 0.8 / k (categoryPercentage 0.8).
    return errorBar(j - 0.4 + ((i + 0.5) * 0.8) / k, Math.max(0, e.mean - e.ci95), e.mean + e.ci95, 0.2 / k);
  }));
  const yTicks = unitTicks(unit, Math.max(...present.map((f) => highest(result, f))) * 1.05);
  const fullTitle = `${result.scenario}: ${title} (mean over ${result.seeds.length} seed${result.seeds.length === 1 ? '' : 's'}${result.seeds.length > 1 ? ', 95% interval' : ''})`;
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: { labels: present.map(label), datasets },
    options: {
      animation: false,
      aspectRatio: 2,
      scales: { x: { type: 'category' }, y: { beginAtZero: true, title: { display: true, text: UNIT_TITLES[unit] } } },
      plugins: {
        title: { display: true, text: fullTitle, font: { size: 15 } },
        legend: { position: 'bottom' },
        annotation: { annotations: errorBars },
      },
    },
  };
  return { name, title: fullTitle, config: config as unknown as ChartConfiguration, yTicks };
}

const UNIT_TITLES: Record<FigureUnit, string> = { count: 'messages', ms: 'latency', ratio: 'share of offered', dollars: 'cost' };

/** An error bar: a vertical line from lo to hi at x, with caps `half` wide. */
function errorBar(x: number, lo: number, hi: number, half: number): Record<string, unknown>[] {
  const line = { type: 'line', drawTime: 'afterDatasetsDraw', borderColor: '#222222', borderWidth: 1.5 };
  return [
    { ...line, xMin: x, xMax: x, yMin: lo, yMax: hi },
    { ...line, xMin: x - half, xMax: x + half, yMin: lo, yMax: lo },
    { ...line, xMin: x - half, xMax: x + half, yMin: hi, yMax: hi },
  ];
}

/** Every variant's lag (and callers waiting, for a direct system) on one time axis, first seed. */
function overlayChart(result: CompareResult): ChartSpec {
  const datasets: ChartDataset<'line', { x: number; y: number | null }[]>[] = [];
  let endMs = 0;
  result.variants.forEach((v, i) => {
    const color = CHART_PALETTE[i % CHART_PALETTE.length];
    const { tMs, metrics } = v.series;
    endMs = Math.max(endMs, tMs[tMs.length - 1] ?? 0);
    for (const [metric, subjects] of Object.entries(metrics)) {
      for (const [subject, values] of Object.entries(subjects)) {
        datasets.push({
          label: `${v.label}: ${metric === 'lag' ? `lag ${subject}` : 'callers waiting'}`,
          borderColor: color,
          backgroundColor: color,
          borderWidth: 2,
          borderDash: metric === 'lag' ? [] : [6, 3],
          pointRadius: 0,
          data: tMs.map((x, k) => ({ x, y: values[k] ?? null })),
        });
      }
    }
  });
  const first = result.variants[0].series;
  // Faults of every variant (they may differ), phases of the first (traffic is shared).
  const timeline = result.variants.flatMap((v) => v.series.timeline.filter((e) => e.kind !== 'phase-start' && e.kind !== 'phase-end'));
  const unique = timeline.filter((e, i) => timeline.findIndex((o) => o.tMs === e.tMs && o.kind === e.kind && o.subject === e.subject) === i);
  const title = `${result.scenario}: lag over time, seed ${result.seeds[0]}`;
  const config = timeLineChart(title, 'messages', endMs, datasets, first.phases, unique);
  return { name: 'lag-over-time', title, config };
}

export function renderCompareHtml(result: CompareResult, specs: ChartSpec[]): string {
  const n = result.seeds.length;
  // Figures as rows, variants as columns: it fits a 1280 px page however many figures there are.
  const head = ['figure', ...result.variants.map((v, i) => (i === 0 ? `${v.label} (baseline)` : v.label))];
  const rows: Cell[][] = [
    ['system', ...result.variants.map((v) => ({ text: v.systemType, className: 'num' }))],
    ...shownFigures(result).map((f): Cell[] => [f, ...result.variants.map((v) => ({ text: cellText(result, v, f), className: 'num' }))]),
    ['expectations met (seeds)', ...result.variants.map((v) => ({ text: `${v.seedsPassing}/${n}`, className: v.seedsPassing === n ? 'pass' : 'fail' }))],
  ];
  const body = `<header><h1>${escapeHtml(`compare: ${result.scenario}`)}</h1>
<p class="description">${escapeHtml(result.description)}</p>
<p class="meta">${escapeHtml(`queuesim ${result.queuesim}; seeds ${result.seeds.join(', ')}; ` +
    `${INTERVAL_NOTE}; (+x%) is the change from the baseline`)}</p></header>
<section><h2>Expectations</h2>${expectationsTable(result)}</section>
<section><h2>Variants</h2><div style="overflow-x:auto">${tableHtml('summary', head, rows)}</div></section>
<section><h2>Settings</h2>${tableHtml('settings', ['variant', 'settings'],
    result.variants.map((v) => [v.label, settingsText(v)]))}</section>`;
  return renderPage(`queuesim compare: ${result.scenario}`, result.queuesim, body, specs);
}

function settingsText(v: VariantOutcome): string {
  return Object.entries(v.settings).map(([path, value]) => `${path}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ');
}

function expectationsTable(result: CompareResult): string {
  const exprs = [...new Set(result.variants.flatMap((v) => v.expectations.map((e) => e.expr)))];
  const n = result.seeds.length;
  const rows: Cell[][] = exprs.map((expr) => [
    { text: expr, className: 'expr' },
    ...result.variants.map((v) => {
      const passing = v.expectations.find((e) => e.expr === expr)?.passing ?? 0;
      return { text: `${passing}/${n}`, className: passing === n ? 'pass' : 'fail' };
    }),
  ]);
  return tableHtml('expectations', ['expectation', ...result.variants.map((v) => v.label)], rows);
}
