/**
 * How a system plugs into scenario files and wiring. Each system (work queue, log, broker,
 * managed queue, direct call) is one file in this folder that exports a SystemPlugin, listed
 * once in `index.ts`. The schema, validation and wiring pick it up from there; nothing else
 * names a system type.
 */
import type { z } from 'zod';
import type { Kernel } from '../../sim/kernel.js';
import type { Rng } from '../../sim/rng.js';
import type { Ledger } from '../../observe/ledger.js';
import type { Result } from '../../observe/result.js';
import type { Gauge, System } from '../../models/system.js';
import type { FaultTarget } from '../../models/faults.js';
import type { InstanceOptions } from '../../models/consumer.js';
import type { PathKey, ScenarioIssue } from '../issues.js';
import type { Scenario } from '../scenario.js';
import type { ConsumerSpec, ProducerSpec, ScenarioSpec } from '../schema.js';

/** A scenario as a plugin sees it: its own `system:` block and settings, typed. */
export type PluginScenario<
  System extends z.ZodObject = z.ZodObject,
  ConsumerFields extends z.ZodRawShape = {},
  ProducerFields extends z.ZodRawShape = {},
> = Omit<Scenario, 'spec'> & {
  spec: Omit<ScenarioSpec, 'system' | 'consumers' | 'producers'> & {
    system: z.output<System>;
    consumers: (ConsumerSpec & z.output<z.ZodObject<ConsumerFields>>)[];
    producers: (ProducerSpec & z.output<z.ZodObject<ProducerFields>>)[];
  };
};
import type { CostPart } from '../cost.js';

/** Everything a system needs to build itself for one run. */
export interface WiringContext<Seen = Scenario> {
  kernel: Kernel;
  ledger: Ledger;
  rng: Rng;
  scenario: Seen;
  /** The ledger group of each `consumers[]` entry, in order. */
  groups: number[];
  /**
   * The common options of instance `index` of `consumers[c]`: service time and its stream,
   * guarantee, the group's idempotency store, poison messages and what a failure does.
   */
  instanceOptions(c: number, index: number): InstanceOptions;
}

export interface Wired<Part extends Partial<Result> = Partial<Result>> {
  /** Producers publish here. */
  system: System;
  /** Crash and slowdown targets: per `consumers[]` entry, per instance index. */
  instances: FaultTarget[][];
  gauges: Gauge[];
  /**
   * The system's own part of result.json (its figures, folded in src/observe/systems/ from
   * the facts its model reported, and its charts), given the common part once the run is
   * over. Its keys are merged into the result in their order; a key the result has already
   * (`summary`, `series`) is replaced.
   */
  figures?(result: Result): Part;
  /** Bytes of the records the system stores per message (a log's retained records). */
  storedBytes?(): number;
  /**
   * The system's own reading of `metric` (one of the plugin's `scaleMetrics`) for `consumers[c]`,
   * which an autoscaler scales on: a log group's lag, a queue's depth.
   */
  scaleMetric?(c: number, metric: string, target: number): number;
}

export type At = (path: PathKey[], message: string, key?: string) => ScenarioIssue;

/**
 * A system as its own file declares it: its schemas, and checks and wiring that see the
 * scenario through those schemas' types.
 */
export interface SystemPlugin<
  System extends z.ZodObject = z.ZodObject,
  ConsumerFields extends z.ZodRawShape = {},
  ProducerFields extends z.ZodRawShape = {},
  /** The system's own part of result.json (src/observe/systems/): result fields only. */
  Part extends Partial<Result> = {},
