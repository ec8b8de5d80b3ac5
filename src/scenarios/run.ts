/**
 * Wires a validated scenario into a simulation (kernel, random streams, ledger, system,
 * consumers, producers, faults, sampler), runs it and returns the plain result.
 *
 * Stream names are stable and per component (`producer/<name>/arrivals`,
 * `consumer/<group>/<i>/service`), so adding a consumer or a fault never changes another
 * component's draws: variants of a scenario see the same traffic.
 */
import { Kernel } from '../sim/kernel.js';
import { Rng } from '../sim/rng.js';
import { RateProfile } from '../sim/rate-profile.js';
import { Ledger, NO_KEY } from '../observe/ledger.js';
import {
  HistoryRecorder, type AckName, type HistoryFilter, type HistorySink, type MessageSet,
} from '../observe/history.js';
import type { System } from '../models/system.js';
import { Sampler, defaultSampleEvery } from '../observe/sampler.js';
import { anomalies, summarize } from '../observe/checker.js';
import { evaluate } from '../observe/expectations.js';
import type { Result } from '../observe/result.js';
import { Producer } from '../models/producer.js';
import { scheduleFaults, type Fault, type FaultTarget, type RandomCrashPoint } from '../models/faults.js';
import { IdempotencyStore, type InstanceOptions } from '../models/consumer.js';
import type { PoisonRule } from '../models/poison.js';
import { systemPlugin } from './systems/index.js';
import { fleetSize, initialInstances, wireAutoscalers, withFleets } from './autoscale.js';
import { VERSION } from '../version.js';
import { InputError } from './issues.js';
import type { Scenario } from './scenario.js';
import { addKeySpaces, type KeyChooserFactory } from './keys.js';
import type { FaultSpec, ScenarioSpec } from './schema.js';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Leave the first `warmupMs` out of latency, queue wait, max lag and oldest age (`--warmup`). */
  warmupMs?: number;
  /** Called now and then with the simulated time, for progress bars. */
  onProgress?: (simulatedMs: number, endMs: number) => void;
  /**
   * Called at the end with the bytes of per-message state held then (the ledger's arrays and
   * the records a system stores), for the benchmark's bytes-per-message figure.
   */
  onStateBytes?: (bytes: number) => void;
  /** Record the operation history (`run --history`, docs/history.md). */
  history?: HistoryOptions;
}

