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
import type { Scenario } from '../load.js';
import type { ScenarioSpec } from '../schema.js';
import type { CostPart } from '../cost.js';

/** Everything a system needs to build itself for one run. */
export interface WiringContext {
  kernel: Kernel;
  ledger: Ledger;
  rng: Rng;
  scenario: Scenario;
  /** The ledger group of each `consumers[]` entry, in order. */
  groups: number[];
  /**
   * The common options of instance `index` of `consumers[c]`: service time and its stream,
   * guarantee, the group's idempotency store, poison messages and what a failure does.
   */
  instanceOptions(c: number, index: number): InstanceOptions;
}

export interface Wired {
  /** Producers publish here. */
  system: System;
  /** Crash and slowdown targets: per `consumers[]` entry, per instance index. */
  instances: FaultTarget[][];
  gauges: Gauge[];
  /** Adds system-specific figures to the result (per-partition figures, cost, …). */
  finish?(result: Result): void;
  /** Bytes of the records the system stores per message (a log's retained records). */
  storedBytes?(): number;
}

export type At = (path: PathKey[], message: string, key?: string) => ScenarioIssue;

export interface SystemPlugin {
  /** The `system.type` value. */
  type: string;
  /** Schema of the `system:` block, with `type: z.literal(type)`. */
  schema: z.ZodObject;
  /** Optional fields this system adds to each `consumers[]` entry (its own setting names). */
  consumerFields: Record<string, z.ZodType>;
  /** Optional fields this system adds to each `producers[]` entry. */
  producerFields: Record<string, z.ZodType>;
  /** Cross-field checks that need the whole scenario; push issues via `at`. */
  check?(scenario: Omit<Scenario, 'services' | 'cost'>, at: At, issues: ScenarioIssue[]): void;
  /**
   * The system's own periodic work over a run of `endMs` (idle polls, heartbeats, commits,
   * retention checks), for the up-front cost estimate (cost.ts). Omit when it has none.
   */
  costs?(spec: ScenarioSpec, endMs: number, messages: number): CostPart[];
  wire(ctx: WiringContext): Wired;
}
