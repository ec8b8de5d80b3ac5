/**
 * Wires `consumers[].autoscale` into a run: an Autoscaler (src/models/autoscaler.ts) per
 * autoscaled group, reading the metric it names, and the instance-count series the charts show.
 * A group that scales has `max` instances from the start, those beyond the initial count
 * stopped until the autoscaler starts them.
 */
import { Autoscaler, type ReadingKind } from '../models/autoscaler.js';
import type { FaultTarget } from '../models/faults.js';
import type { Gauge } from '../models/system.js';
import type { Kernel } from '../sim/kernel.js';
import type { Rng } from '../sim/rng.js';
import type { Ledger } from '../observe/ledger.js';
import type { ChartDeclaration } from '../observe/result.js';
import type { Scenario } from './scenario.js';
import type { ConsumerSpec } from './schema.js';
import type { Wired } from './systems/plugin.js';

/** The instances a group has: `max` when it autoscales. */
export function fleetSize(consumer: ConsumerSpec): number {
  return consumer.autoscale?.max ?? consumer.instances;
}

/** The instances running at the start: `instances`, raised to `min` and lowered to `max`, as the HPA does. */
export function initialInstances(consumer: ConsumerSpec): number {
  const scale = consumer.autoscale;
  return scale === undefined ? consumer.instances : Math.min(Math.max(consumer.instances, scale.min), scale.max);
}

/** The scenario as the system wiring sees it: every group with its whole fleet. */
export function withFleets(scenario: Scenario): Scenario {
  if (!scenario.spec.consumers.some((c) => c.autoscale !== undefined)) return scenario;
  const consumers = scenario.spec.consumers.map((c) => ({ ...c, instances: fleetSize(c) }));
  return { ...scenario, spec: { ...scenario.spec, consumers } };
}

export interface AutoscaleWiring {
  kernel: Kernel;
  ledger: Ledger;
  rng: Rng;
  scenario: Scenario;
  groups: number[];
  wired: Wired;
}

export interface Autoscaled {
  /** Per group, per instance: what faults act on (through the autoscaler where it scales). */
  instances: FaultTarget[][];
  /** Desired and running instances of each autoscaled group, for the charts. */
  gauges: Gauge[];
  charts: ChartDeclaration[];
  /** Instance-ms group c's autoscaler kept instances out of service, so far. */
  retiredMs(c: number): number;
}

export function wireAutoscalers({ kernel, ledger, rng, scenario, groups, wired }: AutoscaleWiring): Autoscaled {
  const { spec } = scenario;
  const endMs = spec.duration + spec.drain;
  const scalers = spec.consumers.map((consumer, c) => {
    const scale = consumer.autoscale;
    if (scale === undefined) return null;
    const g = groups[c];
    const { read, kind } = reader(ledger, wired, consumer, c, g);
    const scaler = new Autoscaler(kernel, ledger, wired.instances[c], {
      groupName: consumer.group,
      group: g,
      metric: scale.metric,
      read,
      kind,
      target: scale.target,
      min: scale.min,
      max: scale.max,
      initial: initialInstances(consumer),
      pollingIntervalMs: scale.pollingInterval,
      startDelay: scenario.scaleUpDelays[c]!,
      random: rng.stream(`autoscale/${consumer.group}/start`),
      upWindowMs: scale.scaleUpStabilization,
      downWindowMs: scale.scaleDownStabilization,
      tolerance: scale.tolerance,
      cooldownMs: scale.cooldown,
      endMs,
    });
    scaler.start();
    return scaler;
  });
  const scaled = scalers.flatMap((s, c) => (s === null ? [] : [{ s, name: spec.consumers[c].group }]));
  return {
    instances: wired.instances.map((targets, c) => scalers[c]?.instances ?? targets),
    gauges: scaled.flatMap(({ s, name }) => [
      { metric: 'instances', subject: `${name} desired`, read: () => s.replicas },
      { metric: 'instances', subject: `${name} running`, read: () => s.running },
    ]),
    charts: scaled.length === 0 ? [] : [{
      name: 'instances',
      title: 'Instances: desired by the autoscaler, and running',
      yLabel: 'instances',
      metrics: ['instances'],
    }],
    retiredMs: (c) => scalers[c]?.retiredMs() ?? 0,
  };
}

/** How the autoscaler of consumers[c] reads its metric. */
function reader(ledger: Ledger, wired: Wired, consumer: ConsumerSpec, c: number, g: number): { read: () => number; kind: ReadingKind } {
  const scale = consumer.autoscale!;
  const state = ledger.groups[g];
  if (scale.metric === 'backlogPerInstance') return { read: () => state.lag, kind: 'total' };
  if (scale.metric === 'utilisation') {
    // Busy handler time over the polling interval, per handler of the instances up in it.
    const fleet = consumer.autoscale!.max;
    let busyBefore = 0;
    let upBefore = 0;
    const read = (): number => {
      const busy = state.busyMs;
      const up = fleet * ledger.now - ledger.downtimeMs(g);
      const handlerMs = (up - upBefore) * consumer.concurrency;
      const value = handlerMs > 0 ? (busy - busyBefore) / handlerMs : 0;
      busyBefore = busy;
      upBefore = up;
      return value;
    };
    return { read, kind: 'average' };
  }
  const metric = wired.scaleMetric!;
  return { read: () => metric(c, scale.metric, scale.target), kind: 'total' };
}
