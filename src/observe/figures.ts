/**
 * The figures a capacity review asks for, computed once from a run's summary: what `expect:`
 * judges, what compare and sweep tabulate, and what unit each is in (so reports print
 * durations, money and ratios as people read them, and thresholds can be written the same way).
 *
 * Ratios are fractions (0.01 is 1%); JSON keeps them, and milliseconds and dollars, as plain
 * numbers. A ratio whose denominator is zero is null (undefined), never 0.
 */
import type { GroupSummary, Summary } from './result.js';

export type FigureUnit = 'count' | 'ms' | 'ratio' | 'dollars';

/** What the figures are read from: the summary and, where the system bills, its cost. */
export interface FigureSource {
  summary: Summary;
  cost?: { dollars: number };
}

interface Figure<T> {
  unit: FigureUnit;
  read: (from: T) => number | null;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const whenMeasured = (h: { count: number }, value: number): number | null => (h.count === 0 ? null : value);

/** System-wide figures: never scoped to a group. */
export const SYSTEM_FIGURES: Readonly<Record<string, Figure<FigureSource>>> = {
  produced: { unit: 'count', read: (s) => s.summary.produced },
  accepted: { unit: 'count', read: (s) => s.summary.accepted },
  rejected: { unit: 'count', read: (s) => s.summary.rejected },
  /** Refused by the system over offered: overflow, throttling, a direct call refused or timed out. */
  rejectedRatio: { unit: 'ratio', read: (s) => ratio(s.summary.rejected, s.summary.produced) },
  duplicateAppends: { unit: 'count', read: (s) => s.summary.duplicateAppends },
  /** The system's own price for the run (a managed queue's requests); undefined elsewhere. */
  cost: { unit: 'dollars', read: (s) => s.cost?.dollars ?? null },
};

/** The slowest recovery over all phases; null if any phase never recovered. */
function slowestRecovery(g: GroupSummary): number | null {
  const values = Object.values(g.recoveryMs);
  if (values.some((v) => v === null)) return null;
  return values.length === 0 ? 0 : Math.max(...(values as number[]));
}

/** Per consumer group; `summary` is there for figures over what was offered to the system. */
export const GROUP_FIGURES: Readonly<Record<string, Figure<{ group: GroupSummary; summary: Summary }>>> = {
  deliveries: { unit: 'count', read: ({ group }) => group.deliveries },
  processed: { unit: 'count', read: ({ group }) => group.processed },
  duplicates: { unit: 'count', read: ({ group }) => group.duplicates },
  duplicatesSuppressed: { unit: 'count', read: ({ group }) => group.duplicatesSuppressed },
  redeliveries: { unit: 'count', read: ({ group }) => group.redeliveries },
  losses: { unit: 'count', read: ({ group }) => group.losses.total },
  deadLettered: { unit: 'count', read: ({ group }) => group.deadLettered },
  backlogAtEnd: { unit: 'count', read: ({ group }) => group.backlogAtEnd },
  orderingViolations: { unit: 'count', read: ({ group }) => group.orderingViolations },
  /**
   * The caller's view: offered requests whose work this group never did, over offered
   * (refused or timed out by the system, dead-lettered, or lost).
   */
  failedRatio: {
    unit: 'ratio',
    read: ({ group, summary }) =>
      ratio(summary.rejected + group.deadLettered + group.losses.total, summary.produced),
  },
  /** Losses over accepted messages. */
  lossRatio: { unit: 'ratio', read: ({ group, summary }) => ratio(group.losses.total, summary.accepted) },
  /** Duplicate side effects over distinct messages processed. */
  duplicateRatio: { unit: 'ratio', read: ({ group }) => ratio(group.duplicates, group.processed) },
  maxLag: { unit: 'count', read: ({ group }) => group.maxLag },
  maxOldestAgeMs: { unit: 'ms', read: ({ group }) => group.maxOldestAgeMs },
  p50LatencyMs: { unit: 'ms', read: ({ group }) => whenMeasured(group.latencyMs, group.latencyMs.p50) },
  p90LatencyMs: { unit: 'ms', read: ({ group }) => whenMeasured(group.latencyMs, group.latencyMs.p90) },
  p99LatencyMs: { unit: 'ms', read: ({ group }) => whenMeasured(group.latencyMs, group.latencyMs.p99) },
  p999LatencyMs: { unit: 'ms', read: ({ group }) => whenMeasured(group.latencyMs, group.latencyMs.p999) },
  maxLatencyMs: { unit: 'ms', read: ({ group }) => whenMeasured(group.latencyMs, group.latencyMs.max) },
  meanLatencyMs: { unit: 'ms', read: ({ group }) => whenMeasured(group.latencyMs, group.latencyMs.mean) },
  meanQueueWaitMs: { unit: 'ms', read: ({ group }) => whenMeasured(group.queueWaitMs, group.queueWaitMs.mean) },
  p99QueueWaitMs: { unit: 'ms', read: ({ group }) => whenMeasured(group.queueWaitMs, group.queueWaitMs.p99) },
  /** Messages that waited for a handler, over messages handled: Erlang C's P(wait). */
  waitedRatio: { unit: 'ratio', read: ({ group }) => ratio(group.waited, group.queueWaitMs.count) },
  /** Busy handler time over available handler time. */
  utilisation: { unit: 'ratio', read: ({ group }) => group.utilisation },
  recoveryMs: { unit: 'ms', read: ({ group }) => slowestRecovery(group) },
};

/** Every name `expect:` accepts. */
export const FIGURE_NAMES: readonly string[] = [...Object.keys(SYSTEM_FIGURES), ...Object.keys(GROUP_FIGURES)];

/** A system figure's value, or null when it is undefined for this run. */
export function systemFigure(name: string, source: FigureSource): number | null {
  return SYSTEM_FIGURES[name].read(source);
}

/** A group figure's value; null for a group the run does not have, or when undefined. */
export function groupFigure(name: string, group: string, source: FigureSource): number | null {
  const g = source.summary.groups[group];
  return g === undefined ? null : GROUP_FIGURES[name].read({ group: g, summary: source.summary });
}

/**
 * The unit of a figure as compare and sweep name it: `rejectedRatio`, `orders.p99LatencyMs`,
 * `orders.losses.crash-after-ack` (a cause: a count), `rejected.queue-full`.
 */
export function figureUnit(name: string): FigureUnit {
  if (name in SYSTEM_FIGURES) return SYSTEM_FIGURES[name].unit;
  const parts = name.split('.');
  for (let i = parts.length - 1; i >= 0; i--) {
    const figure = GROUP_FIGURES[parts[i]] ?? (i === 0 ? SYSTEM_FIGURES[parts[i]] : undefined);
    if (figure !== undefined) return i === parts.length - 1 ? figure.unit : 'count';
  }
  return 'count';
}
