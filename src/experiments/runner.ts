/**
 * One replication of one variant: apply the variant's assignments to the scenario document,
 * run it with one seed, and keep the digest that compare and sweep need (flat figures, the
 * expectation verdicts, and optionally the lag series for the overlay chart).
 *
 * Tasks and digests are plain data, so the same function runs in-process (`--jobs 1`) and in a
 * piscina worker: the output cannot depend on where it ran.
 */
import { runScenario } from '../scenarios/run.js';
import type { ExpectationResult, GroupSummary, PhaseSpan, Result, TimelineEntry } from '../observe/result.js';
import { applyVariant, type Assignment, type BaseDocument } from './variants.js';
import { estimate, type Estimate } from './stats.js';
import { GROUP_FIGURES, SYSTEM_FIGURES, groupFigure, systemFigure } from '../observe/figures.js';

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
 * The figures of one run, flat, in the vocabulary of `expect:` (observe/figures.ts): system-wide
 * ones by name (`rejected`, `rejected.timeout`, `rejectedRatio`, `cost`), per group as
 * `<group>.<figure>` (`fulfilment.duplicates`, `fulfilment.losses.crash-after-ack`). Causes
 * appear only when they occurred; `cost` only where the system bills.
 */
export function figuresOf(result: Result): Figures {
  const s = result.summary;
  const f: Figures = {};
  for (const name of Object.keys(SYSTEM_FIGURES)) {
    const value = systemFigure(name, result);
    if (name === 'cost' && value === null) continue;
    f[name] = value;
    if (name === 'rejected') for (const [cause, n] of Object.entries(s.rejectedByCause)) f[`rejected.${cause}`] = n;
  }
  for (const [group, g] of Object.entries(s.groups)) {
    for (const name of Object.keys(GROUP_FIGURES)) {
      f[`${group}.${name}`] = groupFigure(name, group, result);
      if (name === 'losses') for (const [cause, n] of Object.entries(g.losses.byCause)) f[`${group}.losses.${cause}`] = n;
      if (name === 'meanLatencyMs') Object.assign(f, phaseLatencyFigures(group, g));
    }
  }
  return f;
}

/**
 * `<group>.<phase>.p50LatencyMs` and `.p99LatencyMs` for each load phase and for the messages
 * produced outside every phase (`outside-phases`): the spike beside the rest.
 */
function phaseLatencyFigures(group: string, g: GroupSummary): Figures {
  const f: Figures = {};
  for (const [phase, latency] of Object.entries(g.latencyByPhaseMs ?? {})) {
    const measured = latency.count > 0;
    f[`${group}.${phase}.p50LatencyMs`] = measured ? latency.p50 : null;
    f[`${group}.${phase}.p99LatencyMs`] = measured ? latency.p99 : null;
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
