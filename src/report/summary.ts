/**
 * The terminal summary of a finished result: a header line, one table per group, then the
 * expectations with PASS/FAIL.
 *
 * `summaryRows` is shared with the HTML report so both show the same numbers, labelled the
 * same way. Colour is the caller's decision (the CLI turns it off when stdout is not a TTY);
 * with `color: false` the output holds no ANSI escape at all.
 */
import Table from 'cli-table3';
import type { BrokerFigures, CostSummary, DirectFigures, GroupSummary, Result, Summary } from '../observe/result.js';
import { formatDuration } from '../scenarios/units.js';
import { figureUnit } from '../observe/figures.js';
import { formatFigure, formatSpan } from './figure-text.js';

export { formatSpan };

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
  if (result.broker !== undefined) out.push('', consumerTable(result.broker, opts.color));
  if (result.summary.assignments !== undefined) out.push('', ...assignmentLines(result, paint));
  if (result.cost !== undefined) out.push('', ...costLines(result.cost, paint));
  if (result.direct !== undefined) out.push('', ...directLines(result.direct, paint));
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
  if ((group.replayed ?? 0) > 0) add('replayed', formatCount(group.replayed ?? 0));
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
  const { p50, p99, max, count } = group.latencyMs;
  // No processed message has no latency, not a latency of 0.
  add('latency p50 / p99 / max', count === 0 ? '— (none processed)' : [p50, p99, max].map(formatSpan).join(' / '));
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

/** Integers with thousands separators (fixed, not locale-dependent); others to 2 decimals. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (!Number.isInteger(n)) return String(Math.round(n * 100) / 100);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * An expectation's measured value as shown to users, in its figure's unit (`2m29s`, `0.4%`);
 * `null` means nothing was measured.
 */
export function formatActual(actual: number | null, figure?: string): string {
  if (actual === null) return 'n/a';
  if (figure !== undefined) return formatFigure(figureUnit(figure), actual);
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
  if (s.awaitingAck > 0) parts.push(`awaiting ack ${formatCount(s.awaitingAck)}`);
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

/** Managed-queue cost: requests by action, empty receives and dollars, overall and per queue. */
export function costLines(cost: CostSummary, paint: Paint = (text) => text): string[] {
  const perMillion = cost.dollarsPerMillionProcessed;
  const lines = [
    `${paint('cost', 'bold')}  ${formatDollars(cost.dollars)}  ` +
      `(${perMillion === null ? 'n/a' : formatDollars(perMillion)} per million processed)  ` +
      `billed requests ${formatCount(cost.billedRequests)}  empty receives ${formatCount(cost.emptyReceives)}`,
  ];
  const calls = Object.entries(cost.requestsByAction).map(([a, n]) => `${a} ${formatCount(n)}`);
  lines.push(`  requests: ${calls.join(', ')}`);
  const throttled = Object.entries(cost.throttledByAction).map(([a, n]) => `${a} ${formatCount(n)}`);
  if (throttled.length > 0) lines.push(`  throttled: ${throttled.join(', ')}`);
  if (cost.overLimit > 0) lines.push(`  OverLimit receives: ${formatCount(cost.overLimit)}`);
  for (const [name, q] of Object.entries(cost.queues)) {
    const moved = [
      q.redriven > 0 ? `to DLQ ${formatCount(q.redriven)}` : '',
      q.expired > 0 ? `expired ${formatCount(q.expired)}` : '',
      q.deduplicated > 0 ? `deduplicated ${formatCount(q.deduplicated)}` : '',
    ].filter((t) => t !== '');
    lines.push(`  ${name}: ${formatDollars(q.dollars)}, ${formatCount(q.billedRequests)} billed requests, ` +
      `${formatCount(q.emptyReceives)} empty receives${moved.length > 0 ? `, ${moved.join(', ')}` : ''}`);
  }
  return lines;
}

/** Direct calls: the downstream's load and the calls that failed at the peak. */
export function directLines(direct: DirectFigures, paint: Paint = (text) => text): string[] {
  const percent = (u: number): string => `${Math.round(u * 1000) / 10}%`;
  const lines = [
    `${paint('downstream', 'bold')}  utilisation mean ${percent(direct.meanUtilisation)}, ` +
      `max ${percent(direct.maxUtilisation)}  most callers waiting ${formatCount(direct.maxWaiting)}`,
  ];
  const attempts = Object.entries(direct.failedAttemptsByCause).map(([c, n]) => `${c} ${formatCount(n)}`);
  if (attempts.length > 0) lines.push(`  failed attempts (retries included): ${attempts.join(', ')}`);
  for (const [phase, n] of Object.entries(direct.failedDuringPhase)) {
    lines.push(`  calls failed during ${phase}: ${formatCount(n)}`);
  }
  return lines;
}

/** Dollars with 4 significant figures: request costs are often fractions of a cent. */
function formatDollars(dollars: number): string {
  return dollars === 0 ? '$0' : `$${Number(dollars.toPrecision(4))}`;
}

/** A broker's deliveries per consumer instance: where prefetch sent the work. */
function consumerTable(broker: BrokerFigures, color: boolean): string {
  const table = new Table({
    head: ['consumer', 'queue', 'deliveries', 'redeliveries'],
    colAligns: ['left', 'left', 'right', 'right'],
    style: color
      ? { head: ['cyan'], border: ['grey'], compact: true }
      : { head: [], border: [], compact: true },
  });
  for (const [name, c] of Object.entries(broker.consumers)) {
    table.push([name, c.queue, formatCount(c.deliveries), formatCount(c.redeliveries)]);
  }
  return table.toString();
}

/** A log's assignment at the end: each member's partitions (idle members show none). */
function assignmentLines(result: Result, paint: Paint): string[] {
  const lines = [paint('assignment at the end', 'bold')];
  for (const [group, members] of Object.entries(result.summary.assignments ?? {})) {
    for (const [member, partitions] of Object.entries(members)) {
      lines.push(`  ${group}  ${member}: ${partitions.length === 0 ? '(idle)' : partitions.join(', ')}`);
    }
  }
  return lines;
}

function expectationLines(result: Result, paint: Paint): string[] {
  const lines = ['expectations'];
  for (const e of result.expectations) {
    const verdict = e.pass ? paint('PASS', 'green', 'bold') : paint('FAIL', 'red', 'bold');
    lines.push(`  ${verdict}  ${e.expr}  (actual ${formatActual(e.actual, e.figure)})`);
  }
  const failed = result.expectations.filter((e) => !e.pass).length;
  const total = result.expectations.length;
  lines.push(failed === 0 ? `  all ${total} passed` : `  ${failed} of ${total} failed`);
  return lines;
}
