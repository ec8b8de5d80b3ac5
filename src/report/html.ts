/**
 * The HTML report: one self-contained file that opens offline. Chart.js and the annotation
 * plugin are inlined from node_modules, the chart data travels as JSON in a
 * `<script type="application/json">`, and a small inline script attaches the tick labels and
 * draws the same charts that `charts.ts` renders to PNG.
 *
 * Everything that comes from a result (names, expressions, the scenario source) is untrusted
 * text: it is HTML-escaped in markup, and `<` is escaped as `\u003c` inside the JSON so that no
 * `</script` or `<!--` can end or confuse the data block.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GroupSummary, Result } from '../observe/result.js';
import { formatClock, formatDuration } from '../scenarios/units.js';
import { type ChartSpec, clockTicks } from './charts.js';
import { costLines, directLines, formatActual, formatCount, formatSpan, summaryRows } from './summary.js';

/** Drawn lives of anomaly examples (lives.ts): the section and the example ids it draws. */
export interface LivesHtml {
  section: string;
  drawn: Set<number>;
}

/** Renders the whole report page. */
export function renderHtml(result: Result, specs: ChartSpec[], lives?: LivesHtml): string {
  const before = [headerSection(result), summarySection(result), systemSection(result), expectationsSection(result)];
  const after = `${timelineSection(result)}
${anomaliesSection(result, lives?.drawn)}
${lives?.section ?? ''}
<section>
<h2>Scenario source</h2>
<pre class="source">${escapeHtml(result.source)}</pre>
</section>`;
  return renderPage(`queuesim report: ${result.scenario}`, result.queuesim, before.join('\n'), specs, after);
}

/**
 * A report page (run, compare, sweep): the same style, libraries and chart script, with the
 * charts between `body` and `after`. Both are trusted HTML built with `escapeHtml`.
 */