export interface HistoryOptions {
  /** Where the lines go; null records none and only fills `anomalous`. */
  sink: HistorySink | null;
  filter?: HistoryFilter;
  /** Filled with the messages that had an anomaly (the first pass of `--history-anomalies`). */
  anomalous?: MessageSet;
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): Result {
  const { spec } = scenario;
  const seed = options.seed ?? spec.seed;
  const endMs = spec.duration + spec.drain;
  const kernel = new Kernel();
  const rng = new Rng(seed);
  const ledger = new Ledger();
  ledger.useClock(() => kernel.now);
  const warmupMs = options.warmupMs ?? 0;
  if (warmupMs >= endMs) {
    throw new InputError(`--warmup ${warmupMs} ms is not shorter than the run (${endMs} ms with the drain)`);
  }
  if (warmupMs > 0) ledger.useWarmup(warmupMs);

  const keyChoosers = addKeySpaces(ledger, scenario.keys);
  const groups = spec.consumers.map((consumer) => ledger.addGroup(consumer.group));
  const stores = spec.consumers.map((c) => (c.delivery === 'effectively-once' ? new IdempotencyStore() : null));
  const poison = poisonRules(spec, seed);
  const instanceOptions = (c: number, index: number): InstanceOptions => {
    const consumer = spec.consumers[c];
    return {
      group: groups[c],
      groupName: consumer.group,
      index,
      concurrency: consumer.concurrency,
      service: scenario.services[c],
      guarantee: consumer.delivery,
      random: rng.stream(`consumer/${consumer.group}/${index}/service`),
      store: stores[c],
      poison: poison.get(consumer.group) ?? null,
      onError: consumer.onError,
      startAtMs: consumer.startAt ?? 0,
      speed: Array.isArray(consumer.speed) ? consumer.speed[index] : (consumer.speed ?? 1),
      stopped: index >= initialInstances(consumer),
    };
  };
  const plugin = systemPlugin(spec.system.type);
  const wired = plugin.wire({ kernel, ledger, rng, scenario: withFleets(scenario), groups, instanceOptions });
  const system = wired.system;
  const autoscaled = wireAutoscalers({ kernel, ledger, rng, scenario, groups, wired });
  const instances = autoscaled.instances;
  if (options.history !== undefined) ledger.useHistory(recorder(options.history, ledger, spec, seed, system.type));

  const producers = spec.producers.map((p, i) => {
    const keys = keyChoosers[i]?.() ?? null;
    return new Producer(kernel, ledger, system, {
      index: ledger.addProducer(p.name),
      name: p.name,
      profile: new RateProfile(scenario.plans[i].segments),
      arrivals: p.arrivals,
      phases: scenario.plans[i].phases,
      arrivalRandom: rng.stream(`producer/${p.name}/arrivals`),
      keyRandom: keys === null ? null : rng.stream(`producer/${p.name}/keys`),
      keys,
    });
  });

  // The initial backlog goes first at t = 0: samples and phases starting at 0 already see it.
  if (spec.producers.some((p) => (p.backlog ?? 0) > 0)) {
    kernel.at(0, publishBacklog, { ledger, system, spec, keyChoosers, rng });
  }
  const sampleEveryMs = spec.report.sampleEvery ?? defaultSampleEvery(endMs);
  const sampler = new Sampler(kernel, ledger, sampleEveryMs, endMs, spec.producers.map((p) => p.name),
    [...wired.gauges, ...autoscaled.gauges]);
  sampler.start();
  for (const producer of producers) producer.start();
  const faults = spec.faults.flatMap((f, i) =>
    f.kind === 'poison' ? [] : [toFault(f, i, { scenario, instances, rng, endMs })],
  );
  scheduleFaults(kernel, ledger, faults);

  const onProgress = options.onProgress;
  kernel.run({ until: endMs, onProgress: onProgress && ((now) => onProgress(now, endMs)) });

  const fleets = spec.consumers.map((c, i) => ({
    instances: fleetSize(c),
    concurrency: c.concurrency,
    startAt: c.startAt,
    retiredMs: autoscaled.retiredMs(i),
  }));
  const summary = summarize(ledger, endMs, kernel.events, fleets);
  const result: Result = {
    queuesim: VERSION,
    scenario: spec.name,
    description: spec.description,
    seed,
    meta: {
      node: process.version,
      scenarioHash: scenario.hash,
      durationMs: spec.duration,
      drainMs: spec.drain,
      sampleEveryMs,
      systemType: system.type,
      ...(warmupMs > 0 ? { warmupMs } : {}),
    },
    summary,
    series: sampler.series(),
    phases: spec.producers.flatMap((p, i) =>
      scenario.plans[i].phases.map((phase) => ({ ...phase, producer: p.name })),
    ),
    timeline: ledger.timeline,
    ...(autoscaled.charts.length > 0 ? { charts: autoscaled.charts } : {}),
    anomalies: anomalies(ledger),
    expectations: [],
    source: scenario.source,
  };
  if (wired.figures !== undefined) Object.assign(result, wired.figures(result));
  // After the system's part: its own figures (a managed queue's cost) are SLO figures too.
  result.expectations = evaluate(scenario.expectations, result);
  options.onStateBytes?.(ledger.perMessageBytes() + (wired.storedBytes?.() ?? 0));
  ledger.dispose();
  return result;
}

/** What each system calls the acknowledgement, as its users know it. */
const ACK_NAMES: Record<string, AckName> = { log: 'commit', queue: 'delete' };

function recorder(
  history: HistoryOptions,
  ledger: Ledger,
  spec: ScenarioSpec,
  seed: number,
  systemType: string,
): HistoryRecorder {
  const recorder = new HistoryRecorder({
    source: ledger,
    sink: history.sink,
    ack: ACK_NAMES[systemType] ?? 'ack',
    filter: history.filter,
    anomalous: history.anomalous,
  });
  const { only, ...filter } = history.filter ?? {};
  recorder.header({
    queuesim: VERSION,
    scenario: spec.name,
    seed,
    system: systemType,
    groups: ledger.groups.map((g) => g.name),
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
    ...(only !== undefined ? { anomaliesOnly: true } : {}),
  });
  return recorder;
}

