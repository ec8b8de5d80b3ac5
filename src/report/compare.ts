/**
 * The compare report: a terminal table (one column per variant, one row per figure, each a
 * mean ± 95% interval over seeds), grouped bar charts per kind of figure, the variants' lag
 * over time overlaid with phases and faults marked, and the HTML page holding all of it.
 * Reads a CompareResult only; no simulation state.
 */
import Table from 'cli-table3';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { CompareResult, VariantOutcome } from '../experiments/results.js';
import { CHART_PALETTE, timeLineChart, type ChartSpec } from './charts.js';
import { escapeHtml, renderPage, tableHtml, type Cell } from './html.js';
import { formatEstimate } from './estimates.js';

/** Figures that are counts of things that went wrong: shown on one grouped bar chart. */
const COUNT_FIGURES = ['duplicates', 'duplicatesSuppressed', 'losses', 'redeliveries', 'orderingViolations', 'deadLettered'];
const LATENCY_FIGURES = ['p50LatencyMs', 'p99LatencyMs'];

export function renderCompareTable(result: CompareResult, opts: { color: boolean }): string {
  const n = result.seeds.length;
  const table = new Table({
    head: ['', ...result.variants.map((v) => v.label)],
    style: opts.color ? { head: ['bold'], compact: true } : { head: [], border: [], compact: true },
  });
  for (const name of result.figureNames) {
    table.push([name, ...result.variants.map((v) => formatEstimate(v.figures[name], n))]);
  }
  table.push(['expectations met (seeds)', ...result.variants.map((v) => `${v.seedsPassing}/${n}`)]);
  const seeds = n === 1 ? `seed ${result.seeds[0]}` : `seeds ${result.seeds[0]}…${result.seeds[n - 1]}`;
  const head = `queuesim ${result.queuesim}: compare ${result.scenario}, ${result.variants.length} variants × ${n} ${seeds}`;
  const note = n > 1 ? '\nmean ± 95% confidence interval (Student t) over seeds; (k/n): defined on k seeds' : '';
  return `${head}\n${table.toString()}${note}\n`;
}

export function compareCharts(result: CompareResult): ChartSpec[] {
  const specs: ChartSpec[] = [];
  const groups = groupNames(result);
  for (const group of groups) {
    specs.push(barChart(result, `counts-${group}`, `${group}: what went wrong`, 'messages',
      COUNT_FIGURES.map((f) => `${group}.${f}`)));
    specs.push(barChart(result, `latency-${group}`, `${group}: end-to-end latency`, 'ms',
      LATENCY_FIGURES.map((f) => `${group}.${f}`)));
  }
  if (result.variants.some((v) => (v.figures.rejected?.mean ?? 0) > 0)) {
    const causes = result.figureNames.filter((f) => f.startsWith('rejected.'));
    specs.push(barChart(result, 'rejected', 'rejected or failed calls', 'messages', ['rejected', ...causes]));
  }
  specs.push(overlayChart(result));
  return specs.filter((s) => s.config.data.datasets.length > 0);
}

function groupNames(result: CompareResult): string[] {
  return result.figureNames.filter((f) => f.endsWith('.processed')).map((f) => f.slice(0, -'.processed'.length));
}

/** One category per figure, one bar per variant (its mean), the interval in the tooltip label. */
function barChart(result: CompareResult, name: string, title: string, yTitle: string, figures: string[]): ChartSpec {
  const present = figures.filter((f) => result.figureNames.includes(f));
  const datasets = present.length === 0 ? [] : result.variants.map((v, i) => ({
    label: v.label,
    backgroundColor: CHART_PALETTE[i % CHART_PALETTE.length],
    data: present.map((f) => v.figures[f]?.mean ?? 0),
  }));
  const fullTitle = `${result.scenario}: ${title} (mean over ${result.seeds.length} seed${result.seeds.length === 1 ? '' : 's'})`;
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: { labels: present.map((f) => f.slice(f.indexOf('.') + 1)), datasets },
    options: {
      animation: false,
      aspectRatio: 2,
      scales: { x: { type: 'category' }, y: { beginAtZero: true, title: { display: true, text: yTitle } } },
      plugins: {
        title: { display: true, text: fullTitle, font: { size: 15 } },
        legend: { position: 'bottom' },
      },
    },
  };
  return { name, title: fullTitle, config: config as unknown as ChartConfiguration };
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
  const head = ['variant', 'system', ...result.figureNames, 'expectations met'];
  const rows: Cell[][] = result.variants.map((v) => [
    v.label,
    v.systemType,
    ...result.figureNames.map((f) => ({ text: formatEstimate(v.figures[f], n), className: 'num' })),
    { text: `${v.seedsPassing}/${n}`, className: v.seedsPassing === n ? 'pass' : 'fail' },
  ]);
  const body = `<header><h1>${escapeHtml(`compare: ${result.scenario}`)}</h1>
<p class="description">${escapeHtml(result.description)}</p>
<p class="meta">${escapeHtml(`queuesim ${result.queuesim}; seeds ${result.seeds.join(', ')}; ` +
    'each figure is the mean over seeds ± the 95% confidence interval (Student t)')}</p></header>
<section><h2>Variants</h2><div style="overflow-x:auto">${tableHtml('summary', head, rows)}</div></section>
<section><h2>Settings</h2>${tableHtml('settings', ['variant', 'settings'],
    result.variants.map((v) => [v.label, settingsText(v)]))}</section>
<section><h2>Expectations</h2>${expectationsTable(result)}</section>`;
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