> {
  /** The `system.type` value. */
  type: string;
  /** Schema of the `system:` block, with `type: z.literal(type)`. */
  schema: System;
  /** Optional fields this system adds to each `consumers[]` entry (its own setting names). */
  consumerFields: ConsumerFields;
  /** Optional fields this system adds to each `producers[]` entry. */
  producerFields: ProducerFields;
  /** The `autoscale.metric` values that are this system's own readings (`Wired.scaleMetric`). */
  scaleMetrics?: readonly string[];
  /** Cross-field checks that need the whole scenario; push issues via `at`. */
  check?(
    scenario: Omit<PluginScenario<System, ConsumerFields, ProducerFields>, 'services' | 'cost'>,
    at: At,
    issues: ScenarioIssue[],
  ): void;
  /**
   * The system's own periodic work over a run of `endMs` (idle polls, heartbeats, commits,
   * retention checks), for the up-front cost estimate (cost.ts). Omit when it has none.
   */
  costs?(spec: PluginScenario<System, ConsumerFields, ProducerFields>['spec'], endMs: number, messages: number): CostPart[];
  wire(ctx: WiringContext<PluginScenario<System, ConsumerFields, ProducerFields>>): Wired<Part>;
  /**
   * Whether this `system:` block is one unbounded FIFO queue in front of the handlers, nothing
   * refused and nothing timed out: the M/M/c shape queueing theory predicts.
   */
  singleUnboundedQueue?(system: z.output<System>): boolean;
}

/** A plugin with its types erased, as the registry, the loader and the wiring hold it. */
export interface AnySystemPlugin {
  type: string;
  schema: z.ZodObject;
  consumerFields: z.ZodRawShape;
  producerFields: z.ZodRawShape;
  scaleMetrics: readonly string[];
  check?(scenario: Omit<Scenario, 'services' | 'cost'>, at: At, issues: ScenarioIssue[]): void;
  /**
   * The system's own periodic work over a run of `endMs` (idle polls, heartbeats, commits,
   * retention checks), for the up-front cost estimate (cost.ts). Omit when it has none.
   */
  costs?(spec: ScenarioSpec, endMs: number, messages: number): CostPart[];
  wire(ctx: WiringContext): Wired;
  singleUnboundedQueue(system: ScenarioSpec['system']): boolean;
}

/**
 * Erases a plugin's types for the registry. A scenario reaches a plugin only after the whole
 * scenario schema, which holds this plugin's schemas, validated it with this `system.type`:
 * that is what makes the narrowing below sound, and it is checked.
 */
export function definePlugin<
  System extends z.ZodObject,
  ConsumerFields extends z.ZodRawShape,
  ProducerFields extends z.ZodRawShape,
  Part extends Partial<Result> = {},
>(plugin: SystemPlugin<System, ConsumerFields, ProducerFields, Part>): AnySystemPlugin {
  type Seen = PluginScenario<System, ConsumerFields, ProducerFields>;
  function narrow<T extends Omit<Scenario, 'services'>>(scenario: T): T & Omit<Seen, 'services'> {
    narrowSpec(scenario.spec);
    return scenario as T & Omit<Seen, 'services'>;
  }
  function narrowSpec(spec: ScenarioSpec): Seen['spec'] {
    if (spec.system.type !== plugin.type) throw new Error(`the ${plugin.type} plugin got a ${spec.system.type} scenario`);
    return spec as Seen['spec'];
  }
  const { check, costs, singleUnboundedQueue } = plugin;
  return {
    type: plugin.type,
    schema: plugin.schema,
    consumerFields: plugin.consumerFields,
    producerFields: plugin.producerFields,
    scaleMetrics: plugin.scaleMetrics ?? [],
    check: check && ((scenario, at, issues) => check.call(plugin, narrow(scenario as Omit<Scenario, 'services'>), at, issues)),
    costs: costs && ((spec, endMs, messages) => costs.call(plugin, narrowSpec(spec), endMs, messages)),
    wire: (ctx) => plugin.wire({ ...ctx, scenario: narrow(ctx.scenario) }),
    singleUnboundedQueue: (system) =>
      singleUnboundedQueue?.call(plugin, system as z.output<System>) ?? false,
  };
}
