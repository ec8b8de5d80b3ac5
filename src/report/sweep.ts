/**
 * The sweep report: a terminal table of the grid (parameters, each SLO figure as mean ± 95%
 * interval, seeds passing, PASS/FAIL) with the recommendation; charts of each SLO figure
 * against the first parameter, with the interval as a band, the SLO threshold as a line and
 * the Erlang C prediction where the scenario is M/M/c-shaped; for two parameters, heatmaps of
 * pass/fail and of each figure; and the HTML page with all of it. Reads a SweepResult only.
 */
import Table from 'cli-table3';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { SweepPoint, SweepResult } from '../experiments/sweep.js';
import { CHART_PALETTE, type ChartSpec } from './charts.js';
import { escapeHtml, renderPage, tableHtml, type Cell } from './html.js';
import { formatEstimate, formatNumber } from './estimates.js';

const PASS_COLOR = '#59a14f';
const FAIL_COLOR = '#e15759';
const SLO_COLOR = '#d62728';
const THEORY_COLOR = '#333333';

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Figures shown per point: those the SLO reads, else p99 latency and max lag of each group. */
function shownFigures(result: SweepResult): string[] {
  const slo = result.slo.map((s) => s.figure).filter((f): f is string => f !== null);
  const shown = [...new Set(slo)];
  if (shown.length > 0) return shown;
  return result.figureNames.filter((f) => f.endsWith('.p99LatencyMs') || f.endsWith('.maxLag'));
}

export function renderSweepTable(result: SweepResult, opts: { color: boolean }): string {
  const n = result.seeds.length;
  const figures = shownFigures(result);
  const table = new Table({
    head: [...result.params.map((p) => p.path), ...figures, 'seeds passing', 'SLO'],
    style: opts.color ? { head: ['bold'], compact: true } : { head: [], border: [], compact: true },
  });
  for (const p of result.points) {
    const verdict = p.pass ? 'PASS' : 'FAIL';
    const mark = result.recommendation?.index === p.index ? `${verdict} ◀ recommended` : verdict;
    table.push([...p.values.map(valueText), ...figures.map((f) => formatEstimate(p.figures[f], n)),
      `${p.seedsPassing}/${n}`, mark]);
  }
  const shard = result.shard === undefined ? '' : `, shard ${result.shard.index}/${result.shard.count}`;
  const lines = [
    `queuesim ${result.queuesim}: sweep ${result.scenario}, ${result.points.length} of ${result.gridSize} points × ${n} seeds${shard}`,
    table.toString(),
    `SLO: ${result.slo.map((s) => s.expr).join(', ') || '(no expect: lines; every point passes)'}; ` +
      `a point passes when it holds on ${result.quantile === 1 ? 'every seed' : `at least ${Math.ceil(result.quantile * n - 1e-9)} of ${n} seeds`}`,
    recommendationLine(result),
  ];
  return `${lines.join('\n')}\n`;
}

export function recommendationLine(result: SweepResult): string {
  if (result.points.length < result.gridSize) return 'recommendation: merge every shard first (queuesim merge)';
  const r = result.recommendation;
  if (r === null) return 'recommendation: none; no point of the grid meets the SLO';
  const p = result.points[r.index];
  const why = r.by === 'cost' ? `lowest mean cost (${formatNumber(p.figures.cost.mean ?? 0)})` : `fewest instances (${p.instances})`;
  return `recommendation: ${r.label}, the passing point with the ${why}`;
}

