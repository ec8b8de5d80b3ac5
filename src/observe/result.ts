/**
 * The result contract: the plain JSON that `run --json` prints and `result.json` holds.
 *
 * Field names here are a public interface (README, "The result"; docs/metrics.md): fields may be added,
 * never renamed. Everything is plain data so that `src/report` can render a saved result
 * without any simulation state.
 */
import type { BrokerPart } from './systems/broker.js';
import type { DirectPart } from './systems/direct.js';
import type { LogSummaryPart } from './systems/log.js';
import type { QueuePart } from './systems/queue.js';

export type { BrokerFigures, DeadLetterRecord } from './systems/broker.js';
export type { DirectFigures } from './systems/direct.js';
export type { PartitionSummary } from './systems/log.js';
export type { CostSummary, QueueFigures } from './systems/queue.js';

export interface LatencySummary {
  /** Number of samples behind the percentiles. */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface Losses {
  total: number;
  /** Cause → count, e.g. `crash-after-ack`, `retention`, `expired`. Keys in sorted order. */
  byCause: Record<string, number>;
}

export interface GroupSummary {
  /** Deliveries handed to a consumer instance (attempt 1, 2, …). */
  deliveries: number;
  /** Distinct messages whose side effect was applied at least once. */
  processed: number;
  /** Σ max(0, times processed − 1): side effects applied more than once. */
  duplicates: number;
  /** Redeliveries an idempotent consumer recognised and did not apply again. */
  duplicatesSuppressed: number;
  /** Deliveries with attempt > 1. */
  redeliveries: number;
  /** Processings repeated on purpose by a replay (a log group sought back); not duplicates. */
  replayed?: number;
  /** Handler attempts that failed (poison messages), with no side effect. */
  failures: number;
  losses: Losses;
  deadLettered: number;
  deadLetteredByReason: Record<string, number>;
  /** Accepted messages still waiting (ready or unacked) when the run ended. */
  backlogAtEnd: number;
  orderingViolations: number;
  maxLag: number;
  maxOldestAgeMs: number;
  /** End to end: first processing time − produce time. */
  latencyMs: LatencySummary;
  /**
   * End-to-end latency of the messages produced while each load phase ran (`flash-sale`),
   * and of those produced outside every phase (`outside-phases`), after the warm-up; only
   * for runs with phases.
   */
  latencyByPhaseMs?: Record<string, LatencySummary>;
  /** When a handler first started on it − produce time (docs/metrics.md). */
  queueWaitMs: LatencySummary;
  /** Messages among `queueWaitMs.count` that waited for a handler (queue wait > 0). */
  waited: number;
  /**
   * Busy handler time over available handler time (instances × concurrency × the run);
   * null when the group has no handlers.
   */
  utilisation: number | null;
  /** Time its instances were up (not crashed or gone) over instances × the run; null without instances. */
  availability: number | null;
  /** Instance-seconds up: what a fleet billed by the second costs, in instance-seconds. */
  instanceSeconds: number;
  /** Load phase name → drain time in ms after the phase ended, or null if never within the run. */
  recoveryMs: Record<string, number | null>;
}

export interface Summary extends Partial<LogSummaryPart> {
  produced: number;
  accepted: number;
  rejected: number;
  /** Rejections by cause, e.g. `max-length`. */
  rejectedByCause: Record<string, number>;
  /** Sent, but at the end neither acknowledged nor given up (a log partition offline). */
  awaitingAck: number;
  /** Extra copies stored by producer retries. */
  duplicateAppends: number;
  simulatedMs: number;
  /** Kernel events executed. */
  events: number;
  groups: Record<string, GroupSummary>;
}

/**
 * Time series sampled every `sampleEveryMs`; every array has the length of `tMs`.
 * Metrics: `lag`, `oldestAgeMs` (per group), `ready`, `unacked` (per queue),
 * `producedPerSec` (per producer), `processedPerSec`, `latencyP50Ms`, `latencyP99Ms`,
 * `latencyMaxMs` (per group; null in an interval with no processing).
 */
export interface Series {
  tMs: number[];
  [metric: string]: number[] | Record<string, (number | null)[]>;
}

export type TimelineKind =
  | 'phase-start'
  | 'phase-end'
  | 'crash'
  | 'restart'
  | 'start'
  | 'slowdown-start'
  | 'slowdown-end'
  | 'outage-start'
  | 'outage-end';

export interface TimelineEntry {
  tMs: number;
  kind: TimelineKind | string;
  /** What the entry is about: a phase name, `group/instance`, … */
  subject: string;
  detail?: string;
}

export interface PhaseSpan {
  name: string;
  producer: string;
  startMs: number;
  endMs: number;
}

export type AnomalyKind = 'duplicate' | 'loss' | 'ordering-violation';

export interface Anomaly {
  kind: AnomalyKind;
  tMs: number;
  messageId: number;
  key: string | null;
  seq: number;
  /** For a loss: its cause; for a duplicate: the processing count; for a reordering: the higher seq already processed. */
  detail: string;
}

export interface ExpectationResult {
  /** As people read it: `orders.p99LatencyMs < 10m`, `rejectedRatio < 1%`. */
  expr: string;
  /** The figure it judges, named as compare and sweep name figures (`orders.p99LatencyMs`). */
  figure: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  /** In the figure's JSON unit: ms, a fraction, dollars or a count. */
  threshold: number;
  actual: number | null;
  pass: boolean;
}

/**
 * A chart a system asks for beyond lag, throughput and latency: the named series metrics,
 * one line per subject (or stacked areas), e.g. lag per partition or visible vs in-flight.
 */
export interface ChartDeclaration {
  /** File name without .png. */
  name: string;
  title: string;
  yLabel: string;
  metrics: string[];
  stacked?: boolean;
}

/** What every run's result holds, whatever the system. */
export interface CommonResult {
  queuesim: string;
  scenario: string;
  description: string;
  seed: number;
  meta: {
    node: string;
    scenarioHash: string;
    durationMs: number;
    drainMs: number;
    sampleEveryMs: number;
    systemType: string;
    /** `--warmup`: the first warmupMs are left out of latency, queue wait, max lag and oldest age. */
    warmupMs?: number;
  };
  summary: Summary;
  series: Series;
  phases: PhaseSpan[];
  timeline: TimelineEntry[];
  anomalies: Record<string, Anomaly[]>;
  expectations: ExpectationResult[];
  /** System-specific charts (see ChartDeclaration); absent when there are none. */
  charts?: ChartDeclaration[];
  /** The scenario file's text, for the HTML report. */
  source: string;
}

/**
 * Each system's own part of the result, declared by its file in src/observe/systems/ (which
 * folds the figures from the facts its model reports) and returned by its plugin: `cost` for
 * managed queues, `broker` for brokers, `direct` for direct calls; a log adds `partitions` and
 * `assignments` to the summary. A result holds only its own system's part.
 */
export type SystemParts = Partial<QueuePart & BrokerPart & DirectPart>;

export type Result = CommonResult & SystemParts;