export function renderPage(title: string, version: string, body: string, specs: ChartSpec[], after = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="queuesim ${escapeHtml(version)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
${specs.length > 0 ? chartsSection(specs) : ''}
${after}
<script type="application/json" id="queuesim-data">${jsonForHtml(chartData(specs))}</script>
<script>${inlineScript(libraries().chartJs)}</script>
<script>${inlineScript(libraries().annotation)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` become
 * `\u003c`, `\u003e`, `\u0026` (still valid JSON, parsed back to the same strings), so the data
 * can hold neither `</script` nor `<!--`.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
}

/** Library code inlined in a `<script>`: make sure it cannot close the element early. */
function inlineScript(code: string): string {
  return code.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

// ---------------------------------------------------------------------------------------------
// Inlined libraries
// ---------------------------------------------------------------------------------------------

interface Libraries {
  chartJs: string;
  annotation: string;
}

let cachedLibraries: Libraries | undefined;

/**
 * The UMD builds, read once. chart.js's `exports` map hides `dist/chart.umd.min.js` from
 * `require.resolve`, so resolve each package's entry and take the file from the same folder.
 */
function libraries(): Libraries {
  if (cachedLibraries === undefined) {
    const require = createRequire(import.meta.url);
    const sibling = (pkg: string, file: string) =>
      readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8');
    cachedLibraries = {
      chartJs: sibling('chart.js', 'chart.umd.min.js'),
      annotation: sibling('chartjs-plugin-annotation', 'chartjs-plugin-annotation.min.js'),
    };
  }
  return cachedLibraries;
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

function headerSection(result: Result): string {
  const s = result.summary;
  const m = result.meta;
  const facts: [string, string][] = [
    ['seed', String(result.seed)],
    ['system', m.systemType],
    ['simulated', formatDuration(s.simulatedMs)],
    ['events', formatCount(s.events)],
    ['produced', formatCount(s.produced)],
    ['accepted', formatCount(s.accepted)],
    ['rejected', formatCount(s.rejected)],
  ];
  for (const [cause, n] of Object.entries(s.rejectedByCause)) {
    facts.push([`rejected: ${cause}`, formatCount(n)]);
  }
  if (s.awaitingAck > 0) facts.push(['awaiting ack at the end', formatCount(s.awaitingAck)]);
  if (s.duplicateAppends > 0) facts.push(['duplicate appends', formatCount(s.duplicateAppends)]);
  const meta = [
    `queuesim ${result.queuesim}`,
    `node ${m.node}`,
    `scenario ${m.scenarioHash}`,
    `duration ${formatDuration(m.durationMs)}`,
    `drain ${formatDuration(m.drainMs)}`,
    `sampled every ${formatDuration(m.sampleEveryMs)}`,
  ];
  return `<header>
<h1>${escapeHtml(result.scenario)}</h1>
<p class="description">${escapeHtml(result.description)}</p>
<dl class="facts">${facts.map(factHtml).join('')}</dl>
<p class="meta">${meta.map(escapeHtml).join(' · ')}</p>
</header>`;
}

function factHtml([name, value]: [string, string]): string {
  return `<div><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd></div>`;
}

function summarySection(result: Result): string {
  const groups = Object.entries(result.summary.groups);
  if (groups.length === 0) return '<section><h2>Groups</h2><p>No consumer groups.</p></section>';
  const rowsByGroup = groups.map(([, g]) => new Map(htmlRows(g).map((r) => [r.label, r])));
  const labels = mergeOrdered(groups.map(([, g]) => htmlRows(g).map((r) => r.label)));
  const head = groups.map(([name]) => `<th scope="col">${escapeHtml(name)}</th>`).join('');
  const body = labels.map((label) => {
    const cells = rowsByGroup.map((rows) => {
      const row = rows.get(label);
      if (row === undefined) return '<td class="num empty">–</td>';
      return `<td class="num ${row.tone}">${escapeHtml(row.value)}</td>`;
    });
    const detail = label.startsWith('  ') ? ' class="detail"' : '';
    return `<tr${detail}><th scope="row">${escapeHtml(label.trim())}</th>${cells.join('')}</tr>`;
  });
  return `<section>
<h2>Groups</h2>
<table class="summary"><thead><tr><th></th>${head}</tr></thead>
<tbody>${body.join('\n')}</tbody></table>
</section>`;
}

/** The terminal rows plus the latency detail a page has room for. */
function htmlRows(group: GroupSummary): ReturnType<typeof summaryRows> {
  const rows = summaryRows(group);
  const at = rows.findIndex((r) => r.label.startsWith('latency'));
  const l = group.latencyMs;
  const q = group.queueWaitMs;
  const row = (label: string, values: number[], count: number) => ({
    label,
    value: count === 0 ? '—' : values.map(formatSpan).join(' / '),
    tone: 'plain' as const,
  });
  rows.splice(
    at + 1,
    0,
    row('latency p90 / p99.9 / mean', [l.p90, l.p999, l.mean], l.count),
    row('queue wait p50 / p99 / max', [q.p50, q.p99, q.max], q.count),
  );
  return rows;
}

/** Merges label lists, keeping each list's order: labels new to a list follow their predecessor. */
function mergeOrdered(lists: string[][]): string[] {
  const merged: string[] = [];
  for (const list of lists) {
    let insertAt = 0;
    for (const label of list) {
      const found = merged.indexOf(label);
      if (found >= 0) {
        insertAt = found + 1;
      } else {
        merged.splice(insertAt, 0, label);
        insertAt += 1;
      }
    }
  }
  return merged;
}

function expectationsSection(result: Result): string {
  if (result.expectations.length === 0) return '';
  const rows = result.expectations.map((e): Cell[] => [
    e.pass ? { text: 'PASS', className: 'pass' } : { text: 'FAIL', className: 'fail' },
    { text: e.expr, className: 'expr' },
    num(formatActual(e.actual, e.figure)),
  ]);
  return `<section>
<h2>Expectations</h2>
${tableHtml('expectations', ['verdict', 'expectation', 'actual'], rows)}
</section>`;
}

/** A system's own figures (a managed queue's cost, a direct call's downstream), as in the terminal. */
function systemSection(result: Result): string {
  const lines = [
    ...(result.cost === undefined ? [] : costLines(result.cost)),
    ...(result.direct === undefined ? [] : directLines(result.direct)),
  ];
  if (lines.length === 0) return '';
  const heading = result.cost === undefined ? 'Downstream' : 'Cost';
  return `<section>
<h2>${heading}</h2>
<pre class="system-figures">${escapeHtml(lines.join('\n'))}</pre>
</section>`;
}

function chartsSection(specs: ChartSpec[]): string {
  const figures = specs.map((spec, i) => {
    const label = escapeHtml(spec.title);
    return `<figure class="chart"><div class="chart-box">
<canvas id="chart-${i}" role="img" aria-label="${label}"></canvas>
</div></figure>`;
  });
  return `<section>
<h2>Charts</h2>
${figures.join('\n')}
</section>`;
}

/** Timeline kinds with their own colour; any other kind is shown plain. */
const KIND_CLASSES: Record<string, string> = { crash: 'crash', restart: 'restart' };

/** Timeline rows shown open; the rest fold into a <details>, which holds at most TIMELINE_FOLDED. */
const TIMELINE_OPEN = 30;
const TIMELINE_FOLDED = 1000;

/**
 * The timeline, capped: a crash loop logs thousands of entries, which would make a page many
 * screens long. Counts per kind first, the first entries open, the next ones folded, and the
 * rest left to result.json.
 */
function timelineSection(result: Result): string {
  const timeline = result.timeline;
  if (timeline.length === 0) return '';
  const head = ['time', 'what', 'subject', 'detail'];
  const rows = (entries: typeof timeline): Cell[][] => entries.map((e): Cell[] => [
    num(formatClock(e.tMs)),
    { text: e.kind, className: KIND_CLASSES[e.kind] ?? '' },
    e.subject,
    e.detail ?? '',
  ]);
  if (timeline.length <= TIMELINE_OPEN) {
    return `<section>\n<h2>Timeline</h2>\n${tableHtml('timeline', head, rows(timeline))}\n</section>`;
  }
  const kinds = new Map<string, { count: number; firstMs: number; lastMs: number }>();
  for (const e of timeline) {
    const k = kinds.get(e.kind);
    if (k === undefined) kinds.set(e.kind, { count: 1, firstMs: e.tMs, lastMs: e.tMs });
    else Object.assign(k, { count: k.count + 1, lastMs: e.tMs });
  }
  const counts = tableHtml('timeline-counts', ['what', 'entries', 'first', 'last'], [...kinds].map(([kind, k]): Cell[] => [
    { text: kind, className: KIND_CLASSES[kind] ?? '' }, num(String(k.count)), num(formatClock(k.firstMs)), num(formatClock(k.lastMs)),
  ]));
  const folded = timeline.slice(TIMELINE_OPEN, TIMELINE_OPEN + TIMELINE_FOLDED);
  const left = timeline.length - TIMELINE_OPEN - folded.length;
  const rest = left > 0 ? `<p class="meta">${left} later entries are in result.json (<code>timeline</code>).</p>` : '';
  return `<section>
<h2>Timeline</h2>
<p class="meta">${timeline.length} entries; by kind:</p>
${counts}
<p class="meta">The first ${TIMELINE_OPEN}:</p>
${tableHtml('timeline', head, rows(timeline.slice(0, TIMELINE_OPEN)))}
<details><summary>${folded.length} more entries</summary>
${tableHtml('timeline', head, rows(folded))}
${rest}</details>
</section>`;
}

/** Examples whose life the page draws (`run --history`) link to it. */
function anomaliesSection(result: Result, drawn?: Set<number>): string {
  const groups = Object.entries(result.anomalies).filter(([, list]) => list.length > 0);
  if (groups.length === 0) return '';
  const head = ['kind', 'time', 'message', 'key', 'seq', 'detail'];
  const tables = groups.map(([group, list]) => {
    const rows = list.map((a): Cell[] => [
      a.kind,
      num(formatClock(a.tMs)),
      drawn?.has(a.messageId) ? { text: String(a.messageId), className: 'num', href: `#life-${a.messageId}` } : num(String(a.messageId)),
      a.key ?? '(none)',
      num(String(a.seq)),
      a.detail,
    ]);
    return `<h3>${escapeHtml(group)}</h3>\n${tableHtml('anomalies', head, rows)}`;
  });
  return `<section>
<h2>Anomalies (first examples)</h2>
${tables.join('\n')}
</section>`;
}