export function sweepCharts(result: SweepResult): ChartSpec[] {
  const specs: ChartSpec[] = [];
  const figures = shownFigures(result);
  for (const figure of figures) specs.push(figureChart(result, figure));
  for (const theory of ['meanQueueWaitMs', 'meanLatencyMs'] as const) {
    if (result.points.some((p) => p.theory?.[theory] !== null && p.theory !== null)) {
      const figure = result.figureNames.find((f) => f.endsWith(`.${theory}`));
      if (figure !== undefined && !figures.includes(figure)) specs.push(figureChart(result, figure));
    }
  }
  if (result.params.length === 2) {
    specs.push(heatmap(result, 'pass', 'SLO met (green) or not (red)', (p) => (p.pass ? PASS_COLOR : FAIL_COLOR)));
    for (const figure of figures) {
      const values = result.points.map((p) => p.figures[figure]?.mean ?? null).filter((v): v is number => v !== null);
      const [lo, hi] = [Math.min(...values), Math.max(...values)];
      specs.push(heatmap(result, `heat-${figure}`, `${figure} (mean; darker is higher)`, (p) => shade(p.figures[figure]?.mean ?? null, lo, hi)));
    }
  }
  return specs;
}

type Point = { x: number; y: number | null };

/**
 * One figure against the first parameter: a line per value of the second parameter (if any),
 * the 95% band around each, the SLO threshold, and Erlang C where it applies.
 */
function figureChart(result: SweepResult, figure: string): ChartSpec {
  const numeric = result.params[0].values.every((v) => typeof v === 'number');
  const xOf = (p: SweepPoint, k: number): number => (numeric ? (p.values[0] as number) : k);
  const series = result.params.length > 1 ? result.params[1].values : [null];
  const datasets: ChartDataset<'line', Point[]>[] = [];
  series.forEach((second, s) => {
    const pts = result.points.filter((p) => second === null || p.values[1] === second);
    const color = CHART_PALETTE[s % CHART_PALETTE.length];
    const name = second === null ? figure : `${result.params[1].path}=${valueText(second)}`;
    const at = (f: (p: SweepPoint) => number | null): Point[] =>
      pts.map((p) => ({ x: xOf(p, result.params[0].values.indexOf(p.values[0])), y: f(p) }));
    const band = (sign: number) => (p: SweepPoint) => {
      const e = p.figures[figure];
      // Every figure here is a count or a time: the band stops at zero.
      return e?.mean === null || e === undefined ? null : Math.max(0, e.mean + sign * (e.ci95 ?? 0));
    };
    // The band: an invisible lower line, and the upper line filled down to it ('-1').
    const bandStyle = { borderWidth: 0, pointRadius: 0, borderColor: `${color}00`, backgroundColor: `${color}33` };
    datasets.push({ label: `${name} (95% band, lower)`, data: at(band(-1)), ...bandStyle, fill: false });
    datasets.push({ label: `${name} (95% band, upper)`, data: at(band(1)), ...bandStyle, fill: '-1' });
    datasets.push({
      label: name,
      data: at((p) => p.figures[figure]?.mean ?? null),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      pointRadius: 3,
    });
  });
  const theoryKey = figure.endsWith('.meanQueueWaitMs')
    ? 'meanQueueWaitMs'
    : figure.endsWith('.meanLatencyMs')
      ? 'meanLatencyMs'
      : null;
  if (theoryKey !== null && result.points.some((p) => p.theory !== null)) {
    datasets.push({
      label: 'Erlang C (M/M/c)',
      data: result.points.map((p, k) => ({ x: xOf(p, k), y: p.theory?.[theoryKey] ?? null })),
      borderColor: THEORY_COLOR,
      backgroundColor: THEORY_COLOR,
      borderDash: [6, 3],
      borderWidth: 1.5,
      pointRadius: 0,
    });
  }
  const slo = result.slo.find((s) => s.figure === figure && Number.isFinite(s.value));
  const title = `${result.scenario}: ${figure} against ${result.params[0].path} (mean over ${result.seeds.length} seeds)`;
  const config: ChartConfiguration<'line', Point[]> = {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      aspectRatio: 2,
      scales: {
        x: numeric
          ? { type: 'linear', title: { display: true, text: result.params[0].path }, ticks: { precision: 0 } }
          : { type: 'linear', title: { display: true, text: `${result.params[0].path} (${result.params[0].values.map(valueText).join(', ')})` } },
        y: { type: 'linear', beginAtZero: true, title: { display: true, text: figure } },
      },
      plugins: {
        title: { display: true, text: title, font: { size: 15 } },
        legend: { position: 'bottom' },
        annotation: {
          annotations: slo === undefined ? [] : [{
            type: 'line', scaleID: 'y', value: slo.value, borderColor: SLO_COLOR, borderWidth: 1.5, borderDash: [4, 4],
            label: { display: true, content: `SLO: ${slo.expr}`, position: 'end', backgroundColor: SLO_COLOR, color: '#ffffff', font: { size: 10 } },
          }],
        },
      },
    },
  };
  return { name: `sweep-${figure.replace(/[^A-Za-z0-9._-]+/g, '_')}`, title, config: config as unknown as ChartConfiguration };
}

