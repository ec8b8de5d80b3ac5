/**
 * `queuesim sweep`: capacity planning over a grid of settings. Each point of the grid (the
 * cross product of `--param` axes) runs on `seeds` seeds; the scenario's `expect:` block is
 * the SLO. A point passes when every expectation holds on all seeds, or on at least the
 * fraction `quantile` of them. Its margin is how far its figures keep from their thresholds
 * on those seeds, relative to the threshold (an SLO of `< 10m` met at 8m has 20% margin).
 * The recommendation is the smallest passing point whose margin is at least `headroom`: the
 * lowest mean cost when the system reports one, otherwise the fewest handlers (instances ×
 * concurrency, summed over groups); ties go to the earlier point of the grid.
 *
 * Replications are independent, so they run on worker threads (`jobs`) and can be split into
 * shards (`shard`), each a round-robin slice of the points; `mergeSweeps` combines shard
 * results into exactly what one unsharded run gives. Finished replications are appended to
 * `points.jsonl` in the output folder as they complete, and `resume` skips them.
 *
 * Everything in a SweepResult is computed from the points alone, in grid order, so neither
 * `jobs`, nor sharding, nor resuming changes a byte of it.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../version.js';
import { formatPath, InputError } from '../scenarios/issues.js';
import { checkGridCost } from '../scenarios/cost.js';
import { applyVariant, applyVariants, crossProduct, type Assignment, type Axis, type BaseDocument } from './variants.js';
import { runTasks } from './pool.js';
import { seedFigures, type RunDigest, type Task } from './runner.js';
import { mmcPrediction } from './theory.js';
import type { Recommendation, Shard, SloLine, SweepPoint, SweepResult } from './results.js';
import { checkSaved, JournalEntrySchema, JournalHeaderSchema } from './saved-results.js';
import { cannotWrite } from '../report/write.js';
import type { z } from 'zod';

export type { Recommendation, Shard, SloLine, SweepPoint, SweepResult };
import { GROUP_FIGURES, SYSTEM_FIGURES } from '../observe/figures.js';
import type { ExpectationResult } from '../observe/result.js';


export interface SweepOptions {
  params: Axis[];
  sets: Assignment[];
  seeds: number;
  seed?: number;
  /** Fraction of seeds on which the SLO must hold (1: all). */
  quantile: number;
  /** Margin every SLO figure must keep to its threshold for the recommendation (0.2: 20%). */
  headroom?: number;
  jobs: number;
  /** `--warmup`, ms. */
  warmupMs?: number;
  shard?: Shard;
  /** Folder for points.jsonl; none: nothing is saved as it goes. */
  outDir?: string;
  resume?: boolean;
  onDone?: (done: number, total: number) => void;
  onNotice?: (message: string) => void;
}





const JOURNAL = 'points.jsonl';
export const DEFAULT_HEADROOM = 0.2;

