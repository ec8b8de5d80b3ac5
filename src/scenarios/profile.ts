/**
 * From a producer's baseline and phases to a rate profile: the baseline (constant, daily or
 * traced; see traffic-shape.ts) with each phase occurrence laid over it.
 */
import type { RateSegment } from '../sim/rate-profile.js';
import type { PhaseWindow } from '../models/producer.js';
import type { PhaseSpec, ProducerSpec } from './schema.js';
import type { RateOrMultiple } from './fields.js';
import { baselineSegments, type BaselineShape } from './traffic-shape.js';
import type { PathKey } from './issues.js';
import { LIMITS } from './limits.js';

export interface ProducerPlan {
  segments: RateSegment[];
  phases: PhaseWindow[];
  /** Expected number of messages over the run. */
  expected: number;
}

export interface PlanProblem {
  path: PathKey[];
  message: string;
}

interface Occurrence {
  window: PhaseWindow;
  phase: PhaseSpec;
  index: number;
}

export function planProducer(
  spec: ProducerSpec,
  shape: BaselineShape,
  durationMs: number,
): ProducerPlan | PlanProblem {
  const occurrences: Occurrence[] = [];
  let cursor = 0;
  for (const [index, phase] of spec.phases.entries()) {
    const name = phase.name ?? `${phaseKind(phase)}-${index + 1}`;
    const first = phase.at ?? cursor;
    const times = phase.count ?? 1;
    if (occurrences.length + times > LIMITS.phaseOccurrences) {
      return {
        path: ['phases', index, 'count'],
        message: `the phases happen more than ${LIMITS.phaseOccurrences.toLocaleString('en-US')} times in all ` +
          '(a bound of queuesim); use fewer, longer phases',
      };
    }
    for (let k = 0; k < times; k++) {
      const startMs = first + k * (phase.every ?? 0);
      const endMs = startMs + phase.duration;
      if (endMs > durationMs) {
        return {
          path: ['phases', index],
          message:
            `phase "${name}" runs until ${endMs} ms, after the scenario's duration (${durationMs} ms); ` +
            'shorten it or lengthen `duration`',
        };
      }
      occurrences.push({ window: { name, startMs, endMs }, phase, index });
      cursor = endMs;
    }
  }
  occurrences.sort((a, b) => a.window.startMs - b.window.startMs);
  for (let i = 1; i < occurrences.length; i++) {
    const [before, after] = [occurrences[i - 1], occurrences[i]];
    if (after.window.startMs < before.window.endMs) {
      return {
        path: ['phases', after.index],
        message: `phase "${after.window.name}" overlaps phase "${before.window.name}"`,
      };
    }
  }
  const segments = applyPhases(baselineSegments(shape, durationMs), occurrences);
  const expected = segments.reduce(
    (sum, s) => sum + ((s.rateStart + s.rateEnd) / 2) * (s.endMs - s.startMs),
    0,
  );
  return { segments, phases: occurrences.map((o) => o.window), expected };
}

/**
 * The baseline with each phase occurrence laid over it. A multiple (`50x`) multiplies the
 * baseline at every instant, so a spike on a daily curve follows the curve; a rate (`2000/s`)
 * replaces it. A ramp blends its two ends linearly over the phase; where one end follows a
 * curved baseline the blend is no longer linear, and it is drawn through 100 knots (at most a
 * minute apart).
 */
function applyPhases(baseline: RateSegment[], occurrences: Occurrence[]): RateSegment[] {
  const segments: RateSegment[] = [];
  let o = 0;
  for (const piece of baseline) {
    let t = piece.startMs;
    while (t < piece.endMs) {
      while (o < occurrences.length && occurrences[o].window.endMs <= t) o++;
      const occurrence = occurrences[o];
      const inside = occurrence !== undefined && occurrence.window.startMs <= t;
      const until = Math.min(
        piece.endMs,
        occurrence === undefined ? Infinity : inside ? occurrence.window.endMs : occurrence.window.startMs,
      );
      const part = cut(piece, t, until);
      if (inside) segments.push(...phaseOver(occurrence, part));
      else segments.push(part);
      t = until;
    }
  }
  return segments;
}

const RAMP_KNOT_MS = 60_000;

function phaseOver({ phase, window }: Occurrence, base: RateSegment): RateSegment[] {
  const { startMs, endMs, rateStart, rateEnd } = base;
  const at = (r: RateOrMultiple, baseRate: number): number => ('times' in r ? r.times * baseRate : r.perMs);
  if (phase.pause !== undefined) return [{ startMs, endMs, rateStart: 0, rateEnd: 0 }];
  if (phase.rate !== undefined) return [{ startMs, endMs, rateStart: phase.rate, rateEnd: phase.rate }];
  if (phase.spike !== undefined) {
    return [{ startMs, endMs, rateStart: at(phase.spike, rateStart), rateEnd: at(phase.spike, rateEnd) }];
  }
  const ramp = phase.ramp!;
  const from = ramp.from ?? { times: 1 };
  const rateAt = (t: number): number => {
    const baseRate = rateStart + ((rateEnd - rateStart) * (t - startMs)) / (endMs - startMs);
    const u = (t - window.startMs) / (window.endMs - window.startMs);
    return (1 - u) * at(from, baseRate) + u * at(ramp.to, baseRate);
  };
  const knotMs = Math.min(RAMP_KNOT_MS, (window.endMs - window.startMs) / 100);
  const linear = rateStart === rateEnd || !('times' in from || 'times' in ramp.to);
  const step = linear ? endMs - startMs : knotMs;
  const parts: RateSegment[] = [];
  for (let t = startMs; t < endMs; t += step) {
    const end = Math.min(endMs, t + step);
    parts.push({ startMs: t, endMs: end, rateStart: rateAt(t), rateEnd: rateAt(end) });
  }
  return parts;
}

/** The part of a linear segment between a and b. */
function cut(segment: RateSegment, a: number, b: number): RateSegment {
  if (a === segment.startMs && b === segment.endMs) return segment;
  const slope = (segment.rateEnd - segment.rateStart) / (segment.endMs - segment.startMs);
  const rateAt = (t: number) => segment.rateStart + slope * (t - segment.startMs);
  return { startMs: a, endMs: b, rateStart: rateAt(a), rateEnd: rateAt(b) };
}

function phaseKind(phase: PhaseSpec): string {
  if (phase.spike !== undefined) return 'spike';
  if (phase.ramp !== undefined) return 'ramp';
  if (phase.pause !== undefined) return 'pause';
  return 'phase';
}
