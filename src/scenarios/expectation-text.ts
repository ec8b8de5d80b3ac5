/**
 * The text of an `expect:` line: `p99LatencyMs: "< 10m"`, `rejectedRatio: "< 1%"`, `cost:
 * "< $5"`. A small grammar, never `eval`: an optional comparison operator and a threshold in the
 * figure's unit (a duration for figures in ms, a percentage for ratios, dollars for cost; a plain
 * number always works). Evaluating belongs to src/observe/expectations.ts.
 */
import { formatDuration, parseDuration } from './units.js';
import { EXPECT_METRICS, type Expectation, type Op } from '../observe/expectations.js';
import { GROUP_FIGURES, SYSTEM_FIGURES, type FigureUnit } from '../observe/figures.js';

function withText(e: Omit<Expectation, 'text'>): Expectation {
  const name = e.group === null ? e.metric : `${e.group}.${e.metric}`;
  return { ...e, text: `${name} ${e.op} ${formatThreshold(unitOf(e.metric), e.value)}` };
}

/** A threshold exactly as written back: `10m`, `1%`, `$5`, `100`. */
export function formatThreshold(unit: FigureUnit, value: number): string {
  switch (unit) {
    case 'ms':
      return value < 0 ? String(value) : formatDuration(value);
    case 'ratio':
      return `${Number((value * 100).toPrecision(6))}%`;
    case 'dollars':
      return `$${Number(value.toPrecision(6))}`;
    case 'count':
      return String(value);
  }
}

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
  if (typeof condition === 'number') return withText({ metric, group, op: '==', value: condition });
  const match = CONDITION.exec(condition);
  if (match === null) throw new Error(`"${condition}" is not a condition, like "< 2000"`);
  const op = (match[1] === '=' ? '==' : (match[1] ?? '==')) as Op;
  return withText({ metric, group, op, value: parseThreshold(unitOf(metric), match[2]) });
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