/** A table cell: plain text, or text with a class from this module (never from the result). */
export type Cell = string | { text: string; className: string; href?: string };

const num = (text: string): Cell => ({ text, className: 'num' });

export function tableHtml(className: string, head: string[], rows: Cell[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('\n');
  const thead = `<thead><tr>${th}</tr></thead>`;
  return `<table class="${className}">${thead}\n<tbody>${body}</tbody></table>`;
}

function cellHtml(cell: Cell): string {
  if (typeof cell === 'string') return `<td>${escapeHtml(cell)}</td>`;
  const cls = cell.className === '' ? '' : ` class="${cell.className}"`;
  const text = escapeHtml(cell.text);
  return `<td${cls}>${cell.href === undefined ? text : `<a href="${escapeHtml(cell.href)}">${text}</a>`}</td>`;
}

// ---------------------------------------------------------------------------------------------
// Page data and script
// ---------------------------------------------------------------------------------------------

interface PageChart {
  name: string;
  title: string;
  config: ChartSpec['config'];
  /** The x-axis ticks with their `formatClock` labels, as the PNG shows them. */
  xTicks: ReturnType<typeof clockTicks>;
  /** The y-axis ticks in human units, as the PNG shows them (empty: chart.js's own). */
  yTicks: ReturnType<typeof clockTicks>;
}

function chartData(specs: ChartSpec[]): { charts: PageChart[] } {
  const charts = specs.map((spec) => ({
    name: spec.name,
    title: spec.title,
    config: spec.config,
    xTicks: clockTicks(spec.config),
    yTicks: spec.yTicks ?? [],
  }));
  return { charts };
}

/**
 * Runs in the browser: parse the data, attach the tick functions (as `withTickFormatters` does
 * in Node), draw each chart into `#chart-<i>`. `data-charts-ready` tells tests it is done.
 */
const PAGE_SCRIPT = `
(function () {
  'use strict';
  // Tooltips only (axis labels come from the precomputed xTicks): the same text as
  // formatClock in src/scenarios/units.ts, +m:ss or +h:mm:ss in whole seconds.
  function clock(ms) {
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    var text = h > 0 ? h + ':' + pad(m) + ':' + pad(s % 60) : m + ':' + pad(s % 60);
    return (ms < 0 ? '-' : '+') + text;
  }
  var data = JSON.parse(document.getElementById('queuesim-data').textContent);
  Chart.defaults.font.family = "'DejaVu Sans', system-ui, sans-serif";
  Chart.defaults.color = '#333333';
  var drawn = 0;
  data.charts.forEach(function (chart, i) {
    try {
      var config = chart.config;
      // As hideFromLegend in charts.ts: a band's lower edge has no legend entry.
      config.options.plugins = config.options.plugins || {};
      var legend = config.options.plugins.legend = config.options.plugins.legend || {};
      legend.labels = Object.assign({}, legend.labels, {
        filter: function (item) { var d = config.data.datasets[item.datasetIndex]; return !(d && d.legendHidden); }
      });
      if (chart.yTicks.length > 0) {
        var yLabels = new Map(chart.yTicks.map(function (t) { return [t.value, t.label]; }));
        var y = config.options.scales.y;
        y.min = chart.yTicks[0].value;
        y.max = chart.yTicks[chart.yTicks.length - 1].value;
        y.afterBuildTicks = function (axis) {
          axis.ticks = chart.yTicks.map(function (t) { return { value: t.value }; });
        };
        y.ticks = Object.assign({}, y.ticks, {
          callback: function (value) { var l = yLabels.get(Number(value)); return l === undefined ? String(value) : l; }
        });
      }
      // Charts over simulated time carry clock ticks; others (bars, a swept parameter) don't.
      if (chart.xTicks.length > 0) {
        var labels = new Map(chart.xTicks.map(function (t) { return [t.value, t.label]; }));
        var x = config.options.scales.x;
        x.afterBuildTicks = function (axis) {
          axis.ticks = chart.xTicks.map(function (t) { return { value: t.value }; });
        };
        x.ticks = Object.assign({}, x.ticks, {
          callback: function (value) {
            var label = labels.get(Number(value));
            return label === undefined ? clock(value) : label;
          }
        });
        config.options.plugins = config.options.plugins || {};
        config.options.plugins.tooltip = {
          callbacks: {
            title: function (items) { return items.length ? clock(items[0].parsed.x) : ''; }
          }
        };
      }
      new Chart(document.getElementById('chart-' + i), config);
      drawn += 1;
    } catch (err) {
      console.error('queuesim: chart ' + chart.name + ' failed: ' + (err && err.stack || err));
    }
  });
  document.documentElement.setAttribute('data-charts-ready', String(drawn));
})();
`;

const STYLE = `
:root { color-scheme: light; --fg: #222; --muted: #666; --line: #ddd; --bad: #b45309; }
* { box-sizing: border-box; }
body { font-family: 'DejaVu Sans', system-ui, sans-serif; color: var(--fg); margin: 0 auto;
  max-width: 1240px; padding: 20px; line-height: 1.4; background: #fff; }
h1 { margin: 0 0 4px; font-size: 1.6em; }
h2 { margin-top: 32px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.description { margin: 0 0 12px; color: var(--muted); }
.facts { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 0; }
.facts div { display: flex; gap: 6px; } .facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: bold; }
.meta { color: var(--muted); font-size: 0.85em; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid #bbb; } table.summary thead th { text-align: right; }
table.summary { font-size: 0.85em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bad { color: var(--bad); font-weight: bold; } td.empty { color: #bbb; }
tr.detail th { padding-left: 28px; font-weight: normal; color: var(--muted); }
tr.detail td { color: var(--muted); }
td.pass { color: #15803d; font-weight: bold; white-space: nowrap; } td.fail { color: #b91c1c; font-weight: bold; white-space: nowrap; }
td.crash { color: #b91c1c; } td.restart { color: #15803d; } td.expr { font-family: monospace; }
.chart { margin: 16px 0; } .chart-box { position: relative; width: 100%; max-width: 1000px; }
details > summary { cursor: pointer; color: var(--muted); margin: 8px 0; }
pre.source { background: #f6f6f6; padding: 12px; overflow-x: auto; border: 1px solid var(--line); }
`;