export async function sweep(base: BaseDocument, options: SweepOptions): Promise<SweepResult> {
  if (options.params.length === 0) throw new InputError('nothing to sweep: give --param path=1..8 (or a list)');
  const grid = crossProduct(options.params);
  // Validate every point first: bad input is exit 2 before anything runs.
  const first = applyVariant(base, options.sets);
  const scenarios = applyVariants(base, options.sets, grid, options.onNotice);
  const baseSeed = options.seed ?? first.spec.seed;
  checkGridCost(scenarios.map((s) => s.cost), options.seeds, base.options.allowHuge);
  const seeds = Array.from({ length: options.seeds }, (_, k) => baseSeed + k);
  const fingerprint = fingerprintOf(base, options, seeds);
  const mine = grid.map((_, i) => i).filter((i) => inShard(i, options.shard));

  const tasks: Task[] = mine.flatMap((i) =>
    seeds.map((seed) => ({
      base,
      assignments: [...options.sets, ...grid[i].assignments],
      label: grid[i].label,
      seed,
      keepSeries: false,
      warmupMs: options.warmupMs,
    })),
  );
  // Each shard journals apart: a resumed shard must not pick up another shard's replications.
  const journalKey = options.shard === undefined ? fingerprint : `${fingerprint} ${options.shard.index}/${options.shard.count}`;
  const journal = options.outDir === undefined ? null : openJournal(options.outDir, journalKey, options.resume === true);
  const digests: (RunDigest | undefined)[] = tasks.map((_, t) => journal?.done.get(t));
  const todo = tasks.map((_, t) => t).filter((t) => digests[t] === undefined);
  let done = tasks.length - todo.length;
  options.onDone?.(done, tasks.length);
  const fresh = await runTasks(todo.map((t) => tasks[t]), {
    jobs: options.jobs,
    onNotice: options.onNotice,
    onDone: (k, digest) => {
      journal?.append(todo[k], digest);
      options.onDone?.(++done, tasks.length);
    },
  });
  todo.forEach((t, k) => (digests[t] = fresh[k]));

  const figureNames = canonicalOrder(digests.flatMap((d) => Object.keys((d as RunDigest).figures)));
  const points = mine.map((i, m) =>
    point(i, grid[i].label, grid[i].assignments.map((a) => a.value), scenarios[i],
      digests.slice(m * seeds.length, (m + 1) * seeds.length) as RunDigest[], figureNames, options.quantile),
  );
  const slo = sloLines(digests[0]?.expectations ?? [], figureNames);
  return assemble({
    kind: 'sweep',
    queuesim: VERSION,
    scenario: first.spec.name,
    description: first.spec.description,
    fingerprint,
    params: options.params.map((p) => ({ path: formatPath(p.path), values: p.values })),
    settings: Object.fromEntries(options.sets.map((a) => [formatPath(a.path), a.value])),
    seeds,
    quantile: options.quantile,
    headroom: options.headroom ?? DEFAULT_HEADROOM,
    gridSize: grid.length,
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    slo,
    figureNames,
    points: points.map((p) => ({ ...p, margin: pointMargin(p, slo, options.quantile) })),
    recommendation: null,
  });
}

function inShard(index: number, shard: Shard | undefined): boolean {
  return shard === undefined || index % shard.count === shard.index - 1;
}

function point(
  index: number,
  label: string,
  values: unknown[],
  scenario: ReturnType<typeof applyVariant>,
  digests: RunDigest[],
  names: string[],
  quantile: number,
): SweepPoint {
  const { perSeed, figures } = seedFigures(digests, names);
  const seedsPassing = digests.filter((d) => d.expectations.every((e) => e.pass)).length;
  return {
    index,
    label,
    values,
    // An autoscaled group is sized by the most instances it may scale to, not how many it starts with.
    instances: scenario.spec.consumers.reduce((sum, c) => sum + (c.autoscale?.max ?? c.instances), 0),
    handlers: scenario.spec.consumers.reduce((sum, c) => sum + (c.autoscale?.max ?? c.instances) * c.concurrency, 0),
    margin: null,
    utilisation: busiest(scenario.spec.consumers.map((c) => figures[`${c.group}.utilisation`]?.mean ?? null)),
    figures,
    perSeed,
    slo: digests[0].expectations.map((e, k) => ({
      expr: e.expr,
      passing: digests.filter((d) => d.expectations[k]?.pass === true).length,
    })),
    seedsPassing,
    // A quantile of seeds: at least ⌈q·n⌉ of n seeds pass (q = 1: all of them).
    pass: seedsPassing >= Math.ceil(quantile * digests.length - 1e-9),
    theory: mmcPrediction(scenario),
  };
}

/** The SLO lines with the figure each reads: `g.p99LatencyMs < 10m` reads `g.p99LatencyMs`. */
function sloLines(expectations: ExpectationResult[], figureNames: string[]): SloLine[] {
  return expectations.map((e) => ({
    expr: e.expr,
    figure: figureNames.includes(e.figure) ? e.figure : null,
    op: e.op,
    value: e.threshold,
  }));
}

