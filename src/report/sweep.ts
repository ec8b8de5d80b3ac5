/**
 * The sweep report: a terminal table of the grid (parameters, each SLO figure as mean ± 95%
 * interval, seeds passing, PASS/FAIL) with the recommendation; charts of each SLO figure
 * against the first parameter, with the interval as a band, the SLO threshold as a line and
 * the Erlang C prediction where the scenario is M/M/c-shaped; for two parameters, heatmaps of
 * pass/fail and of each figure; and the HTML page with all of it. Reads a SweepResult only.
 */
import Table from 'cli-table3';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { PREDICTED_FIGURES, type SweepPoint, type SweepResult } from '../experiments/results.js';
import { CHART_PALETTE, unitTicks, type ChartSpec } from './charts.js';
import { escapeHtml, renderPage, tableHtml, type Cell } from './html.js';
import { INTERVAL_NOTE, formatEstimate } from './estimates.js';
import { figureUnit } from '../observe/figures.js';
import { formatFigure } from './figure-text.js';

const PASS_COLOR = '#59a14f';
const FAIL_COLOR = '#e15759';
const SLO_COLOR = '#d62728';
const THEORY_COLOR = '#333333';
/** The y axis of a capacity chart reaches at most this multiple of the SLO threshold. */
const SLO_AXIS_CAP = 3;

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Figures shown per point: those the SLO reads, else p99 latency and max lag of each group. */
function shownFigures(result: SweepResult): string[] {
  const slo = result.slo.map((s) => s.figure).filter((f): f is string => f !== null);
  const shown = [...new Set(slo)];
  if (shown.length > 0) return shown;
  return result.figureNames.filter((f) => f.split('.').length === 2 && (f.endsWith('.p99LatencyMs') || f.endsWith('.maxLag')));
}

/** `12%`, `—` for none. */
function percent(value: number | null | undefined): string {
  if (value == null) return '—';
  return value < -1 ? 'below -100%' : `${Math.round(value * 100)}%`;
}

function verdictText(result: SweepResult, p: SweepPoint): string {
  const verdict = p.pass ? 'PASS' : 'FAIL';
  if (result.recommendation?.index === p.index) return `${verdict} ◀ recommended`;
  if (result.recommendation?.runnerUp?.index === p.index) return `${verdict} (runner-up)`;
  return verdict;
}

export function renderSweepTable(result: SweepResult, opts: { color: boolean }): string {
  const n = result.seeds.length;
  const figures = shownFigures(result);
  const table = new Table({
    head: [...result.params.map((p) => p.path), 'handlers', ...figures, 'margin', 'utilisation', 'seeds', 'SLO'],
    style: opts.color ? { head: ['bold'], compact: true } : { head: [], border: [], compact: true },
  });
  for (const p of result.points) {
    table.push([...p.values.map(valueText), String(p.handlers ?? p.instances),
      ...figures.map((f) => formatEstimate(p.figures[f], n, figureUnit(f))),
      percent(p.margin), percent(p.utilisation), `${p.seedsPassing}/${n}`, verdictText(result, p)]);
  }
  const shard = result.shard === undefined ? '' : `, shard ${result.shard.index}/${result.shard.count}`;
  const lines = [
    `queuesim ${result.queuesim}: sweep ${result.scenario}, ${result.points.length} of ${result.gridSize} points × ${n} seeds${shard}`,
    table.toString(),
    `SLO: ${result.slo.map((s) => s.expr).join(', ') || '(no expect: lines; every point passes)'}; ` +
      `a point passes when it holds on ${result.quantile === 1 ? 'every seed' : `at least ${Math.ceil(result.quantile * n - 1e-9)} of ${n} seeds`}; ` +
      'margin: the closest any SLO figure comes to its threshold on those seeds',
    ...(n > 1 ? [INTERVAL_NOTE] : []),
    recommendationLine(result),
  ];
  return `${lines.join('\n')}\n`;
}

/** `instances=8 (8 handlers, margin 31%, utilisation 62%)`. */
function pointText(result: SweepResult, p: SweepPoint): string {
  const size = result.recommendation?.by === 'cost'
    ? `cost ${formatFigure('dollars', p.figures.cost?.mean ?? 0)}`
    : `${p.handlers} handler${p.handlers === 1 ? '' : 's'}`;
  return `${p.label} (${size}, margin ${percent(p.margin)}, utilisation ${percent(p.utilisation)})`;
}

