/**
 * Saved results read back from disk (`queuesim report`, `merge`, `sweep --resume`):
 * result.json, compare.json, sweep.json and the lines of a sweep's journal (points.jsonl).
 * A file may be hand-edited, truncated or crafted, so each is checked against a schema of its
 * contract (observe/result.ts, results.ts, runner.ts) before a renderer touches it; a bad one
 * is an InputError naming the file, the line:column and path of the first problems, and
 * what was expected, never a TypeError from deep inside a chart.
 *
 * The schemas only check: the file's own object is what the caller gets, so fields a newer
 * version added survive a `report` that rewrites result.json.
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { formatIssue, InputError, valueAt, type PathKey, type ScenarioIssue } from '../scenarios/issues.js';
import type { GroupSummary, Result, Summary } from '../observe/result.js';
import type { CompareResult, SweepPoint, SweepResult, VariantOutcome } from './results.js';
import type { RunDigest } from './runner.js';

const count = z.number().int().nonnegative();
const num = z.number();
const maybe = num.nullable();
const numbers = z.record(z.string(), num);
const texts = z.array(z.string());

const latency = z.object({ count, p50: num, p90: num, p99: num, p999: num, max: num, mean: num });

const group = z.object({
  deliveries: num,
  processed: num,
  duplicates: num,
  duplicatesSuppressed: num,
  redeliveries: num,
  replayed: num.optional(),
  failures: num,
  losses: z.object({ total: num, byCause: numbers }),
  deadLettered: num,
  deadLetteredByReason: numbers,
  backlogAtEnd: num,
  orderingViolations: num,
  maxLag: num,
  maxOldestAgeMs: num,
  latencyMs: latency,
  queueWaitMs: latency,
  waited: num,
  utilisation: maybe,
  availability: maybe,
  instanceSeconds: num,
  recoveryMs: z.record(z.string(), maybe),
  latencyByPhaseMs: z.record(z.string(), latency).optional(),
});

const partition = z.object({
  records: num,
  logStartOffset: num,
  maxLag: num,
  owners: z.record(z.string(), z.string().nullable()),
  leader: maybe,
  isr: z.array(num),
});

const summary = z.object({
  produced: num,
  accepted: num,
  rejected: num,
  rejectedByCause: numbers,
  awaitingAck: num,
  duplicateAppends: num,
  simulatedMs: num,
  events: num,
  groups: z.record(z.string(), group),
  partitions: z.record(z.string(), partition).optional(),
  assignments: z.record(z.string(), z.record(z.string(), texts)).optional(),
});

const values = z.array(maybe);
const bySubject = z.record(z.string(), values);

/** Every series has one value per sample time: the charts and the CSV index them by `tMs`. */
const series = z.object({ tMs: z.array(num) }).catchall(z.union([z.array(num), bySubject])).superRefine((s, ctx) => {
  for (const [metric, value] of Object.entries(s)) {
    if (metric === 'tMs') continue;
    const lines: [PathKey[], unknown[]][] = Array.isArray(value)
      ? [[[metric], value]]
      : Object.entries(value).map(([subject, v]) => [[metric, subject], v]);
    for (const [path, line] of lines) {
      if (line.length !== s.tMs.length) {
        ctx.addIssue({ code: 'custom', path, message: `expected ${s.tMs.length} values (one per tMs), got ${line.length}` });
      }
    }
  }
});

const phase = z.object({ name: z.string(), producer: z.string(), startMs: num, endMs: num });
const timelineEntry = z.object({ tMs: num, kind: z.string(), subject: z.string(), detail: z.string().optional() });

const anomaly = z.object({
  kind: z.enum(['duplicate', 'loss', 'ordering-violation']),
  tMs: num,
  messageId: num,
  key: z.string().nullable(),
  seq: num,
  detail: z.string(),
});

const expectation = z.object({
  expr: z.string(),
  figure: z.string(),
  op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  threshold: num,
  actual: maybe,
  pass: z.boolean(),
});

/** A chart's name becomes a file name: a plain one, so `../../x` cannot leave the folder. */
const fileStem = z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'expected a plain file name (letters, digits, ".", "_", "-")');

const chart = z.object({
  name: fileStem,
  title: z.string(),
  yLabel: z.string(),
  metrics: texts,
  stacked: z.boolean().optional(),
});

const requests = z.object({ requestsByAction: numbers, billedRequests: num, emptyReceives: num, dollars: num });

const cost = requests.extend({
  throttledByAction: numbers,
  overLimit: num,
  dollarsPerMillionProcessed: maybe,
  queues: z.record(z.string(), requests.extend({ redriven: num, deduplicated: num, expired: num })),
});

const broker = z.object({
  consumers: z.record(z.string(), z.object({ queue: z.string(), deliveries: num, redeliveries: num })),
  unroutable: z.object({ returned: num, dropped: num }),
  deadLetters: z.array(z.object({ tMs: num, messageId: num, queue: z.string(), reason: z.string(), count: num })),
  deadLettersOmitted: num,
});

