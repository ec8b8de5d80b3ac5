/**
 * `queuesim explain`: one message's life, or every message of a key, told from a run's
 * `history.jsonl.gz` as a timeline a person reads (docs/history.md, "explain").
 *
 * The history is streamed once; only the selected message's lines and the lines about no
 * message (crash, restart, rebalance, assignment, …) are kept, and of those only the ones
 * about the instances and groups that handled the selection are printed.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HISTORY_FILE, readHistoryLines } from '../observe/history-file.js';
import type { HistoryOp } from '../observe/history-check.js';
import { InputError } from '../scenarios/issues.js';
import { formatSpan } from './figure-text.js';

export interface ExplainFlags {
  message?: number;
  key?: string;
}

export async function explainCommand(target: string, flags: ExplainFlags): Promise<string> {
  if ((flags.message === undefined) === (flags.key === undefined)) {
    throw new InputError('explain: give either --message N or --key K');
  }
  const path = historyPath(target);
  const selected: HistoryOp[] = [];
  const context: HistoryOp[] = [];
  let header: HistoryOp | null = null;
  for await (const text of readHistoryLines(path)) {
    const op = parseLine(text, path);
    if (op.op === 'history') header = op;
    else if (op.msg === undefined) context.push(op);
    else if (flags.message !== undefined ? op.msg === flags.message : op.key === flags.key) selected.push(op);
  }
  const what = flags.message !== undefined ? `message ${flags.message}` : `key ${flags.key}`;
  if (selected.length === 0) {
    const filter = header?.filter === undefined ? '' : ` (recorded with filter ${JSON.stringify(header.filter)})`;
    throw new InputError(`explain: ${what} is not in ${path}${filter}`);
  }
  const lines = [title(header, what), ''];
  const merged = mergeByTime(selected, relevant(context, selected));
  lines.push(...merged.map((op) => renderOp(op, flags.key !== undefined)));
  if (flags.key !== undefined) lines.push(...keySummary(selected, context));
  return `${lines.join('\n')}\n`;
}

/** The history file of an output folder, or of the folder holding a result.json. */
function historyPath(target: string): string {
  if (!existsSync(target)) throw new InputError(`explain: ${target} does not exist`);
  const dir = statSync(target).isDirectory() ? target : dirname(target);
  const path = join(dir, HISTORY_FILE);
  if (!existsSync(path)) {
    throw new InputError(`explain: no ${HISTORY_FILE} in ${dir}/: run the scenario with --history (docs/history.md)`);
  }
  return path;
}

function parseLine(text: string, path: string): HistoryOp {
  try {
    return JSON.parse(text) as HistoryOp;
  } catch {
    throw new InputError(`explain: ${path} holds a line that is not JSON: ${text.slice(0, 80)}`);
  }
}

function title(header: HistoryOp | null, what: string): string {
  if (header === null) return what;
  return `${what} in ${String(header.scenario)} (seed ${String(header.seed)}, ${String(header.system)})`;
}

/** Lines about no message that concern an instance or group of the selection, within its span. */
function relevant(context: HistoryOp[], selected: HistoryOp[]): HistoryOp[] {
  const names = new Set<string>();
  for (const op of selected) {
    if (typeof op.instance === 'string') names.add(op.instance);
    if (op.group !== undefined) names.add(op.group);
  }
  const from = selected[0].t;
  const to = selected[selected.length - 1].t;
  return context.filter((op) => op.t >= from && op.t <= to && names.has(String(op.subject ?? op.group)));
}

/** Two time-ordered lists as one; at equal times, `a` first. */
export function mergeByTime(a: HistoryOp[], b: HistoryOp[]): HistoryOp[] {
  const out: HistoryOp[] = [];
  let j = 0;
  for (const op of a) {
    while (j < b.length && b[j].t < op.t) out.push(b[j++]);
    out.push(op);
  }
  return out.concat(b.slice(j));
}

function renderOp(op: HistoryOp, showMessage: boolean): string {
  const who = op.msg === undefined ? ''.padEnd(showMessage ? 16 : 0)
    : showMessage ? `msg ${op.msg} seq ${String(op.seq)}`.padEnd(16) : '';
  const warn = ['loss', 'duplicate', 'ordering-violation'].includes(op.op) ? '!' : ' ';
  return `${warn} ${clock(op.t).padStart(12)}  ${who}${showMessage ? ' ' : ''}${describe(op)}`;
}

