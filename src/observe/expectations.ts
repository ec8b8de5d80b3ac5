/**
 * Expectations: k6-style thresholds on the figures of a run (`p99LatencyMs: "< 2s"`,
 * `losses: 0`, `rejectedRatio: "< 1%"`, `cost: "< $5"`). A small grammar, never `eval`: an
 * optional comparison operator and a threshold in the figure's unit (a duration for figures in
 * ms, a percentage for ratios, dollars for cost; a plain number always works). A bare value
 * means `==`.
 *
 * An expectation names a metric, optionally scoped to a group (`billing.losses`); unscoped
 * group metrics hold for every group and give one line per group.
 */
import { parseDuration } from '../scenarios/units.js';
import type { ExpectationResult } from './result.js';
import { FIGURE_NAMES, SYSTEM_FIGURES, GROUP_FIGURES, groupFigure, systemFigure, type FigureSource, type FigureUnit } from './figures.js';
import { formatThreshold } from './units.js';

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Expectation {
  metric: string;
  group: string | null;
  op: Op;
  value: number;
}

/** Every metric name `expect:` accepts (the figures of `figures.ts`). */
export const EXPECT_METRICS: readonly string[] = FIGURE_NAMES;

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
  if (group !== null && metric in SYSTEM_FIGURES) {
    throw new Error(`"${metric}" is a system-wide metric and cannot be scoped to a group`);
  }
  if (typeof condition === 'number') return { metric, group, op: '==', value: condition };
  const match = CONDITION.exec(condition);
  if (match === null) throw new Error(`"${condition}" is not a condition, like "< 2000"`);
  const op = (match[1] === '=' ? '==' : (match[1] ?? '==')) as Op;
  return { metric, group, op, value: parseThreshold(unitOf(metric), match[2]) };
}

function unitOf(metric: string): FigureUnit {
  return (SYSTEM_FIGURES[metric] ?? GROUP_FIGURES[metric]).unit;
}

const EXAMPLES: Record<FigureUnit, string> = {
  count: '"< 100"',
  ms: '"< 10m" or "< 250ms"',
  ratio: '"< 1%" or "< 0.01"',
  dollars: '"< $5" or "< 5"',
};

/** A threshold in the figure's own unit: `10m` for durations, `1%` for ratios, `$5` for money. */
function parseThreshold(unit: FigureUnit, text: string): number {
  const number = Number(text);
  if (text !== '' && Number.isFinite(number)) return number;
  if (unit === 'ms') return parseDuration(text);
  const percent = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (unit === 'ratio' && percent !== null) return Number(percent[1]) / 100;
  const dollars = /^\$\s*(\d+(?:\.\d+)?)$/.exec(text);
  if (unit === 'dollars' && dollars !== null) return Number(dollars[1]);
  throw new Error(`"${text}" is not a threshold for this figure; expected a condition like ${EXAMPLES[unit]}`);
}

export function formatExpectation(e: Expectation, group: string | null): string {
  const name = group === null ? e.metric : `${group}.${e.metric}`;
  return `${name} ${e.op} ${formatThreshold(unitOf(e.metric), e.value)}`;
}

/** Evaluates every expectation; an unknown group name counts as failed with actual null. */
export function evaluate(expectations: Expectation[], source: FigureSource): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  for (const e of expectations) {
    if (e.metric in SYSTEM_FIGURES) {
      results.push(judge(e, null, systemFigure(e.metric, source)));
      continue;
    }
    const names = e.group === null ? Object.keys(source.summary.groups) : [e.group];
    for (const name of names) results.push(judge(e, name, groupFigure(e.metric, name, source)));
  }
  return results;
}

function judge(e: Expectation, group: string | null, actual: number | null): ExpectationResult {
  return {
    expr: formatExpectation(e, group),
    figure: group === null ? e.metric : `${group}.${e.metric}`,
    op: e.op,
    threshold: e.value,
    actual,
    pass: actual !== null && holds(actual, e),
  };
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