const direct = z.object({
  failedAttemptsByCause: numbers,
  failedDuringPhase: numbers,
  meanUtilisation: num,
  maxUtilisation: num,
  maxWaiting: num,
});

export const ResultSchema = z.object({
  queuesim: z.string(),
  scenario: z.string(),
  description: z.string(),
  seed: num,
  meta: z.object({
    node: z.string(),
    scenarioHash: z.string(),
    durationMs: num,
    drainMs: num,
    sampleEveryMs: num,
    systemType: z.string(),
    warmupMs: num.optional(),
  }),
  summary,
  series,
  phases: z.array(phase),
  timeline: z.array(timelineEntry),
  anomalies: z.record(z.string(), z.array(anomaly)),
  expectations: z.array(expectation),
  charts: z.array(chart).optional(),
  cost: cost.optional(),
  broker: broker.optional(),
  direct: direct.optional(),
  source: z.string(),
});

const estimate = z.object({ n: count, mean: maybe, ci95: maybe, min: maybe, max: maybe });
const perSeed = z.record(z.string(), values);
const passing = z.array(z.object({ expr: z.string(), passing: count }));

const seriesDigest = z.object({
  tMs: z.array(num),
  metrics: z.record(z.string(), bySubject),
  phases: z.array(phase),
  timeline: z.array(timelineEntry),
});

const variant = z.object({
  label: z.string(),
  settings: z.record(z.string(), z.unknown()),
  systemType: z.string(),
  figures: z.record(z.string(), estimate),
  perSeed,
  seedsPassing: count,
  expectations: passing,
  series: seriesDigest,
});

export const CompareResultSchema = z.object({
  kind: z.literal('compare'),
  queuesim: z.string(),
  scenario: z.string(),
  description: z.string(),
  seeds: z.array(num),
  figureNames: texts,
  variants: z.array(variant).min(1),
});

const point = z.object({
  index: count,
  label: z.string(),
  values: z.array(z.unknown()),
  instances: num,
  handlers: num,
  margin: maybe,
  utilisation: maybe,
  figures: z.record(z.string(), estimate),
  perSeed,
  slo: passing,
  seedsPassing: count,
  pass: z.boolean(),
  theory: z.object({
    c: num,
    offered: num,
    meanQueueWaitMs: maybe,
    meanLatencyMs: maybe,
    waitedRatio: maybe,
    utilisation: num,
  }).nullable(),
});

const pointRef = z.object({ index: count, label: z.string() });

export const SweepResultSchema = z.object({
  kind: z.literal('sweep'),
  queuesim: z.string(),
  scenario: z.string(),
  description: z.string(),
  fingerprint: z.string(),
  params: z.array(z.object({ path: z.string(), values: z.array(z.unknown()) })).min(1),
  settings: z.record(z.string(), z.unknown()),
  seeds: z.array(num).min(1),
  quantile: num,
  headroom: num,
  gridSize: count,
  shard: z.object({ index: count, count }).optional(),
  slo: z.array(z.object({ expr: z.string(), figure: z.string().nullable(), op: z.string(), value: num })),
  figureNames: texts,
  points: z.array(point),
  recommendation: pointRef.extend({ by: z.enum(['cost', 'handlers']), runnerUp: pointRef.nullable() }).nullable(),
}).superRefine((s, ctx) => {
  // The table and charts look points up by index: every one it names must be there.
  const indices = new Set(s.points.map((p) => p.index));
  s.points.forEach((p, i) => {
    if (p.index >= s.gridSize) ctx.addIssue({ code: 'custom', path: ['points', i, 'index'], message: `expected a point index below gridSize (${s.gridSize}), got ${p.index}` });
  });
  for (const [path, ref] of [[['recommendation'], s.recommendation], [['recommendation', 'runnerUp'], s.recommendation?.runnerUp]] as const) {
    if (ref !== null && ref !== undefined && !indices.has(ref.index)) {
      ctx.addIssue({ code: 'custom', path: [...path, 'index'], message: `expected the index of one of the points, got ${ref.index}` });
    }
  }
});

const runDigest = z.object({
  seed: num,
  systemType: z.string(),
  figures: z.record(z.string(), maybe),
  expectations: z.array(expectation),
  series: seriesDigest.optional(),
});

/** A line of points.jsonl after its header: a finished replication. */
export const JournalEntrySchema = z.object({ task: count, digest: runDigest });
export const JournalHeaderSchema = z.object({ fingerprint: z.string() });

// The schemas promise every field of the contracts, so a checked file may be used as one;
// and they know every field, so a field added to a contract fails to compile until its
// schema checks it too.
type Promises<Schema extends z.ZodType, Contract> = z.output<Schema> extends Contract ? true : false;
type Knows<Schema extends z.ZodType, Contract> =
  [Exclude<keyof Contract, keyof z.output<Schema>> | Exclude<keyof z.output<Schema>, keyof Contract>] extends [never] ? true : false;
