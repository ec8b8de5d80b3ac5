/**
 * What a run will cost, estimated before it starts: the kernel events it will process (each
 * message's arrival and its delivery and completion in every group, idle polls, heartbeats,
 * commits, retention checks, samples, faults) and the time-series points it will hold.
 * A run above HUGE_RUN events needs `--allow-huge`; a series too long for memory is refused
 * outright. The estimate is within a small factor of the truth (the fuzzer checks that runs
 * under a budget finish in time), which is all a guard needs.
 */
import { InputError, type PathKey } from './issues.js';
import type { ScenarioSpec } from './schema.js';
import type { ProducerPlan } from './profile.js';
import type { KeySpace } from './keys.js';

/** Runs above this many estimated events need `--allow-huge` (tens of minutes of CPU). */
export const HUGE_RUN = 3e9;
/** Samples per series, and points over all series, a run may hold. */
export const MAX_SAMPLES = 1_000_000;
export const MAX_SERIES_POINTS = 20_000_000;
/** Series per consumer group (lag, latency percentiles, rates, ages, …) and per producer. */
const SERIES_PER_GROUP = 10;

export interface CostPart {
  /** What causes the events: "messages", "polls and heartbeats of consumers[0]", …. */
  what: string;
  events: number;
  /** Where in the scenario the cost comes from, for the error's place. */
  path: PathKey[];
}

export interface RunCost {
  events: number;
  parts: CostPart[];
  /** Time-series samples per series, and points over all series. */
  samples: number;
  seriesPoints: number;
}

export interface CostInput {
  spec: ScenarioSpec;
  plans: ProducerPlan[];
  keys: (KeySpace | null)[];
  plannedMessages: number;
  /** The system's own periodic work (polls, heartbeats, retention checks), from its plugin. */
  systemParts: CostPart[];
  sampleEveryMs: number;
}

export function estimateCost(input: CostInput): RunCost {
  const { spec } = input;
  const endMs = spec.duration + spec.drain;
  const groups = spec.consumers.length;
  const parts: CostPart[] = [
    { what: 'messages', events: input.plannedMessages * (1 + 2 * groups), path: ['producers'] },
    ...input.systemParts,
  ];
  spec.faults.forEach((fault, i) => {
    // Random crashes are drawn up front (faultTimes, bounded where they are drawn).
    if (fault.kind !== 'crash' && fault.kind !== 'leave') return;
    const consumer = spec.consumers.find((c) => c.group === fault.group);
    const instances = consumer?.instances ?? 1;
    const targets = fault.instance === 'all' ? instances : 1;
    const times = fault.times ?? (fault.every === undefined ? 1 : Math.floor((endMs - fault.at) / fault.every) + 1);
    // A stop and a restart per target, and the group's members react to each (a rebalance).
    parts.push({ what: `faults[${i}]`, events: times * targets * (2 + instances), path: ['faults', i] });
  });
  const keys = input.keys.reduce((sum, k) => sum + (k === null ? 0 : k.kind === 'prefix' ? k.count : k.names.length), 0);
  if (keys > 0) parts.push({ what: 'key space', events: keys, path: ['producers'] });
  const samples = Math.floor(endMs / input.sampleEveryMs) + 1;
  parts.push({ what: 'samples', events: samples, path: ['report', 'sampleEvery'] });
  const series = spec.producers.length + SERIES_PER_GROUP * groups;
  return { events: parts.reduce((sum, p) => sum + p.events, 0), parts, samples, seriesPoints: samples * series };
}

/** "about 9.1e9 events (messages 9.1e9, samples 2,017, …)" for errors and `validate`. */
export function describeCost(cost: RunCost): string {
  const biggest = [...cost.parts].sort((a, b) => b.events - a.events).filter((p) => p.events >= 1).slice(0, 4);
  return `about ${approx(cost.events)} events (${biggest.map((p) => `${p.what}: ${approx(p.events)}`).join(', ')})`;
}

export function approx(n: number): string {
  return n < 1e6 ? Math.round(n).toLocaleString('en-US') : n.toExponential(2);
}

/** Grid points a compare or sweep may have (each is validated up front). */
export const MAX_GRID_POINTS = 10_000;

/**
 * Refuses a compare or sweep grid whose runs together cost more than one huge run: the same
 * estimate as `run`, summed over points and multiplied by the seeds.
 */
export function checkGridCost(costs: RunCost[], seeds: number, allowHuge: boolean | undefined): void {
  const events = costs.reduce((sum, c) => sum + c.events, 0) * seeds;
  if (events > HUGE_RUN && !allowHuge) {
    throw new InputError(
      `the grid would process about ${approx(events)} events (${costs.length} point(s) × ${seeds} seed(s), ` +
        `about ${approx(events / seeds / costs.length)} events per run), more than ${HUGE_RUN.toExponential(0)} ` +
        '(tens of minutes or more); use fewer points or seeds, or pass --allow-huge if you mean it',
    );
  }
}

/** Refuses a cross product of axes with more than MAX_GRID_POINTS points, before building it. */
export function checkGridSize(axisLengths: number[], flag: string): void {
  const points = axisLengths.reduce((product, n) => product * n, 1);
  if (points > MAX_GRID_POINTS) {
    throw new InputError(
      `${flag} gives ${approx(points)} points (${axisLengths.join(' × ')}), more than ${approx(MAX_GRID_POINTS)}; ` +
        'use fewer values or a coarser step (1..1000:10)',
    );
  }
}
