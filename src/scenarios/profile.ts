/**
 * From a producer's baseline and phases to a rate profile: each phase occurrence becomes a
 * segment (constant, ramp or pause), the gaps between them run at the baseline.
 */
import type { RateSegment } from '../sim/rate-profile.js';
import type { PhaseWindow } from '../models/producer.js';
import type { PhaseSpec, ProducerSpec, RateOrMultiple } from './schema.js';
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
  segment: RateSegment;
  index: number;
}

export function planProducer(spec: ProducerSpec, durationMs: number): ProducerPlan | PlanProblem {
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
      const [rateStart, rateEnd] = phaseRates(phase, spec.rate);
      occurrences.push({
        window: { name, startMs, endMs },
        segment: { startMs, endMs, rateStart, rateEnd },
        index,
      });
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
  const segments = fillBaseline(occurrences.map((o) => o.segment), spec.rate, durationMs);
  const expected = segments.reduce(
    (sum, s) => sum + ((s.rateStart + s.rateEnd) / 2) * (s.endMs - s.startMs),
    0,
  );
  return { segments, phases: occurrences.map((o) => o.window), expected };
}

function phaseKind(phase: PhaseSpec): string {
  if (phase.spike !== undefined) return 'spike';
  if (phase.ramp !== undefined) return 'ramp';
  if (phase.pause !== undefined) return 'pause';
  return 'phase';
}

function phaseRates(phase: PhaseSpec, baseline: number): [number, number] {
  const resolve = (r: RateOrMultiple): number => ('times' in r ? r.times * baseline : r.perMs);
  if (phase.rate !== undefined) return [phase.rate, phase.rate];
  if (phase.spike !== undefined) return [resolve(phase.spike), resolve(phase.spike)];
  if (phase.ramp !== undefined) {
    return [phase.ramp.from === undefined ? baseline : resolve(phase.ramp.from), resolve(phase.ramp.to)];
  }
  return [0, 0];
}

function fillBaseline(sorted: RateSegment[], baseline: number, durationMs: number): RateSegment[] {
  const segments: RateSegment[] = [];
  let t = 0;
  const gap = (endMs: number): void => {
    if (endMs > t) segments.push({ startMs: t, endMs, rateStart: baseline, rateEnd: baseline });
  };
  for (const segment of sorted) {
    gap(segment.startMs);
    segments.push(segment);
    t = segment.endMs;
  }
  gap(durationMs);
  return segments;
}