export function recommendationLine(result: SweepResult): string {
  if (result.points.length < result.gridSize) return 'recommendation: merge every shard first (queuesim merge)';
  const headroom = percent(result.headroom ?? 0.2);
  const r = result.recommendation;
  if (r === null) {
    const passing = result.points.filter((p) => p.pass);
    if (passing.length === 0) return 'recommendation: none; no point of the grid meets the SLO';
    const closest = passing.reduce((a, b) => ((b.margin ?? 0) > (a.margin ?? 0) ? b : a));
    return `recommendation: none keeps ${headroom} headroom to the SLO; the widest margin is ${pointText(result, closest)}. ` +
      'Extend the grid, or lower --headroom';
  }
  const p = result.points[r.index];
  const rank = r.by === 'cost' ? 'the lowest mean cost' : 'the fewest handlers (instances × concurrency)';
  const runnerUp = r.runnerUp === null ? 'no runner-up' : `runner-up ${pointText(result, result.points[r.runnerUp.index])}`;
  return `recommendation: ${pointText(result, p)}: ${rank} of the points that keep ${headroom} headroom to every SLO threshold; ${runnerUp}`;
}

export function sweepCharts(result: SweepResult): ChartSpec[] {
  const specs: ChartSpec[] = [];
  const figures = shownFigures(result);
  // A figure flat at zero over the whole grid (`backlogAtEnd == 0` met everywhere) says
  // little: its chart goes after those that vary.
  const flat = (f: string) => result.points.every((p) => (p.figures[f]?.mean ?? 0) === 0 && (p.figures[f]?.n ?? 0) === result.seeds.length);
  for (const figure of [...figures.filter((f) => !flat(f)), ...figures.filter(flat)]) specs.push(figureChart(result, figure));
  for (const theory of PREDICTED_FIGURES) {
    if (result.points.some((p) => p.theory != null && p.theory[theory] !== null)) {
      const figure = result.figureNames.find((f) => f.endsWith(`.${theory}`));
      if (figure !== undefined && !figures.includes(figure)) specs.push(figureChart(result, figure));
    }
  }
  if (result.params.length === 2) {
    specs.push(heatmap(result, 'pass', 'SLO met (green) or not (red)', (p) => ({
      color: p.pass ? PASS_COLOR : FAIL_COLOR,
      text: `${p.pass ? 'PASS' : 'FAIL'} ${p.seedsPassing}/${result.seeds.length}`,
    })));
    for (const figure of figures) {
      const unit = figureUnit(figure);
      const values = result.points.map((p) => p.figures[figure]?.mean ?? null).filter((v): v is number => v !== null);
      const [lo, hi] = [Math.min(...values), Math.max(...values)];
      const scale = values.length === 0 ? '' : `; colour from ${formatFigure(unit, lo)} (light) to ${formatFigure(unit, hi)} (dark)`;
      specs.push(heatmap(result, `heat-${figure}`, `${figure}, mean over seeds${scale}`, (p) => {
        const mean = p.figures[figure]?.mean ?? null;
        const undefinedOn = result.seeds.length - (p.figures[figure]?.n ?? 0);
        return {
          color: shade(mean, lo, hi),
          text: mean === null ? 'never' : `${formatFigure(unit, mean)}${undefinedOn > 0 ? ` (${undefinedOn} never)` : ''}`,
          dark: mean !== null && hi > lo && (mean - lo) / (hi - lo) > 0.55,
        };
      }));
    }
  }
  return specs;
}

type Point = { x: number; y: number | null };

/** Which Erlang C prediction a figure has, if any. */
function predicted(figure: string): (typeof PREDICTED_FIGURES)[number] | null {
  return PREDICTED_FIGURES.find((t) => figure.endsWith(`.${t}`)) ?? null;
}

/**
 * One figure against the first parameter: a line per value of the second parameter (if any),
 * the 95% band around each, the SLO threshold, the recommended point, points where the figure
 * was undefined on some seed (a phase that never recovered), and Erlang C where it applies.
 */