/** What one line says, in words. */
export function describe(op: HistoryOp): string {
  const group = op.group === undefined ? '' : ` [${op.group}]`;
  const instance = typeof op.instance === 'string' ? op.instance : 'a consumer';
  const at = op.partition === undefined ? '' : ` (${String(op.partition)} offset ${String(op.offset)})`;
  switch (op.op) {
    case 'publish': return `published by ${String(op.producer)}${op.key === undefined ? '' : ` with key ${op.key} (seq ${String(op.seq)})`}`;
    case 'accepted': return 'accepted: the producer got its acknowledgement';
    case 'rejected': return `rejected: ${String(op.cause)}`;
    case 'duplicate-append': return `stored again by a producer retry${at}`;
    case 'enqueue': return op.partition === undefined ? `enqueued${group}` : `appended to ${String(op.partition)} at offset ${String(op.offset)}${group}`;
    case 'deliver': return `delivered to ${instance} (${ordinal(op.attempt ?? 1)} delivery, redelivered=${String(op.redelivered)})${at}${group}`;
    case 'process-start': return `handling started by ${instance} (service ${formatSpan(Number(op.serviceMs))})${at}${group}`;
    case 'visibility-change': return `visibility extended by ${instance}: hidden for ${formatSpan(Number(op.timeoutMs))} from now${group}`;
    case 'visibility-expired': return `visibility timeout expired: visible again${typeof op.instance === 'string' ? ` (${op.instance} still held it)` : ''}${group}`;
    case 'process': return `processed by ${instance}${op.replay === true ? ' (replay after a seek back)' : ''}${at}${group}`;
    case 'handler-failed': return `handler failed on ${instance}: no effect applied${group}`;
    case 'suppressed': return `redelivery recognised by ${instance}: effect not applied again${group}`;
    case 'ack': return `acked by ${instance}${group}`;
    case 'delete': return `deleted (DeleteMessage) by ${instance}${group}`;
    case 'commit': return `offset ${String(op.offset)} of ${String(op.partition)} committed${group}`;
    case 'abandon': return `${instance} went down holding it${group}`;
    case 'dead-letter': return `dead-lettered: ${String(op.reason)} (death count ${String(op.deaths)})${group}`;
    case 'withdraw': return `stored copy withdrawn: cut from the log by a leader election${at}${group}`;
    case 'drop': return `dropped: ${String(op.cause)}${at}${group}`;
    case 'loss': return `LOSS: can no longer be processed (${String(op.cause)})${group}`;
    case 'duplicate': return `DUPLICATE EFFECT: processed again by ${instance}${group}`;
    case 'ordering-violation': return `ORDERING VIOLATION: seq ${String(op.afterSeq)} of its key was processed before${group}`;
    case 'assignment': return `assignment of ${String(op.group)}: ${assignment(op.members)}`;
  }
  return `${String(op.subject)}: ${op.op}${op.detail === undefined ? '' : ` (${String(op.detail)})`}`;
}

function assignment(members: unknown): string {
  const entries = Object.entries((members ?? {}) as Record<string, string[]>);
  return entries.map(([m, ps]) => `${m} ← ${ps.length === 0 ? 'nothing' : ps.join(',')}`).join('; ');
}

/**
 * For each message of the key processed more than once: when, by whom, and why, read from
 * the lines around it: the first holder went down (or the group rebalanced) before the
 * message was acknowledged or its offset committed.
 */
function keySummary(selected: HistoryOp[], context: HistoryOp[]): string[] {
  const out: string[] = [];
  const processed = new Map<string, HistoryOp>();
  const acked = new Set<string>();
  let violations = 0;
  for (const op of selected) {
    const id = `${op.group}:${op.msg}`;
    if (op.op === 'ordering-violation') violations++;
    if (op.op === 'ack' || op.op === 'commit' || op.op === 'delete') acked.add(id);
    if (op.op !== 'process') continue;
    const first = processed.get(id);
    if (first === undefined || op.replay === true) {
      processed.set(id, op);
      continue;
    }
    out.push(`  msg ${op.msg}${at(op)}: processed by ${String(first.instance)} at ${clock(first.t)} ` +
      `and again by ${String(op.instance)} at ${clock(op.t)}; ${why(first, op, acked.has(id), context)}`);
  }
  const heading = [`${out.length} processed twice, ${violations} ordering violation(s) in this key`];
  return ['', ...heading, ...out];
}

function at(op: HistoryOp): string {
  return op.partition === undefined ? '' : ` (${String(op.partition)} offset ${String(op.offset)})`;
}

function why(first: HistoryOp, again: HistoryOp, acked: boolean, context: HistoryOp[]): string {
  const between = context.filter((c) => c.t >= first.t && c.t <= again.t);
  const down = between.find((c) => c.subject === first.instance && ['crash', 'leave', 'connection-lost', 'consumer-timeout'].includes(c.op));
  const rebalance = between.find((c) => c.op === 'rebalance' && c.subject === first.group);
  const done = acked
    ? 'after it was acknowledged'
    : first.partition === undefined
      ? 'before it was acknowledged'
      : `before offset ${String(first.offset)} of ${String(first.partition)} was committed, so the partition's next reader started from the last committed offset`;
  if (down !== undefined) {
    return `why: ${String(first.instance)} had a ${down.op} at ${clock(down.t)} ${done}`;
  }
  if (rebalance !== undefined) {
    return `why: the group rebalanced at ${clock(rebalance.t)} (${String(rebalance.detail)}) ${done}`;
  }
  return `why: it was delivered again ${done}`;
}

/**
 * Simulated time as a clock: 10:02.113 (m:ss.mmm), 1:10:02.113 past an hour. Fractions of a
 * millisecond are cut; the history's `t` keeps them.
 */
export function clock(ms: number): string {
  const whole = Math.floor(ms);
  const millis = String(whole % 1000).padStart(3, '0');
  const seconds = Math.floor(whole / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = String(seconds % 60).padStart(2, '0');
  const tail = `${secs}.${millis}`;
  return hours === 0 ? `${minutes}:${tail}` : `${hours}:${String(minutes).padStart(2, '0')}:${tail}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}