/** A two-parameter grid as squares on a scatter chart, coloured per point. */
function heatmap(result: SweepResult, name: string, what: string, color: (p: SweepPoint) => string): ChartSpec {
  const [a, b] = result.params;
  const data = result.points.map((p) => ({ x: a.values.indexOf(p.values[0]), y: b.values.indexOf(p.values[1]) }));
  const title = `${result.scenario}: ${what}`;
  const config = {
    type: 'scatter',
    data: {
      datasets: [{
        label: what,
        data,
        pointStyle: 'rect',
        pointRadius: Math.max(6, Math.min(30, Math.floor(300 / Math.max(a.values.length, b.values.length)))),
        backgroundColor: result.points.map(color),
        borderColor: '#ffffff',
      }],
    },
    options: {
      animation: false,
      parsing: false,
      aspectRatio: 2,
      scales: {
        x: gridAxis(a),
        y: gridAxis(b),
      },
      plugins: { title: { display: true, text: title, font: { size: 15 } }, legend: { display: false } },
    },
  };
  return { name: `heatmap-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}`, title, config: config as unknown as ChartConfiguration };
}

/** A heatmap axis: one unit per parameter value, labelled with the values in order. */
function gridAxis(param: SweepResult['params'][number]): Record<string, unknown> {
  return {
    type: 'linear',
    min: -0.5,
    max: param.values.length - 0.5,
    title: { display: true, text: `${param.path}: ${param.values.map(valueText).join(', ')}` },
    ticks: { stepSize: 1 },
  };
}

function shade(value: number | null, lo: number, hi: number): string {
  if (value === null) return '#dddddd';
  const t = hi > lo ? (value - lo) / (hi - lo) : 0.5;
  const level = Math.round(230 - t * 180);
  return `rgb(${level}, ${level}, 255)`;
}

export function renderSweepHtml(result: SweepResult, specs: ChartSpec[]): string {
  const n = result.seeds.length;
  const figures = shownFigures(result);
  const head = [...result.params.map((p) => p.path), 'instances', ...figures, 'seeds passing', 'SLO'];
  const rows: Cell[][] = result.points.map((p) => [
    ...p.values.map(valueText),
    { text: String(p.instances), className: 'num' },
    ...figures.map((f) => ({ text: formatEstimate(p.figures[f], n), className: 'num' })),
    { text: `${p.seedsPassing}/${n}`, className: 'num' },
    { text: (p.pass ? 'PASS' : 'FAIL') + (result.recommendation?.index === p.index ? ' (recommended)' : ''), className: p.pass ? 'pass' : 'fail' },
  ]);
  const body = `<header><h1>${escapeHtml(`sweep: ${result.scenario}`)}</h1>
<p class="description">${escapeHtml(result.description)}</p>
<p class="meta">${escapeHtml(`queuesim ${result.queuesim}; seeds ${result.seeds.join(', ')}; ` +
    'figures are means over seeds ± the 95% confidence interval (Student t)')}</p></header>
<section><h2>Recommendation</h2><p>${escapeHtml(recommendationLine(result))}</p>
<p>${escapeHtml(`SLO (expect:): ${result.slo.map((s) => s.expr).join(', ') || 'none'}`)}</p></section>
<section><h2>Grid</h2><div style="overflow-x:auto">${tableHtml('summary', head, rows)}</div></section>`;
  return renderPage(`queuesim sweep: ${result.scenario}`, result.queuesim, body, specs);
}