function figureChart(result: SweepResult, figure: string): ChartSpec {
  const unit = figureUnit(figure);
  const numeric = result.params[0].values.every((v) => typeof v === 'number');
  const xOf = (p: SweepPoint): number => (numeric ? (p.values[0] as number) : result.params[0].values.indexOf(p.values[0]));
  const series = result.params.length > 1 ? result.params[1].values : [null];
  const datasets: ChartDataset<'line', Point[]>[] = [];
  let top = 0;
  const seen = (y: number | null): number | null => {
    if (y !== null && Number.isFinite(y)) top = Math.max(top, y);
    return y;
  };
  series.forEach((second, s) => {
    const pts = result.points.filter((p) => second === null || p.values[1] === second);
    const color = CHART_PALETTE[s % CHART_PALETTE.length];
    const name = second === null ? figure : `${result.params[1].path}=${valueText(second)}`;
    const at = (f: (p: SweepPoint) => number | null): Point[] => pts.map((p) => ({ x: xOf(p), y: seen(f(p)) }));
    const band = (sign: number) => (p: SweepPoint) => {
      const e = p.figures[figure];
      // Every figure here is a count, a time or a ratio: the band stops at zero.
      return e?.mean === null || e === undefined ? null : Math.max(0, e.mean + sign * (e.ci95 ?? 0));
    };
    // The band: an invisible lower line, and the upper line filled down to it ('-1').
    const bandStyle = { borderWidth: 0, pointRadius: 0, borderColor: `${color}00`, backgroundColor: `${color}33` };
    datasets.push({ label: `${name} (95% band, lower)`, data: at(band(-1)), ...bandStyle, fill: false, legendHidden: true } as ChartDataset<'line', Point[]>);
    datasets.push({ label: `${name}: 95% band`, data: at(band(1)), ...bandStyle, fill: '-1' });
    datasets.push({
      label: name,
      data: at((p) => p.figures[figure]?.mean ?? null),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      pointRadius: 3,
    });
  });
  const theoryKey = predicted(figure);
  if (theoryKey !== null && result.points.some((p) => p.theory != null)) {
    datasets.push({
      label: 'Erlang C (M/M/c)',
      data: result.points.map((p) => ({ x: xOf(p), y: seen(p.theory?.[theoryKey] ?? null) })),
      borderColor: THEORY_COLOR,
      backgroundColor: THEORY_COLOR,
      borderDash: [6, 3],
      borderWidth: 1.5,
      pointRadius: 0,
    });
  }
  const slo = result.slo.find((s) => s.figure === figure && Number.isFinite(s.value));
  if (slo !== undefined) seen(slo.value);
  // A point far past the SLO (an unstable fleet's minutes against a 300 ms SLO) would flatten
  // every point near the threshold, where the decision is: the axis stops at 3× the SLO and
  // such points leave the top of the chart.
  const capped = slo !== undefined && slo.value > 0 && top > slo.value * SLO_AXIS_CAP * 1.5;
  const yTicks = unitTicks(unit, capped ? slo.value * SLO_AXIS_CAP : top * 1.05);
  const ceiling = yTicks.length > 0 ? yTicks[yTicks.length - 1].value : top;
  const never = result.points.filter((p) => (p.figures[figure]?.n ?? 0) < result.seeds.length);
  if (never.length > 0) {
    datasets.push({
      label: 'never recovered (undefined) on some seed',
      data: never.map((p) => ({ x: xOf(p), y: ceiling })),
      borderColor: FAIL_COLOR,
      backgroundColor: FAIL_COLOR,
      showLine: false,
      pointStyle: 'crossRot',
      pointRadius: 8,
      borderWidth: 2,
    });
  }
  const recommended = result.recommendation === null ? undefined : result.points.find((p) => p.index === result.recommendation?.index);
  if (recommended !== undefined) {
    datasets.push({
      label: `recommended: ${recommended.label}`,
      data: [{ x: xOf(recommended), y: recommended.figures[figure]?.mean ?? ceiling }],
      borderColor: '#000000',
      backgroundColor: '#f2c14e',
      showLine: false,
      pointStyle: 'star',
      pointRadius: 12,
      borderWidth: 2,
    });
  }
  const xs = result.points.map(xOf);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const title = `${result.scenario}: ${figure} against ${result.params[0].path} (mean over ${result.seeds.length} seeds` +
    `${capped ? `; axis cut at ${SLO_AXIS_CAP}× the SLO` : ''})`;
  const config: ChartConfiguration<'line', Point[]> = {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      aspectRatio: 2,
      scales: {
        // The whole grid, always: chart.js would otherwise size x by the points inside the
        // y range, and drop the failing points the cut axis leaves above the chart.
        x: numeric
          ? { type: 'linear', min: xMin, max: xMax, title: { display: true, text: result.params[0].path }, ticks: { precision: 0 } }
          : { type: 'linear', min: xMin, max: xMax, title: { display: true, text: `${result.params[0].path} (${result.params[0].values.map(valueText).join(', ')})` } },
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
  return { name: `sweep-${figure.replace(/[^A-Za-z0-9._-]+/g, '_')}`, title, config: config as unknown as ChartConfiguration, yTicks };
}

interface Cell2 {
  color: string;
  text: string;
  /** Dark background: white text. */
  dark?: boolean;
}

/**
 * A two-parameter grid: one box per point on category axes (the parameter values), coloured,
 * with its value printed inside; the recommended point outlined.
 */
function heatmap(result: SweepResult, name: string, what: string, cell: (p: SweepPoint) => Cell2): ChartSpec {
  const [a, b] = result.params;
  const xs = a.values.map(valueText);
  const ys = b.values.map(valueText);
  const title = `${result.scenario}: ${what}`;
  const boxes = result.points.map((p) => {
    const x = a.values.indexOf(p.values[0]);
    const y = b.values.indexOf(p.values[1]);
    const c = cell(p);
    const recommended = result.recommendation?.index === p.index;
    return {
      type: 'box',
      xMin: x - 0.5, xMax: x + 0.5, yMin: y - 0.5, yMax: y + 0.5,
      backgroundColor: c.color,
      borderColor: recommended ? '#000000' : '#ffffff',
      borderWidth: recommended ? 4 : 1,
      label: {
        display: true,
        content: recommended ? [c.text, 'recommended'] : c.text,
        color: c.dark === true ? '#ffffff' : '#222222',
        font: { size: 11 },
      },
    };
  });
  const config = {
    type: 'scatter',
    // One invisible point per cell gives chart.js the category axes to draw.
    data: { datasets: [{ label: what, data: result.points.map((p) => ({ x: valueText(p.values[0]), y: valueText(p.values[1]) })), pointRadius: 0 }] },
    options: {
      animation: false,
      aspectRatio: 2,
      scales: {
        x: { type: 'category', labels: xs, offset: true, grid: { display: false }, title: { display: true, text: a.path } },
        y: { type: 'category', labels: ys, offset: true, reverse: true, grid: { display: false }, title: { display: true, text: b.path } },
      },
      plugins: {
        title: { display: true, text: title, font: { size: 15 } },
        legend: { display: false },
        annotation: { annotations: boxes },
      },
    },
  };
  return { name: `heatmap-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}`, title, config: config as unknown as ChartConfiguration };
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
  // The verdict right after the parameters: it stays on screen however many figures follow.
  // Short headings keep the grid within a 1280 px page: a path's last field, a figure without
  // its group when there is one group (the full names are in the SLO line above).
  const groups = new Set(result.figureNames.filter((f) => f.endsWith('.processed')));
  const short = (f: string): string => (groups.size === 1 && f.includes('.') ? f.slice(f.indexOf('.') + 1) : f);
  const head = [...result.params.map((p) => p.path.replace(/^.*\./, '')), 'SLO', 'seeds', 'handlers', 'margin',
    'utilisation', ...figures.map(short)];
  const rows: Cell[][] = result.points.map((p) => [
    ...p.values.map(valueText),
    { text: verdictText(result, p), className: p.pass ? 'pass' : 'fail' },
    { text: `${p.seedsPassing}/${n}`, className: 'num' },
    { text: String(p.handlers ?? p.instances), className: 'num' },
    { text: percent(p.margin), className: 'num' },
    { text: percent(p.utilisation), className: 'num' },
    ...figures.map((f) => ({ text: formatEstimate(p.figures[f], n, figureUnit(f)), className: 'num' })),
  ]);
  const body = `<header><h1>${escapeHtml(`sweep: ${result.scenario}`)}</h1>
<p class="description">${escapeHtml(result.description)}</p>
<p class="meta">${escapeHtml(`queuesim ${result.queuesim}; seeds ${result.seeds.join(', ')}; ` +
    INTERVAL_NOTE)}</p></header>
<section><h2>Recommendation</h2><p>${escapeHtml(recommendationLine(result))}</p>
<p>${escapeHtml(`SLO (expect:): ${result.slo.map((s) => s.expr).join(', ') || 'none'}`)}</p></section>
<section><h2>Grid</h2><div style="overflow-x:auto">${tableHtml('summary', head, rows)}</div></section>`;
  return renderPage(`queuesim sweep: ${result.scenario}`, result.queuesim, body, specs);
}
