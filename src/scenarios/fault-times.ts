/**
 * The up and down times of a random failure (`mtbf`, `mttr`): distributions parsed from their
 * text, each refused at its own path when it does not parse or has a mean of 0.
 */
import { z } from 'zod';
import type { Distribution } from '../sim/distributions.js';
import { duration } from './fields.js';
import { parseDistribution } from './distribution-text.js';
import type { PathKey, ScenarioIssue } from './issues.js';
import type { At } from './systems/plugin.js';
import type { FaultTimes } from './scenario.js';
import type { Crashable, RandomCrashFault } from '../models/faults.js';
import type { Random } from '../sim/rng.js';

/** The fields of failures at random of a system's own parts (log brokers, a direct downstream). */
export const RANDOM_FAILURE_FIELDS = {
  mtbf: z.string().meta({ description: 'Up time before each failure, a distribution: exp(30d), const(12h).' }),
  mttr: z.string().meta({ description: 'Down time before each recovery, a distribution: exp(10m), const(2m).' }),
  from: duration('No failure before this time (default 0).').default(0),
  until: duration('No failure after this time (default: the end of the run); recoveries still happen.').optional(),
};

export function upDownTimes(
  spec: { mtbf: string; mttr: string },
  path: PathKey[],
  at: At,
  issues: ScenarioIssue[],
  baseDir: string,
): FaultTimes | null {
  const times: Partial<Record<'mtbf' | 'mttr', Distribution>> = {};
  for (const field of ['mtbf', 'mttr'] as const) {
    try {
      times[field] = parseDistribution(spec[field], { baseDir });
      if (!(times[field].mean > 0)) issues.push(at([...path, field], `${spec[field]} has a mean of 0; the fault would never end`));
    } catch (error) {
      issues.push(at([...path, field], (error as Error).message));
    }
  }
  return times.mtbf !== undefined && times.mttr !== undefined ? { mtbf: times.mtbf, mttr: times.mttr } : null;
}

/**
 * Failures at random of `targets` (brokers, a downstream's outage switch), each on its own
 * stream, by the machinery of `kind: random-crash`: up an `mtbf` draw, down an `mttr` draw.
 */
export function randomFailures(
  targets: Crashable[],
  streams: Random[],
  spec: { mtbf: string; mttr: string; from: number; until?: number },
  baseDir: string,
  endMs: number,
): RandomCrashFault {
  return {
    kind: 'random-crash',
    instances: targets,
    randoms: streams,
    mtbf: parseDistribution(spec.mtbf, { baseDir }),
    mttr: parseDistribution(spec.mttr, { baseDir }),
    points: [{ point: 'at-time', weight: 1 }],
    fromMs: spec.from,
    untilMs: spec.until ?? endMs,
  };
}
