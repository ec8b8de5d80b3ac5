/**
 * Expectations: k6-style thresholds on the summary (`p99LatencyMs: "< 2000"`, `losses: 0`,
 * `recoveryMs: "< 15m"`). A small grammar, never `eval`: an optional comparison operator and a
 * number, with a duration unit allowed for metrics measured in ms. A bare value means `==`.
 *
 * An expectation names a metric, optionally scoped to a group (`billing.losses`); unscoped
 * group metrics hold for every group and give one line per group.
 */
import { parseDuration } from '../scenarios/units.js';
import type { ExpectationResult, GroupSummary, Summary } from './result.js';

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Expectation {
  metric: string;
  group: string | null;
  op: Op;
  value: number;
}

type GroupMetric = (g: GroupSummary) => number | null;

const GROUP_METRICS: Record<string, GroupMetric> = {
  deliveries: (g) => g.deliveries,
  processed: (g) => g.processed,
  duplicates: (g) => g.duplicates,
  duplicatesSuppressed: (g) => g.duplicatesSuppressed,
  redeliveries: (g) => g.redeliveries,
  losses: (g) => g.losses.total,
  deadLettered: (g) => g.deadLettered,
  backlogAtEnd: (g) => g.backlogAtEnd,
  orderingViolations: (g) => g.orderingViolations,
  maxLag: (g) => g.maxLag,
  maxOldestAgeMs: (g) => g.maxOldestAgeMs,
  p50LatencyMs: (g) => g.latencyMs.p50,
  p90LatencyMs: (g) => g.latencyMs.p90,
  p99LatencyMs: (g) => g.latencyMs.p99,
  p999LatencyMs: (g) => g.latencyMs.p999,
  maxLatencyMs: (g) => g.latencyMs.max,
  meanLatencyMs: (g) => g.latencyMs.mean,
  p99QueueWaitMs: (g) => g.queueWaitMs.p99,
  /** The slowest recovery over all phases; null (fails) if any phase never recovered. */
  recoveryMs: (g) => {
    const values = Object.values(g.recoveryMs);
    if (values.some((v) => v === null)) return null;
    return values.length === 0 ? 0 : Math.max(...(values as number[]));
  },
};

const SYSTEM_METRICS: Record<string, (s: Summary) => number> = {
  produced: (s) => s.produced,
  accepted: (s) => s.accepted,
  rejected: (s) => s.rejected,
  duplicateAppends: (s) => s.duplicateAppends,
};

export const EXPECT_METRICS: readonly string[] = [
  ...Object.keys(SYSTEM_METRICS),
  ...Object.keys(GROUP_METRICS),
];

const CONDITION = /^\s*(<=|>=|==|!=|<|>|=)?\s*(.+?)\s*$/;

/**
 * Parses `metric` (or `group.metric`) and its condition. Throws an Error whose message says
 * what was expected; the scenario loader adds the file and path.
 */
export function parseExpectation(name: string, condition: string | number): Expectation {
  const dot = name.lastIndexOf('.');
  const metric = dot === -1 ? name : name.slice(dot + 1);
  const group = dot === -1 ? null : name.slice(0, dot);
  if (!EXPECT_METRICS.includes(metric)) {
    throw new Error(`unknown metric "${metric}"; expected one of ${EXPECT_METRICS.join(', ')}`);
  }
  if (group !== null && metric in SYSTEM_METRICS) {
    throw new Error(`"${metric}" is a system-wide metric and cannot be scoped to a group`);
  }
  if (typeof condition === 'number') return { metric, group, op: '==', value: condition };
  const match = CONDITION.exec(condition);
  if (match === null) throw new Error(`"${condition}" is not a condition, like "< 2000"`);
  const op = (match[1] === '=' ? '==' : (match[1] ?? '==')) as Op;
  return { metric, group, op, value: parseValue(metric, match[2]) };
}

function parseValue(metric: string, text: string): number {
  const number = Number(text);
  if (text !== '' && Number.isFinite(number)) return number;
  if (metric.endsWith('Ms')) return parseDuration(text);
  throw new Error(`"${text}" is not a number; expected a condition like "< 2000"`);
}

export function formatExpectation(e: Expectation, group: string | null): string {
  const name = group === null ? e.metric : `${group}.${e.metric}`;
  return `${name} ${e.op} ${e.value}`;
}

/** Evaluates every expectation; an unknown group name counts as failed with actual null. */
export function evaluate(expectations: Expectation[], summary: Summary): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  for (const e of expectations) {
    const system = SYSTEM_METRICS[e.metric];
    if (system !== undefined) {
      results.push(judge(e, null, system(summary)));
      continue;
    }
    const names = e.group === null ? Object.keys(summary.groups) : [e.group];
    for (const name of names) {
      const group = summary.groups[name];
      results.push(judge(e, name, group === undefined ? null : GROUP_METRICS[e.metric](group)));
    }
  }
  return results;
}

function judge(e: Expectation, group: string | null, actual: number | null): ExpectationResult {
  return { expr: formatExpectation(e, group), actual, pass: actual !== null && holds(actual, e) };
}

function holds(actual: number, { op, value }: Expectation): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}