function busiest(values: (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : Math.max(...defined);
}

/**
 * The margin of one SLO line on a point: (threshold − value) / threshold for `<`, `<=`, and
 * (value − threshold) / threshold for `>`, `>=`, where value is the figure on the k-th best
 * seed, k the seeds the verdict needs. Null for `==`, `!=` and a zero threshold (no scale).
 */
export function lineMargin(perSeed: (number | null)[], line: SloLine, quantile: number): number | null {
  const below = line.op === '<' || line.op === '<=';
  if ((!below && line.op !== '>' && line.op !== '>=') || line.value === 0) return null;
  const needed = Math.max(1, Math.ceil(quantile * perSeed.length - 1e-9));
  // An undefined figure (a phase that never recovered) misses every threshold.
  const worstFirst = perSeed.map((v) => v ?? (below ? Infinity : -Infinity)).sort((a, b) => (below ? a - b : b - a));
  const value = worstFirst[needed - 1];
  const margin = (below ? line.value - value : value - line.value) / Math.abs(line.value);
  return Number.isFinite(margin) ? margin : -1;
}

/** The smallest margin over the SLO lines that have one. */
function pointMargin(point: SweepPoint, slo: SloLine[], quantile: number): number | null {
  const margins = slo
    .filter((line) => line.figure !== null)
    .map((line) => lineMargin(point.perSeed[line.figure as string] ?? [], line, quantile))
    .filter((m): m is number => m !== null);
  return margins.length === 0 ? null : Math.min(...margins);
}

/** Passing, and every SLO figure keeps the headroom (a point with no margin to keep qualifies). */
export function keepsHeadroom(point: SweepPoint, headroom: number): boolean {
  // `== null`: a sweep.json from before margins were kept has none.
  return point.pass && (point.margin == null || point.margin >= headroom - 1e-9);
}

/** The ranking key: mean cost where the system bills, else handlers. */
export function pointSize(result: Pick<SweepResult, 'figureNames'>, point: SweepPoint): number {
  return result.figureNames.includes('cost') ? (point.figures.cost?.mean ?? Infinity) : point.handlers;
}

/** Fills in the recommendation once every point of the grid is present. */
export function assemble(result: SweepResult): SweepResult {
  if (result.points.length < result.gridSize) return { ...result, recommendation: null };
  // A stable sort: ties keep the earlier point of the grid.
  const ranked = result.points
    .filter((p) => keepsHeadroom(p, result.headroom ?? DEFAULT_HEADROOM))
    .sort((a, b) => pointSize(result, a) - pointSize(result, b));
  if (ranked.length === 0) return { ...result, recommendation: null };
  const [best, next] = ranked;
  return {
    ...result,
    recommendation: {
      index: best.index,
      label: best.label,
      by: result.figureNames.includes('cost') ? 'cost' : 'handlers',
      runnerUp: next === undefined ? null : { index: next.index, label: next.label },
    },
  };
}

/** Combines shard results of one sweep into the result of the whole grid. */
export function mergeSweeps(parts: SweepResult[]): SweepResult {
  if (parts.length === 0) throw new InputError('merge: no results given');
  const first = parts[0];
  for (const part of parts) {
    if (part.kind !== 'sweep') throw new InputError('merge: not a sweep result (expected the sweep.json of a shard)');
    if (part.fingerprint !== first.fingerprint) {
      throw new InputError('merge: the results come from different sweeps (scenario, parameters, seeds or version differ)');
    }
  }
  const byIndex = new Map<number, SweepPoint>();
  for (const part of parts) for (const p of part.points) byIndex.set(p.index, p);
  const missing = Array.from({ length: first.gridSize }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new InputError(`merge: ${missing.length} of ${first.gridSize} points are missing (first: point ${missing[0]}); ` +
      'give the results of every shard');
  }
  const points = [...byIndex.values()].sort((a, b) => a.index - b.index);
  const figureNames = canonicalOrder(parts.flatMap((p) => p.figureNames));
  const { shard: _shard, ...rest } = first;
  const slo = parts.find((p) => p.slo.length > 0)?.slo ?? first.slo;
  return assemble({ ...rest, figureNames, slo, points, recommendation: null });
}

const SYSTEM_ORDER = Object.keys(SYSTEM_FIGURES);
const GROUP_ORDER = Object.keys(GROUP_FIGURES);

/**
 * Figure names in an order that does not depend on which points or shards produced them:
 * system figures, then each group (by name) in the runner's order, causes by name. Merged
 * shards then list them exactly as one run does.
 */
export function canonicalOrder(names: string[]): string[] {
  const key = (name: string): [number, string, number, string] => {
    const [head, ...causes] = name.split('.');
    const system = SYSTEM_ORDER.indexOf(head);
    if (system !== -1) return [0, '', system, causes.join('.')];
    const m = new RegExp(`^(.*)\\.(${GROUP_ORDER.join('|')})(?:\\.(.*))?$`).exec(name);
    if (m === null) return [2, name, 0, ''];
    return [1, m[1], GROUP_ORDER.indexOf(m[2]), m[3] ?? ''];
  };
  const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...new Set(names)].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return cmp(x[i], y[i]);
    return 0;
  });
}