interface Backlog {
  ledger: Ledger;
  system: System;
  spec: ScenarioSpec;
  keyChoosers: (KeyChooserFactory | null)[];
  rng: Rng;
}

/**
 * The state at t = 0 (`producers[].backlog`): each producer's backlog is published at once,
 * with keys drawn as the producer draws them (from a stream and a chooser of its own, so the
 * producer's live traffic is unchanged: a replayed CSV sequence starts at its first row in
 * both), and the system spreads it over partitions and queues as it would any
 * message. It is marked as a phase named `backlog` that starts and ends at 0, so
 * `recoveryMs.backlog` is the time to catch up (lag back to its level before the backlog).
 */
function publishBacklog({ ledger, system, spec, keyChoosers, rng }: Backlog): void {
  ledger.phaseStart('backlog');
  spec.producers.forEach((p, index) => {
    const count = p.backlog ?? 0;
    const keys = keyChoosers[index]?.() ?? null;
    const random = rng.stream(`producer/${p.name}/backlog-keys`);
    for (let k = 0; k < count; k++) {
      system.publish(index, ledger.produce(index, keys === null ? NO_KEY : keys(random)));
    }
  });
  ledger.phaseEnd('backlog');
  ledger.mark('backlog', 'producers', spec.producers.map((p) => `${p.name}: ${p.backlog ?? 0}`).join(', '));
}

/** Poison rules by consumer group; a rule without `group` applies to every group. */
function poisonRules(spec: ScenarioSpec, seed: number): Map<string, PoisonRule> {
  const rules = new Map<string, PoisonRule>();
  for (const fault of spec.faults) {
    if (fault.kind !== 'poison') continue;
    const rule: PoisonRule = {
      every: fault.every ?? 0,
      probability: fault.probability ?? 0,
      ids: new Set(fault.ids ?? []),
      failures: fault.failures === 'always' ? Infinity : fault.failures,
      seed,
    };
    for (const c of spec.consumers) if (fault.group === undefined || fault.group === c.group) rules.set(c.group, rule);
  }
  return rules;
}

interface FaultWiring {
  scenario: Scenario;
  instances: FaultTarget[][];
  rng: Rng;
  endMs: number;
}

function toFault(
  spec: Exclude<FaultSpec, { kind: 'poison' }>,
  index: number,
  { scenario, instances, rng, endMs }: FaultWiring,
): Fault {
  const group = scenario.spec.consumers.findIndex((c) => c.group === spec.group);
  const targets = spec.instance === 'all' ? instances[group] : [instances[group][spec.instance]];
  if (spec.kind === 'slowdown') {
    return { kind: 'slowdown', instances: targets, atMs: spec.at, forMs: spec.for, factor: spec.factor };
  }
  if (spec.kind === 'random-crash') {
    const times = scenario.faultTimes[index]!;
    const weights: Partial<Record<RandomCrashPoint, number>> = spec.points ?? { [spec.point ?? 'at-time']: 1 };
    return {
      kind: 'random-crash',
      instances: targets,
      // A stream per fault and instance: a new fault or instance never shifts another's draws.
      randoms: targets.map((t) => rng.stream(`fault/${index}/${t.name}`)),
      mtbf: times.mtbf,
      mttr: times.mttr,
      points: Object.entries(weights).map(([point, weight]) => ({ point: point as RandomCrashPoint, weight: weight! })),
      fromMs: spec.from,
      untilMs: spec.until ?? endMs,
    };
  }
  const everyMs = spec.every ?? 0;
  const times = spec.times ?? (spec.every === undefined ? 1 : Math.floor((endMs - spec.at) / everyMs) + 1);
  return {
    kind: spec.kind,
    instances: targets,
    atMs: spec.at,
    point: spec.kind === 'crash' ? spec.point ?? null : null,
    restartAfterMs: spec.restartAfter ?? null,
    times,
    everyMs,
  };
}
