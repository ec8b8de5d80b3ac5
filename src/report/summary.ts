/**
 * The terminal summary of a finished result: a header line, one table per group, then the
 * expectations with PASS/FAIL.
 *
 * `summaryRows` is shared with the HTML report so both show the same numbers, labelled the
 * same way. Colour is the caller's decision (the CLI turns it off when stdout is not a TTY);
 * with `color: false` the output holds no ANSI escape at all.
 */
import Table from 'cli-table3';
import type { GroupSummary, Result } from '../observe/result.js';
import { formatDuration } from '../sim/units.js';

export interface SummaryOptions {
  color: boolean;
}

/** How a row should stand out when colour is on. */
export type RowTone = 'plain' | 'bad' | 'detail';

export interface SummaryRow {
  label: string;
  value: string;
  tone: RowTone;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
};

/** Renders the summary; the string ends with a newline. */
export function renderSummary(result: Result, opts: SummaryOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [headerLine(result, paint)];
  for (const [name, group] of Object.entries(result.summary.groups)) {
    out.push('', groupTable(name, group, opts.color, paint));
  }
  if (result.expectations.length > 0) out.push('', ...expectationLines(result, paint));
  return `${out.join('\n')}\n`;
}

/** The rows of one group's table, in display order. */
export function summaryRows(group: GroupSummary): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const add = (label: string, value: string, tone: RowTone = 'plain') =>
    rows.push({ label, value, tone });
  const bad = (n: number): RowTone => (n > 0 ? 'bad' : 'plain');
  add('deliveries', formatCount(group.deliveries));
  add('processed', formatCount(group.processed));
  const suppressed = `(+${formatCount(group.duplicatesSuppressed)} suppressed)`;
  add('duplicates', `${formatCount(group.duplicates)} ${suppressed}`, bad(group.duplicates));
  add('redeliveries', formatCount(group.redeliveries));
  if (group.failures > 0) add('handler failures', formatCount(group.failures));
  add('losses', formatCount(group.losses.total), bad(group.losses.total));
  for (const [cause, n] of Object.entries(group.losses.byCause)) {
    add(`  ${cause}`, formatCount(n), 'detail');
  }
  add('dead-lettered', formatCount(group.deadLettered));
  for (const [reason, n] of Object.entries(group.deadLetteredByReason)) {
    add(`  ${reason}`, formatCount(n), 'detail');
  }
  add('ordering violations', formatCount(group.orderingViolations), bad(group.orderingViolations));
  const { p50, p99, max } = group.latencyMs;
  add('latency p50 / p99 / max', [p50, p99, max].map(formatSpan).join(' / '));
  add('max lag', formatCount(group.maxLag));
  add('max oldest age', formatSpan(group.maxOldestAgeMs));
  add('backlog at end', formatCount(group.backlogAtEnd));
  for (const [phase, ms] of Object.entries(group.recoveryMs)) {
    const label = `recovery after ${phase}`;
    if (ms === null) add(label, 'never', 'bad');
    else add(label, formatSpan(ms));
  }
  return rows;
}

/** A duration rounded to what a reader can use: 3 significant figures, whole seconds past a minute. */
export function formatSpan(ms: number): string {
  if (ms >= 60_000) return formatDuration(Math.round(ms / 1000) * 1000);
  if (ms === 0) return formatDuration(0);
  const step = 10 ** (Math.floor(Math.log10(ms)) - 2);
  return formatDuration(Math.round(ms / step) * step);
}

/** Integers with thousands separators (fixed, not locale-dependent); others to 2 decimals. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (!Number.isInteger(n)) return String(Math.round(n * 100) / 100);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** An expectation's measured value as shown to users; `null` means nothing was measured. */
export function formatActual(actual: number | null): string {
  if (actual === null) return 'n/a';
  return Number.isInteger(actual) ? String(actual) : String(Math.round(actual * 1000) / 1000);
}

type Paint = (text: string, ...codes: (keyof typeof ANSI)[]) => string;

function painter(color: boolean): Paint {
  if (!color) return (text) => text;
  return (text, ...codes) => `${codes.map((c) => ANSI[c]).join('')}${text}${ANSI.reset}`;
}

function headerLine(result: Result, paint: Paint): string {
  const s = result.summary;
  const parts = [
    paint(result.scenario, 'bold'),
    `seed ${result.seed}`,
    `simulated ${formatDuration(s.simulatedMs)}`,
    `events ${formatCount(s.events)}`,
    `produced ${formatCount(s.produced)}`,
    `accepted ${formatCount(s.accepted)}`,
  ];
  const causes = Object.entries(s.rejectedByCause).map(([c, n]) => `${c} ${formatCount(n)}`);
  const rejected = `rejected ${formatCount(s.rejected)}`;
  parts.push(causes.length > 0 ? `${rejected} (${causes.join(', ')})` : rejected);
  if (s.duplicateAppends > 0) parts.push(`duplicate appends ${formatCount(s.duplicateAppends)}`);
  return parts.join('  ');
}

function groupTable(name: string, group: GroupSummary, color: boolean, paint: Paint): string {
  const table = new Table({
    head: [name, ''],
    colAligns: ['left', 'right'],
    style: color
      ? { head: ['cyan'], border: ['grey'], compact: true }
      : { head: [], border: [], compact: true },
  });
  for (const row of summaryRows(group)) {
    if (row.tone === 'detail') table.push([paint(row.label, 'dim'), paint(row.value, 'dim')]);
    else if (row.tone === 'bad') table.push([row.label, paint(row.value, 'yellow')]);
    else table.push([row.label, row.value]);
  }
  return table.toString();
}

function expectationLines(result: Result, paint: Paint): string[] {
  const lines = ['expectations'];
  for (const e of result.expectations) {
    const verdict = e.pass ? paint('PASS', 'green', 'bold') : paint('FAIL', 'red', 'bold');
    lines.push(`  ${verdict}  ${e.expr}  (actual ${formatActual(e.actual)})`);
  }
  const failed = result.expectations.filter((e) => !e.pass).length;
  const total = result.expectations.length;
  lines.push(failed === 0 ? `  all ${total} passed` : `  ${failed} of ${total} failed`);
  return lines;
}
