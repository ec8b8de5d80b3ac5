/**
 * A loaded scenario: the validated document and what loading derived from it. Its own file, so
 * that everything from the system plugins to the experiments can name it without importing
 * the loader.
 */
import type { Distribution } from '../sim/distributions.js';
import type { Expectation } from '../observe/expectations.js';
import type { ScenarioSpec } from './schema.js';
import type { ProducerPlan } from './profile.js';
import type { KeySpace } from './keys.js';
import type { RunCost } from './cost.js';

export interface Scenario {
  spec: ScenarioSpec;
  /** Where it came from (a path, or a label for built-ins and tests). */
  file: string;
  source: string;
  /** sha256 of the source, first 16 hex digits. */
  hash: string;
  plans: ProducerPlan[];
  /** Each producer's keys (null for none), in `spec.producers` order. */
  keys: (KeySpace | null)[];
  /** Service-time distribution per consumer group, in `spec.consumers` order. */
  services: Distribution[];
  /** Each group's `autoscale.scaleUpDelay` (null without autoscale), in `spec.consumers` order. */
  scaleUpDelays: (Distribution | null)[];
  /** Up and down times of each random-crash fault, in `spec.faults` order (null for others). */
  faultTimes: (FaultTimes | null)[];
  expectations: Expectation[];
  /** Messages the producers send, the backlog included. */
  plannedMessages: number;
  /** What the run will cost, estimated up front (cost.ts). */
  cost: RunCost;
}

export interface FaultTimes {
  mtbf: Distribution;
  mttr: Distribution;
}
