/**
 * The result contract: the plain JSON that `run --json` prints and `result.json` holds.
 *
 * Field names here are a public interface (README, "The result"; docs/metrics.md): fields may be added,
 * never renamed. Everything is plain data so that `src/report` can render a saved result
 * without any simulation state.
 */

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
  /** First delivery time − produce time. */
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

export interface Summary {
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
  /** Log systems: figures per partition (`<topic>-<p>`). */
  partitions?: Record<string, PartitionSummary>;
  /** Log systems: group → member id → its partitions at the end of the run. */
  assignments?: Record<string, Record<string, string[]>>;
}

/** One partition of a log at the end of a run. */
export interface PartitionSummary {
  /** Records appended (the log-end offset). */
  records: number;
  /** First offset still retained. */
  logStartOffset: number;
  /** Largest lag of any group (log end − committed offset), seen at an append. */
  maxLag: number;
  /** Group → the member id owning the partition at the end, or null when unowned. */
  owners: Record<string, string | null>;
  /** The leader's broker at the end, null while the partition is offline. */
  leader: number | null;
  /** Brokers of the in-sync replicas at the end. */
  isr: number[];
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
  | 'slowdown-end';

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

export interface Result {
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
  /** Managed queues (system type queue): requests and their price. */
  cost?: CostSummary;
  /** Brokers (system type broker): per-consumer deliveries and unroutable publishes. */
  broker?: BrokerFigures;
  /** Direct calls (system type direct): failed attempts, failures per phase, utilisation. */
  direct?: DirectFigures;
  /** The scenario file's text, for the HTML report. */
  source: string;
}

/** Request cost of a managed queue (SQS): every call is billed, empty receives included. */
export interface DirectFigures {
  /** Failed attempts by cause, retried ones included (`summary.rejectedByCause` counts calls). */
  failedAttemptsByCause: Record<string, number>;
  /** Calls that finally failed while each load phase ran, by phase name. */
  failedDuringPhase: Record<string, number>;
  /** Mean of the sampled downstream utilisation (busy handlers / handlers). */
  meanUtilisation: number;
  maxUtilisation: number;
  /** Most callers seen waiting for a handler at a sample. */
  maxWaiting: number;
}

export interface CostSummary {
  /** API calls by action (throttled calls excluded). Keys in sorted order. */
  requestsByAction: Record<string, number>;
  /** Requests as billed: each call once per started 64 KB chunk of its payload. */
  billedRequests: number;
  /** Receives that returned no message (billed too). */
  emptyReceives: number;
  /** Calls refused with ThrottlingException (FIFO throughput limits), by action. */
  throttledByAction: Record<string, number>;
  /** Short polls refused with OverLimit (in-flight limit reached). */
  overLimit: number;
  dollars: number;
  /** Dollars per million distinct messages processed (summed over groups); null when none. */
  dollarsPerMillionProcessed: number | null;
  queues: Record<string, QueueFigures>;
}

/** One queue's requests, cost and message movements. */
export interface QueueFigures {
  requestsByAction: Record<string, number>;
  billedRequests: number;
  emptyReceives: number;
  dollars: number;
  /** Messages moved to the dead-letter queue (maxReceiveCount). */
  redriven: number;
  /** Producer retries swallowed by FIFO deduplication. */
  deduplicated: number;
  /** Messages deleted by retention expiry. */
  expired: number;
}

/** A broker's own figures: the prefetch imbalance shows in the per-consumer counts. */
/**
 * One dead-lettering of one message, as RabbitMQ's `x-death` header records it: the queue it
 * left, why, and how many times it has now died in that queue for that reason.
 */
export interface DeadLetterRecord {
  tMs: number;
  messageId: number;
  queue: string;
  reason: string;
  count: number;
}

export interface BrokerFigures {
  /** Per consumer instance (`group/index`): the queue it reads, deliveries and redeliveries. */
  consumers: Record<string, { queue: string; deliveries: number; redeliveries: number }>;
  /** Publishes that reached no queue: returned to a mandatory publisher, or dropped silently. */
  unroutable: { returned: number; dropped: number };
  /** Every dead-lettering with its x-death fields, in time order (the first 100). */
  deadLetters: DeadLetterRecord[];
  /** Dead-letterings beyond the first 100, left out of `deadLetters`. */
  deadLettersOmitted: number;
}