function fingerprintOf(base: BaseDocument, options: SweepOptions, seeds: number[]): string {
  const what = JSON.stringify({
    version: VERSION,
    source: base.source,
    params: options.params,
    sets: options.sets,
    seeds,
    quantile: options.quantile,
    warmupMs: options.warmupMs ?? 0,
  });
  return createHash('sha256').update(what).digest('hex').slice(0, 16);
}

interface Journal {
  /** Task index → digest, from a previous run. */
  done: Map<number, RunDigest>;
  append(task: number, digest: RunDigest): void;
}

/**
 * `points.jsonl`: a header line with the sweep's fingerprint, then one line per finished
 * replication. A line cut short by a crash is ignored on resume (its task runs again).
 */
function openJournal(dir: string, fingerprint: string, resume: boolean): Journal {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, JOURNAL);
  const done = new Map<number, RunDigest>();
  if (resume && existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    // A kill in mid-append leaves a partial last line: it is skipped, and the next entry
    // starts on a line of its own.
    if (!text.endsWith('\n')) writing(file, () => appendFileSync(file, '\n'));
    const lines = text.split('\n');
    const header = readJournalLine(JournalHeaderSchema, lines[0], file, 1);
    if (header?.fingerprint !== fingerprint) {
      throw new InputError(`--resume: ${file} belongs to a different sweep (scenario, parameters, seeds or ` +
        'version changed); remove it or use another --out');
    }
    lines.slice(1).forEach((line, i) => {
      const entry = readJournalLine(JournalEntrySchema, line, file, i + 2);
      if (entry !== null) done.set(entry.task, entry.digest);
    });
  } else {
    writing(file, () => writeFileSync(file, `${JSON.stringify({ fingerprint })}\n`));
  }
  return {
    done,
    append(task, digest) {
      // A line a full disk cuts short is skipped on resume, like one a kill cuts short.
      writing(file, () => appendFileSync(file, `${JSON.stringify({ task, digest })}\n`));
    },
  };
}

/** A journal write; a full disk or a lost permission is exit 2 with the path and the reason. */
function writing(file: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    throw cannotWrite(file, error);
  }
}

/**
 * A journal line checked against its schema; null for an empty line or one a kill cut short
 * (not JSON: its replication runs again). A complete line of the wrong shape is exit 2.
 */
function readJournalLine<S extends z.ZodType>(schema: S, line: string | undefined, file: string, lineNumber: number): z.output<S> | null {
  if (line === undefined || line.trim() === '') return null;
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return null;
  }
  checkSaved(schema, data, line, file, lineNumber - 1, 'sweep journal');
  return data as z.output<S>;
}

/** `1/4` → { index: 1, count: 4 }. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard "${text}": expected i/n with 1 ≤ i ≤ n, like 2/4`);
  }
  return { index, count };
}

