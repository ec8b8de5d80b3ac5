/**
 * Expectations: k6-style thresholds on the figures of a run, evaluated here; their text
 * (`p99LatencyMs: "< 10m"`, `rejectedRatio: "< 1%"`) is parsed by
 * src/scenarios/expectation-text.ts. An expectation names a metric, optionally scoped to a group
 * (`billing.losses`); unscoped group metrics hold for every group and give one line per group.
 */
import type { ExpectationResult } from './result.js';
import { FIGURE_NAMES, SYSTEM_FIGURES, groupFigure, systemFigure, type FigureSource } from './figures.js';

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Expectation {
  metric: string;
  group: string | null;
  op: Op;
  value: number;
  /** As people read it, threshold in its unit: `p99LatencyMs < 10m`, `billing.lossRatio == 0%`. */
  text: string;
}

/** Every metric name `expect:` accepts (the figures of `figures.ts`). */
export const EXPECT_METRICS: readonly string[] = FIGURE_NAMES;

/** `orders.p99LatencyMs < 10m`: the condition as the scenario wrote it, with the group it judged. */
export function formatExpectation(e: Expectation, group: string | null): string {
  return group === null || e.group !== null ? e.text : `${group}.${e.text}`;
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
