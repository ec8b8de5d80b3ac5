/**
 * `queuesim compare`: one scenario as several variants, each replicated over `seeds` seeds
 * (base seed + k). Every variant runs seed k with the same arrival streams (common random
 * numbers; README, "Common random numbers"), so a difference between variants comes from the
 * variant.
 *
 * Variants come from `--vary` (several: the cross product) or, without it, from the scenario's
 * `variants:` block; `--set` applies to every variant. Each figure is reported as the mean over
 * seeds with a 95% Student-t interval.
 *
 * Expectations are reported per variant (how many seeds passed) and never change the exit
 * code: a comparison is expected to show some variants failing.
 */
import { VERSION } from '../version.js';
import { InputError } from '../scenarios/issues.js';
import { formatPath } from '../scenarios/issues.js';
import { checkGridCost } from '../scenarios/cost.js';
import { applyVariant, applyVariants, crossProduct, fileVariants, type Assignment, type Axis, type BaseDocument, type Variant } from './variants.js';
import { runTasks } from './pool.js';
import { seedFigures, type RunDigest, type SeriesDigest, type Task } from './runner.js';
import type { CompareResult, VariantOutcome } from './results.js';

export type { CompareResult, VariantOutcome };

export interface CompareOptions {
  seeds: number;
  /** Overrides the scenario's seed as the first seed. */
  seed?: number;
  vary: Axis[];
  sets: Assignment[];
  jobs: number;
  /** `--warmup`, ms. */
  warmupMs?: number;
  onDone?: (done: number, total: number) => void;
  onNotice?: (message: string) => void;
}



/**
 * The variants a compare runs: `--vary` axes, else the file's `variants:`, else an error. A
 * `variants:` block of one changed variant runs the scenario as written first, as `baseline`:
 * a comparison needs something to compare with.
 */
export function compareVariants(base: BaseDocument, vary: Axis[]): Variant[] {
  const variants = vary.length > 0 ? crossProduct(vary) : fileVariants(base);
  if (variants.length === 0) {
    throw new InputError('nothing to compare: give --vary path=v1,v2 or a variants: block in the scenario');
  }
  if (vary.length === 0 && variants.length === 1 && variants[0].assignments.length > 0) {
    return [{ label: 'baseline', assignments: [] }, ...variants];
  }
  return variants;
}

export async function compare(base: BaseDocument, options: CompareOptions): Promise<CompareResult> {
  // Validate the scenario (its `variants:` block too) and every variant before anything runs:
  // bad input is exit 2, not a worker crash.
  const first = applyVariant(base, options.sets, '');
  const variants = compareVariants(base, options.vary);
  const scenarios = applyVariants(base, options.sets, variants, options.onNotice);
  const baseSeed = options.seed ?? first.spec.seed;
  checkGridCost(scenarios.map((s) => s.cost), options.seeds, base.options.allowHuge);
  const seeds = Array.from({ length: options.seeds }, (_, k) => baseSeed + k);
  const tasks: Task[] = variants.flatMap((v) =>
    seeds.map((seed, k) => ({
      base,
      assignments: [...options.sets, ...v.assignments],
      label: v.label,
      seed,
      keepSeries: k === 0,
      warmupMs: options.warmupMs,
    })),
  );
  let done = 0;
  const digests = await runTasks(tasks, {
    jobs: options.jobs,
    onNotice: options.onNotice,
    onDone: () => options.onDone?.(++done, tasks.length),
  });
  const figureNames = mergeOrdered(digests.map((d) => Object.keys(d.figures)));
  const outcomes = variants.map((v, i) =>
    outcome(v, [...options.sets, ...v.assignments], digests.slice(i * seeds.length, (i + 1) * seeds.length), figureNames),
  );
  return {
    kind: 'compare',
    queuesim: VERSION,
    scenario: first.spec.name,
    description: first.spec.description,
    seeds,
    figureNames,
    variants: outcomes.map((o, i) => ({ ...o, systemType: scenarios[i].spec.system.type })),
  };
}

function outcome(variant: Variant, assignments: Assignment[], digests: RunDigest[], names: string[]): VariantOutcome {
  const { perSeed, figures } = seedFigures(digests, names);
  const exprs = digests[0].expectations.map((e) => e.expr);
  return {
    label: variant.label,
    settings: Object.fromEntries(assignments.map((a) => [formatPath(a.path), a.value])),
    systemType: digests[0].systemType,
    figures,
    perSeed,
    seedsPassing: digests.filter((d) => d.expectations.every((e) => e.pass)).length,
    expectations: exprs.map((expr, i) => ({
      expr,
      passing: digests.filter((d) => d.expectations[i]?.pass === true).length,
    })),
    series: digests[0].series as SeriesDigest,
  };
}

/**
 * The union of several ordered name lists, each new name placed before the next name of its
 * own list already merged (else at the end): a loss cause that only one variant has still sits
 * with `losses`, before the figures that follow it.
 */
export function mergeOrdered(lists: string[][]): string[] {
  const merged: string[] = [];
  for (const list of lists) {
    list.forEach((name, i) => {
      if (merged.includes(name)) return;
      const next = list.slice(i + 1).find((n) => merged.includes(n));
      if (next === undefined) merged.push(name);
      else merged.splice(merged.indexOf(next), 0, name);
    });
  }
  return merged;
}
