/**
 * One replication of one variant: apply the variant's assignments to the scenario document,
 * run it with one seed, and keep the digest that compare and sweep need (flat figures, the
 * expectation verdicts, and optionally the lag series for the overlay chart).
 *
 * Tasks and digests are plain data, so the same function runs in-process (`--jobs 1`) and in a
 * piscina worker: the output cannot depend on where it ran.
 */
import { runScenario } from '../scenarios/run.js';
import type { ExpectationResult, PhaseSpan, Result, TimelineEntry } from '../observe/result.js';
import { applyVariant, type Assignment, type BaseDocument } from './variants.js';
import { estimate, type Estimate } from './stats.js';

export interface Task {
  base: BaseDocument;
  assignments: Assignment[];
  label: string;
  seed: number;
  /** Keep the time series (the first seed of each compare variant). */
  keepSeries: boolean;
  /** `--warmup`, ms. */
  warmupMs?: number;
}

/** The lag-like series of one run, for overlay charts. */
export interface SeriesDigest {
  tMs: number[];
  /** Metric → subject → values: `lag` per group, and `waiting` for a direct system. */
  metrics: Record<string, Record<string, (number | null)[]>>;
  phases: PhaseSpan[];
  timeline: TimelineEntry[];
}

export interface RunDigest {
  seed: number;
  systemType: string;
  figures: Figures;
  expectations: ExpectationResult[];
  series?: SeriesDigest;
}

/** Flat figure name → value; null when undefined for that run (a phase that never drained). */
export type Figures = Record<string, number | null>;

const OVERLAY_METRICS = ['lag', 'waiting'];

export function runTask(task: Task): RunDigest {
  const scenario = applyVariant(task.base, task.assignments, task.label);
  const result = runScenario(scenario, { seed: task.seed, warmupMs: task.warmupMs });
  const digest: RunDigest = {
    seed: task.seed,
    systemType: result.meta.systemType,
    figures: figuresOf(result),
    expectations: result.expectations,
  };
  if (task.keepSeries) digest.series = seriesDigest(result);
  return digest;
}

/**
 * The figures a comparison shows, flat: system-wide ones by name (`rejected`,
 * `rejected.timeout`, `cost`), per group as `<group>.<figure>` (`fulfilment.duplicates`,
 * `fulfilment.losses.crash-after-ack`). Causes appear only when they occurred.
 */
export function figuresOf(result: Result): Figures {
  const s = result.summary;
  const f: Figures = { produced: s.produced, accepted: s.accepted, rejected: s.rejected };
  for (const [cause, n] of Object.entries(s.rejectedByCause)) f[`rejected.${cause}`] = n;
  const cost = (result as { cost?: { dollars?: unknown } }).cost?.dollars;
  if (typeof cost === 'number') f.cost = cost;
  if (result.direct !== undefined) f.utilisation = result.direct.meanUtilisation;
  for (const [name, g] of Object.entries(s.groups)) {
    const put = (figure: string, value: number | null): void => {
      f[`${name}.${figure}`] = value;
    };
    put('processed', g.processed);
    put('duplicates', g.duplicates);
    put('duplicatesSuppressed', g.duplicatesSuppressed);
    put('losses', g.losses.total);
    for (const [cause, n] of Object.entries(g.losses.byCause)) put(`losses.${cause}`, n);
    put('orderingViolations', g.orderingViolations);
    put('redeliveries', g.redeliveries);
    put('deadLettered', g.deadLettered);
    put('backlogAtEnd', g.backlogAtEnd);
    put('p50LatencyMs', g.latencyMs.count === 0 ? null : g.latencyMs.p50);
    put('p99LatencyMs', g.latencyMs.count === 0 ? null : g.latencyMs.p99);
    put('meanLatencyMs', g.latencyMs.count === 0 ? null : g.latencyMs.mean);
    put('meanQueueWaitMs', g.queueWaitMs.count === 0 ? null : g.queueWaitMs.mean);
    put('maxLag', g.maxLag);
    const recoveries = Object.values(g.recoveryMs);
    if (recoveries.length > 0) {
      put('recoveryMs', recoveries.some((v) => v === null) ? null : Math.max(...(recoveries as number[])));
    }
  }
  return f;
}

function seriesDigest(result: Result): SeriesDigest {
  const metrics: SeriesDigest['metrics'] = {};
  for (const metric of OVERLAY_METRICS) {
    const values = result.series[metric];
    if (values !== undefined && !Array.isArray(values)) metrics[metric] = values;
  }
  return { tMs: result.series.tMs, metrics, phases: result.phases, timeline: result.timeline };
}

/**
 * Each figure over the seeds of one variant or grid point: the per-seed values and their
 * estimate. A cause that did not occur on a seed (`rejected.*`, `*.losses.*`) occurred zero
 * times there; any other missing figure was undefined on that seed.
 */
export function seedFigures(
  digests: RunDigest[],
  names: string[],
): { perSeed: Record<string, (number | null)[]>; figures: Record<string, Estimate> } {
  const perSeed: Record<string, (number | null)[]> = {};
  const figures: Record<string, Estimate> = {};
  for (const name of names) {
    const zeroWhenMissing = /^rejected\.|\.losses\./.test(name);
    perSeed[name] = digests.map((d) => d.figures[name] ?? (zeroWhenMissing ? 0 : null));
    figures[name] = estimate(perSeed[name]);
  }
  return { perSeed, figures };
}