const contracts: [
  Promises<typeof ResultSchema, Result>,
  Promises<typeof CompareResultSchema, CompareResult>,
  Promises<typeof SweepResultSchema, SweepResult>,
  Promises<typeof runDigest, RunDigest>,
  Knows<typeof ResultSchema, Result>,
  Knows<typeof summary, Summary>,
  Knows<typeof group, GroupSummary>,
  Knows<typeof CompareResultSchema, CompareResult>,
  Knows<typeof variant, VariantOutcome>,
  Knows<typeof SweepResultSchema, SweepResult>,
  Knows<typeof point, SweepPoint>,
  Knows<typeof runDigest, RunDigest>,
] = [true, true, true, true, true, true, true, true, true, true, true, true];
void contracts;

export type SavedResult =
  | { kind: 'run'; result: Result }
  | { kind: 'compare'; result: CompareResult }
  | { kind: 'sweep'; result: SweepResult };

/**
 * A result file's text → a checked run, compare or sweep result; `expected` limits which
 * kinds are welcome (`merge` takes sweeps only).
 */
export function parseSavedResult(text: string, file: string, expected: readonly ('run' | 'compare' | 'sweep')[] = ['run', 'compare', 'sweep']): SavedResult {
  const data = parseJson(text, file);
  const kind = data !== null && typeof data === 'object' && !Array.isArray(data)
    ? (data as { kind?: unknown }).kind ?? ('summary' in data ? 'run' : undefined)
    : undefined;
  const names = { run: 'result.json', compare: 'compare.json', sweep: 'sweep.json' };
  if (kind !== 'run' && kind !== 'compare' && kind !== 'sweep' || !expected.includes(kind)) {
    throw new InputError(`${file}: not a queuesim ${expected.map((k) => names[k]).join(', ').replace(/, ([^,]*)$/, ' or $1')} ` +
      `(expected an object with ${expected.includes('run') ? '"summary" or ' : ''}"kind": ` +
      `${expected.filter((k) => k !== 'run').map((k) => `"${k}"`).join(' or ')})`);
  }
  const schema = kind === 'run' ? ResultSchema : kind === 'compare' ? CompareResultSchema : SweepResultSchema;
  checkSaved(schema, data, text, file, 0, names[kind]);
  return { kind, result: data } as SavedResult;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${where}: not JSON (${(error as Error).message})`);
  }
}

/** At most this many problems are listed: a wrong file has thousands. */
const SHOWN = 5;

/**
 * Checks `data`, parsed from `text`, against `schema`: an InputError listing the first
 * problems with their line:column (`text` starting at line `lineOffset` + 1 of `file`), path
 * and what was expected; `what` names the kind of file in the closing line.
 */
export function checkSaved(schema: z.ZodType, data: unknown, text: string, file: string, lineOffset = 0, what = 'file'): void {
  const parsed = schema.safeParse(data);
  if (parsed.success) return;
  const place = locator(text);
  const issues = parsed.error.issues.slice(0, SHOWN).map((issue): ScenarioIssue => {
    const path = issue.path as PathKey[];
    const pos = place(path);
    return {
      file,
      path,
      ...(pos === undefined ? {} : { line: pos.line + lineOffset, column: pos.col }),
      message: expected(issue, data),
    };
  });
  const more = parsed.error.issues.length - issues.length;
  throw new InputError(`${issues.map(formatIssue).join('\n')}${more > 0 ? `\n(and ${more} more problems)` : ''}\n` +
    `${file}: not a valid queuesim ${what}; was it written by queuesim, and not edited since?`);
}

function expected(issue: z.core.$ZodIssue, data: unknown): string {
  const given = valueAt(data, issue.path as PathKey[]);
  if (issue.code === 'invalid_type') {
    const what = A_TYPE[issue.expected] ?? issue.expected;
    return given === undefined ? `missing (expected ${what})` : `expected ${what}, got ${shown(given)}`;
  }
  if (issue.code === 'invalid_value') return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${shown(given)}`;
  if (issue.code === 'invalid_union') return `expected ${unionText(issue)}, got ${shown(given)}`;
  return issue.message;
}

const A_TYPE: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
};

function unionText(issue: z.core.$ZodIssueInvalidUnion): string {
  const expected = issue.errors.flatMap((errors) => errors.filter((e) => e.code === 'invalid_type').map((e) => A_TYPE[e.expected] ?? e.expected));
  return expected.length > 0 ? [...new Set(expected)].join(' or ') : 'another value';
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A text above this is not parsed again for positions: its errors name paths only. */
const LOCATE_BYTES = 10 * 1024 * 1024;

/** path → line:column of its value (or of the nearest enclosing value that exists), by parsing the JSON again with positions. */
function locator(text: string): (path: PathKey[]) => { line: number; col: number } | undefined {
  if (text.length > LOCATE_BYTES) return () => undefined;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) return () => undefined;
  return (path) => {
    for (let p = path; ; p = p.slice(0, -1)) {
      const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
      const offset = (node as { range?: number[] } | null | undefined)?.range?.[0];
      if (offset !== undefined) return lines.linePos(offset);
      if (p.length === 0) return undefined;
    }
  };
}
