/**
 * The ledger: every lifecycle fact of every message, folded at once into compact state.
 *
 * Models report facts here (produced, accepted, delivered, processed, acked, abandoned, …) and
 * never count duplicates, losses or lag themselves: this file is the single source of truth
 * for the numbers users see (docs/metrics.md). The ledger is a
 * stream, not a stored list: per message it keeps a few bytes in paged typed arrays, per key a
 * sequence counter and, per group, the highest sequence processed, so memory does not grow
 * with an object per message.
 *
 * It knows nothing about models: groups, producers and keys are small integers handed out by
 * `addGroup`, `addKeys` and `addKeyNames`.
 */
import { LatencyHistogram, latencyIndex } from './histogram.js';
import { pagedUint8, produceRecords } from '../sim/paged.js';
import type { Anomaly, AnomalyKind, DeadLetterRecord, TimelineEntry } from './result.js';
import { NO_KEY, type Facts, type GroupCounts, type KeyId, type MessageId } from '../models/facts.js';
import type { HistoryRecorder } from './history.js';

export { NO_KEY, type KeyId, type MessageId } from '../models/facts.js';

// System-level flags per message.
const ACCEPTED = 1;
const REJECTED = 2;

// Per-group flags per message.
const ENQUEUED = 1;
const PROCESSED = 4;
const ACKED = 8;
/** Left the group's lag: acknowledged, dead-lettered, dropped or lost. */
const RESOLVED = 16;
/** A handler has started on it: its queue wait is over (docs/metrics.md). */
const STARTED = 32;
/** Its holder died before processing it and before acknowledging it. */
const ABANDONED = 64;

/** Examples kept per anomaly kind and group; counts stay exact beyond it. */
const EXAMPLES_PER_KIND = 8;

interface Recovery {
  phase: string;
  target: number;
  endMs: number;
}

/** Everything the ledger knows about one consumer group (a Kafka group, a queue, …). */
export class GroupState {
  deliveries = 0;
  redeliveries = 0;
  processed = 0;
  duplicates = 0;
  duplicatesSuppressed = 0;
  /** Processings of already processed messages after a deliberate replay (seek back). */
  replayed = 0;
  /** Handler attempts that failed (poison messages). */
  failures = 0;
  /** First deliveries (after the warm-up) that found no free handler: Erlang C's P(wait). */
  waited = 0;
  /** Handler time spent serving deliveries (service times drawn, slowdowns included). */
  busyMs = 0;
  /** Instances down now, and instance-ms spent down up to `downtimeSinceMs`. */
  instancesDown = 0;
  downtimeMs = 0;
  downtimeSinceMs = 0;
  orderingViolations = 0;
  /** Processings in the current sample interval (duplicates included): throughput. */
  processedInInterval = 0;
  lag = 0;
  maxLag = 0;
  maxOldestAgeMs = 0;
  readonly losses = new Map<string, number>();
  readonly deadLetters = new Map<string, number>();
  readonly latency = new LatencyHistogram();
  readonly queueWait = new LatencyHistogram();
  readonly intervalLatency = new LatencyHistogram();
  /** Latency of the messages produced while each load phase ran, or outside every phase. */
  readonly phaseLatency = new Map<string, LatencyHistogram>();
  /**
   * phaseLatency's entries by the ledger's span index, and the outside-phases one, once the
   * first message recorded there made them: the per-message path does no lookup by name.
   */
  readonly spanLatency: (LatencyHistogram | null)[] = [];
  outsideLatency: LatencyHistogram | null = null;
  readonly anomalies: Anomaly[] = [];
  readonly anomalyCounts = new Map<AnomalyKind, number>();
  /** Phase name → drain time (ms) or null while not yet drained. */
  readonly recoveryMs = new Map<string, number | null>();
  readonly flags = pagedUint8();
  /** Lowest id that may still be in the lag (ids below it are resolved or not ours). */
  oldest = 0;
  /** Highest seq processed per key, -1 for none. */
  maxSeq: Int32Array;
  readonly recoveries: Recovery[] = [];
  /** The largest lag target among pending recoveries: a cheap guard on the hot path. */
  recoveryWatch = -1;

  constructor(
    readonly name: string,
    /** Its index in the ledger's groups. */
    readonly index: number,
    keyCount: number,
  ) {
    this.maxSeq = new Int32Array(keyCount).fill(-1);
  }
}

/** The `latencyByPhaseMs` entry of messages produced while no load phase ran. */
export const OUTSIDE_PHASES = 'outside-phases';

function phaseHistogram(group: GroupState, name: string): LatencyHistogram {
  let h = group.phaseLatency.get(name);
  if (h === undefined) {
    h = new LatencyHistogram();
    group.phaseLatency.set(name, h);
  }
  return h;
}

export class Ledger implements Facts {
  readonly groups: GroupState[] = [];
  readonly timeline: TimelineEntry[] = [];
  /** Dead-letter records (x-death), in time order; see deathRecord. */
  readonly deaths: DeadLetterRecord[] = [];
  produced = 0;
  accepted = 0;
  rejected = 0;
  duplicateAppends = 0;
  readonly rejectedByCause = new Map<string, number>();
  /** Produced per producer in the current sample interval. */
  producedInInterval: number[] = [];
  private readonly producerNames: string[] = [];

  /** Each message's produce time, key and sequence among its key's messages (0 without a key). */
  private readonly messages = produceRecords(NO_KEY);
  private readonly status = pagedUint8();
  private keyNames: string[] = [];
  private keySeq = new Int32Array(0);
  private readonly keyBases = new Map<string, number>();
  /** Name → KeyId, once `addKeyNames` is used. */
  private keyIds: Map<string, KeyId> | null = null;
  private clock: () => number = () => 0;
  /**
   * The operation history (`run --history`), or null: then each fact pays one null check.
   * Every fact goes to it as it is folded, so history and summary come from the same calls.
   */
  private history: HistoryRecorder | null = null;
  /**
   * End of the warm-up (`--warmup`): before it, latency, queue wait, max lag and the oldest
   * age are not recorded, so they describe the steady state. Counts cover the whole run.
   */
  private warmupEndMs = 0;
  /** Load phases seen so far, in start order; `endMs` is Infinity while one runs. */
  private readonly phaseSpans: { name: string; startMs: number; endMs: number }[] = [];

  /** Excludes the first `ms` of the run from latency, queue wait, max lag and oldest age. */
  useWarmup(ms: number): void {
    this.warmupEndMs = ms;
  }

  /** Records every fact in `history` from now on. */
  useHistory(history: HistoryRecorder): void {
    this.history = history;
  }

  /** The ledger reads simulated time through this, so facts need not carry it. */
  useClock(now: () => number): void {
    this.clock = now;
  }

  get now(): number {
    return this.clock();
  }

  addGroup(name: string): number {
    this.groups.push(new GroupState(name, this.groups.length, this.keySeq.length));
    return this.groups.length - 1;
  }

  addProducer(name = ''): number {
    this.producerNames.push(name);
    this.producedInInterval.push(0);
    return this.producedInInterval.length - 1;
  }

  /**
   * Registers a key space `prefix0 … prefix(count-1)` and returns the KeyId of its first key.
   * Producers that share keys register the prefix once, with the largest count.
   * Must be called before groups are added, and before `addKeyNames`.
   */
  addKeys(prefix: string, count: number): KeyId {
    if (this.groups.length > 0) throw new Error('Ledger.addKeys: keys must be added before groups');
    if (this.keyIds !== null) throw new Error('Ledger.addKeys: prefixes must be added before key names');
    if (this.keyBases.has(prefix)) throw new Error(`Ledger.addKeys: prefix "${prefix}" added twice`);
    const base = this.keyNames.length;
    for (let i = 0; i < count; i++) this.keyNames.push(`${prefix}${i}`);
    this.growKeySeq();
    this.keyBases.set(prefix, base);
    return base;
  }

  /**
   * Registers named keys (a list, a CSV column) and returns the KeyId of each name. A name
   * that is already registered, by a prefix or another call, keeps its KeyId: producers that
   * name the same key share it, and ordering is checked per key. Must be called before groups
   * are added.
   */
  addKeyNames(names: readonly string[]): KeyId[] {
    if (this.groups.length > 0) throw new Error('Ledger.addKeyNames: keys must be added before groups');
    // Built on first use, so runs with prefixes only keep no name index.
    const ids = (this.keyIds ??= new Map(this.keyNames.map((name, id) => [name, id] as const).reverse()));
    const keyIds = names.map((name) => {
      let id = ids.get(name);
      if (id === undefined) {
        id = this.keyNames.push(name) - 1;
        ids.set(name, id);
      }
      return id;
    });
    this.growKeySeq();
    return keyIds;
  }

  /** Called whenever keys are added (before any message): each message keeps its key from then on. */
  private growKeySeq(): void {
    this.messages.keepKeys();
    const grown = new Int32Array(this.keyNames.length);
    grown.set(this.keySeq);
    this.keySeq = grown;
  }

  /** The key a message was produced with (NO_KEY for none): partitioners route by it. */
  keyOfMessage(id: MessageId): KeyId {
    return this.messages.key(id);
  }

  /** Whether the producer got the message's acknowledgement. */
  isAccepted(id: MessageId): boolean {
    return (this.status.get(id) & ACCEPTED) !== 0;
  }

  countsOf(g: number): GroupCounts {
    return this.groups[g];
  }

  /** Order of production among the messages of its key (-1 without a key). */
  seqOfMessage(id: MessageId): number {
    return this.messages.key(id) === NO_KEY ? -1 : this.messages.seq(id);
  }

  groupName(g: number): string {
    return this.groups[g].name;
  }

  produceTimeOf(id: MessageId): number {
    return this.messages.time(id);
  }

  keyName(key: KeyId): string | null {
    return key === NO_KEY ? null : this.keyNames[key];
  }

  get keyCount(): number {
    return this.keyNames.length;
  }

  // ---- facts -------------------------------------------------------------------------------

  /** A producer created a message and tried to send it. Returns its global id. */
  produce(producer: number, key: KeyId): MessageId {
    const id = this.produced++;
    this.messages.set(id, this.clock(), key, key === NO_KEY ? 0 : this.keySeq[key]++);
    this.status.set(id, 0);
    this.producedInInterval[producer]++;
    if (this.history !== null) this.history.publish(id, this.producerNames[producer]);
    return id;
  }

  accept(id: MessageId): void {
    this.status.or(id, ACCEPTED);
    this.accepted++;
    if (this.history !== null) this.history.accepted(id);
  }

  reject(id: MessageId, cause: string): void {
    this.status.or(id, REJECTED);
    this.rejected++;
    bump(this.rejectedByCause, cause);
    if (this.history !== null) this.history.rejected(id, cause);
  }

  /** A retry stored an extra copy of an already stored message. */
  duplicateAppend(id: MessageId): void {
    this.duplicateAppends++;
    if (this.history !== null) this.history.duplicateAppend(id);
  }

  /**
   * The message became group g's to process (routed to its queue, appended to its topic).
   * A log names the partition and offset, for the history.
   */
  enqueue(g: number, id: MessageId, partition: string | null = null, offset = -1): void {
    if (this.history !== null) this.history.enqueue(g, id, partition, offset);
    const group = this.groups[g];
    group.flags.or(id, ENQUEUED);
    if (++group.lag > group.maxLag && this.clock() >= this.warmupEndMs) group.maxLag = group.lag;
  }

  /** Handed to a consumer instance (named for the history) as attempt 1, 2, … */
  deliver(g: number, id: MessageId, attempt: number, instance: string | null = null): void {
    if (this.history !== null) this.history.deliver(g, id, attempt, instance);
    const group = this.groups[g];
    group.deliveries++;
    if (attempt > 1) group.redeliveries++;
  }

  /**
   * A handler of group g starts serving a delivery of `id` for `ms` (cut short if it crashes).
   * The first start ends the message's queue wait, on every system alike: time spent in a
   * prefetch buffer or a polled batch is waiting, as in queueing theory's Wq.
   */
  serve(g: number, id: MessageId, ms: number, instance?: string): void {
    const group = this.groups[g];
    group.busyMs += ms;
    if (this.history !== null) this.history.processStart(g, id, ms, instance);
    const flags = group.flags.get(id);
    if ((flags & STARTED) === 0) {
      group.flags.set(id, flags | STARTED);
      const now = this.clock();
      if (now >= this.warmupEndMs) {
        const wait = now - this.messages.time(id);
        group.queueWait.record(wait);
        if (wait > 0) group.waited++;
      }
    }
  }

  /** SQS visibility: for the history only, the counts follow from the deliveries it causes. */
  visibilityExpired(g: number, id: MessageId): void {
    if (this.history !== null) this.history.visibilityExpired(g, id);
  }

  visibilityChanged(g: number, id: MessageId, timeoutMs: number): void {
    if (this.history !== null) this.history.visibilityChanged(g, id, timeoutMs);
  }

  instanceDown(g: number): void {
    this.accrueDowntime(this.groups[g]).instancesDown++;
  }

  instanceUp(g: number): void {
    this.accrueDowntime(this.groups[g]).instancesDown--;
  }

  /** Instance-ms spent down by group g until now (down instances × time, integrated). */
  downtimeMs(g: number): number {
    return this.accrueDowntime(this.groups[g]).downtimeMs;
  }

  private accrueDowntime(group: GroupState): GroupState {
    const now = this.clock();
    group.downtimeMs += group.instancesDown * (now - group.downtimeSinceMs);
    group.downtimeSinceMs = now;
    return group;
  }

  /**
   * The consumer's side effect was applied. With `replay` (a log consumer group sought back on
   * purpose), processing an already processed message counts as `replayed`, not as a duplicate,
   * and is not an ordering violation.
   */
  process(g: number, id: MessageId, replay = false, instance?: string): void {
    const group = this.groups[g];
    const now = this.clock();
    const flags = group.flags.get(id);
    group.processedInInterval++;
    if (this.history !== null) this.history.process(g, id, replay, instance);
    if (replay && (flags & PROCESSED) !== 0) {
      group.replayed++;
      return;
    }
    if ((flags & PROCESSED) === 0) {
      group.flags.set(id, flags | PROCESSED);
      group.processed++;
      const latency = now - this.messages.time(id);
      const index = latencyIndex(latency);
      if (now >= this.warmupEndMs) {
        group.latency.recordAt(index, latency);
        if (this.phaseSpans.length > 0) this.recordPhaseLatency(group, now - latency, latency, index);
      }
      group.intervalLatency.recordAt(index, latency);
    } else {
      group.duplicates++;
      if (this.history !== null) this.history.duplicate(g, id);
      this.anomaly(group, 'duplicate', id, 'processed again');
    }
    const key = this.messages.key(id);
    if (key !== NO_KEY) {
      const seq = this.messages.seq(id);
      const highest = group.maxSeq[key];
      if (seq < highest) {
        group.orderingViolations++;
        if (this.history !== null) this.history.orderingViolation(g, id, highest);
        this.anomaly(group, 'ordering-violation', id, `seq ${highest} was processed before`);
      } else {
        group.maxSeq[key] = seq;
      }
    }
  }

  /** The consumer's handler failed on a delivery: no side effect was applied. */
  fail(g: number, id: MessageId, instance?: string): void {
    this.groups[g].failures++;
    if (this.history !== null) this.history.failed(g, id, instance);
  }

  /** An idempotent consumer recognised a redelivery and did not apply its effect again. */
  suppress(g: number, id: MessageId, instance?: string): void {
    this.groups[g].duplicatesSuppressed++;
    if (this.history !== null) this.history.suppressed(g, id, instance);
  }

  /** The system was told the message is done (ack, offset commit, DeleteMessage). */
  ack(g: number, id: MessageId): void {
    const group = this.groups[g];
    const flags = group.flags.get(id);
    if ((flags & ACKED) !== 0) return;
    if (this.history !== null) this.history.acked(g, id);
    // One flag write for both (the per-offset path of every commit). A skipped (dropped)
    // message committed past later left the lag once already.
    group.flags.set(id, flags | ACKED | RESOLVED);
    if ((flags & RESOLVED) !== 0) return;
    this.leaveLag(group, id, flags);
    // An ack sent on receipt (at-most-once) that crossed a network after its sender died
    // before processing: it still landed, so nobody will process the message.
    if ((flags & (ABANDONED | PROCESSED)) === ABANDONED) this.lose(group, id, 'crash-ack-in-flight');
  }

  /**
   * The consumer holding a delivery died. An acknowledged message it had not processed can no
   * longer be processed: that is a loss. An unacknowledged one stays the system's to redeliver,
   * unless an ack of it is still on its way (ack()).
   */
  abandon(g: number, id: MessageId, cause: string): void {
    const group = this.groups[g];
    const flags = group.flags.get(id);
    if (this.history !== null) this.history.abandoned(g, id, cause);
    if ((flags & PROCESSED) !== 0) return;
    if ((flags & ACKED) !== 0) this.lose(group, id, cause);
    else group.flags.set(id, flags | ABANDONED);
  }

  /**
   * The dead-letter record of a dead-lettering (RabbitMQ's x-death: queue, reason, count), kept
   * per message for the per-message history and the result. One entry per dead-lettering, so
   * memory grows with dead letters, not with traffic.
   */
  deathRecord(id: MessageId, queue: string, reason: string, count: number): void {
    this.deaths.push({ tMs: this.clock(), messageId: id, queue, reason, count });
  }

  deadLetter(g: number, id: MessageId, reason: string): void {
    const group = this.groups[g];
    bump(group.deadLetters, reason);
    if (this.history !== null) this.history.deadLettered(g, id, reason);
    const flags = group.flags.get(id);
    if ((flags & RESOLVED) === 0) this.resolve(group, id, flags);
  }

  /**
   * A stored copy vanished before the producer was acknowledged (a log cut back by a leader
   * election): the producer resends it or gives up, so it is not the group's until it is
   * stored again. What the group already did with it stays done.
   */
  withdraw(g: number, id: MessageId): void {
    const group = this.groups[g];
    const flags = group.flags.get(id);
    if (this.history !== null) this.history.withdrawn(g, id);
    if ((flags & ENQUEUED) !== 0 && (flags & RESOLVED) === 0) group.lag--;
    group.flags.set(id, flags & ~(ENQUEUED | ACKED | RESOLVED));
  }

  /** Removed without processing (retention, TTL without DLX, overflow, offset reset past it). */
  drop(g: number, id: MessageId, cause: string): void {
    const group = this.groups[g];
    const flags = group.flags.get(id);
    if (this.history !== null) this.history.dropped(g, id, cause);
    if ((flags & PROCESSED) === 0) this.lose(group, id, cause);
    if ((flags & RESOLVED) === 0) this.resolve(group, id, group.flags.get(id));
  }

  /** A timeline entry: crash, restart, phase start and end, … */
  mark(kind: string, subject: string, detail?: string): void {
    const entry: TimelineEntry = { tMs: this.clock(), kind, subject };
    if (detail !== undefined) entry.detail = detail;
    this.timeline.push(entry);
    if (this.history !== null) this.history.mark(kind, subject, detail);
  }

  /**
   * A log group's new assignment (member → partitions), for the history only: `describe` runs
   * only while one is recorded.
   */
  assignment(group: string, describe: () => Record<string, string[]>): void {
    if (this.history !== null) this.history.assignment(group, describe());
  }

  phaseStart(name: string): void {
    // Until the first phase every message was produced outside phases: the run's latency so far.
    if (this.phaseSpans.length === 0) {
      for (const group of this.groups) phaseHistogram(group, OUTSIDE_PHASES).add(group.latency);
    }
    this.phaseSpans.push({ name, startMs: this.clock(), endMs: Number.POSITIVE_INFINITY });
    for (const group of this.groups) group.spanLatency.push(null);
    for (const group of this.groups) {
      group.recoveries.push({ phase: name, target: group.lag, endMs: Number.NaN });
      if (!group.recoveryMs.has(name)) group.recoveryMs.set(name, null);
    }
  }

  phaseEnd(name: string): void {
    const now = this.clock();
    const span = this.phaseSpans.find((p) => p.name === name && p.endMs === Number.POSITIVE_INFINITY);
    if (span !== undefined) span.endMs = now;
    for (const group of this.groups) {
      for (const r of group.recoveries) if (r.phase === name && Number.isNaN(r.endMs)) r.endMs = now;
      this.checkRecoveries(group);
    }
  }

  // ---- queries -----------------------------------------------------------------------------

  /** Age of the oldest message of group g not yet resolved, 0 when there is none. */
  oldestAgeMs(g: number): number {
    const group = this.groups[g];
    this.advanceOldest(group);
    if (group.oldest >= this.produced || !this.isPending(group, group.oldest)) return 0;
    return this.clock() - this.messages.time(group.oldest);
  }

  /** Bytes held in per-message state, for the benchmark's bytes-per-message figure. */
  perMessageBytes(): number {
    let bytes = this.messages.bytes();
    bytes += this.status.bytes();
    for (const group of this.groups) bytes += group.flags.bytes();
    return bytes;
  }

  /**
   * Latency by the phase its message was produced in (a phase of no length, the backlog at 0,
   * holds what was produced at its instant), or `outside-phases`: the spike beside the rest.
   * Phase names in start order, `outside-phases` first; empty when the run had no phases.
   */
  phaseLatencyNames(): string[] {
    if (this.phaseSpans.length === 0) return [];
    return [OUTSIDE_PHASES, ...new Set(this.phaseSpans.map((p) => p.name))];
  }

  /** `index`: the latency's latencyIndex. */
  private recordPhaseLatency(group: GroupState, producedMs: number, latency: number, index: number): void {
    const spans = this.phaseSpans;
    let inPhase = false;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      if (producedMs < span.startMs || (producedMs >= span.endMs && producedMs !== span.startMs)) continue;
      inPhase = true;
      (group.spanLatency[i] ??= phaseHistogram(group, span.name)).recordAt(index, latency);
    }
    if (!inPhase) (group.outsideLatency ??= phaseHistogram(group, OUTSIDE_PHASES)).recordAt(index, latency);
  }

  /**
   * Kept for callers that release a run's resources when done: the histograms used to hold
   * WebAssembly memory, and the ledger holds nothing outside the JS heap now.
   */
  dispose(): void {}

  // ---- folding -----------------------------------------------------------------------------

  private lose(group: GroupState, id: MessageId, cause: string): void {
    bump(group.losses, cause);
    if (this.history !== null) this.history.loss(group.index, id, cause);
    this.anomaly(group, 'loss', id, cause);
  }

  private resolve(group: GroupState, id: MessageId, flags: number): void {
    group.flags.or(id, RESOLVED);
    this.leaveLag(group, id, flags);
  }

  /** The message left the group's lag; `flags` are its flags from before. */
  private leaveLag(group: GroupState, id: MessageId, flags: number): void {
    if ((flags & ENQUEUED) === 0) return;
    group.lag--;
    if (id === group.oldest) {
      const age = this.clock() - this.messages.time(id);
      if (age > group.maxOldestAgeMs && this.clock() >= this.warmupEndMs) group.maxOldestAgeMs = age;
      group.oldest++;
      this.advanceOldest(group);
    }
    if (group.lag <= group.recoveryWatch) this.checkRecoveries(group);
  }

  /** Whether message id is in group's lag right now. */
  private isPending(group: GroupState, id: MessageId): boolean {
    const flags = group.flags.get(id);
    return (flags & ENQUEUED) !== 0 && (flags & RESOLVED) === 0;
  }

  /** Moves `oldest` past messages that left the lag or were never the group's. */
  private advanceOldest(group: GroupState): void {
    while (group.oldest < this.produced) {
      const id = group.oldest;
      const flags = group.flags.get(id);
      if ((flags & ENQUEUED) !== 0 && (flags & RESOLVED) === 0) return;
      // An undecided message (not yet accepted or rejected) may still be enqueued: wait for it.
      if ((flags & ENQUEUED) === 0 && this.status.get(id) === 0) return;
      group.oldest++;
    }
  }

  private checkRecoveries(group: GroupState): void {
    const now = this.clock();
    let watch = -1;
    let kept = 0;
    for (const r of group.recoveries) {
      if (!Number.isNaN(r.endMs) && group.lag <= r.target) {
        // The first phase of a name to drain sets its figure; repeats keep the worst.
        const previous = group.recoveryMs.get(r.phase);
        const drain = now - r.endMs;
        if (previous === null || previous === undefined || drain > previous) {
          group.recoveryMs.set(r.phase, drain);
        }
        continue;
      }
      group.recoveries[kept++] = r;
      if (!Number.isNaN(r.endMs) && r.target > watch) watch = r.target;
    }
    group.recoveries.length = kept;
    group.recoveryWatch = watch;
  }

  private anomaly(group: GroupState, kind: AnomalyKind, id: MessageId, detail: string): void {
    const seen = group.anomalyCounts.get(kind) ?? 0;
    group.anomalyCounts.set(kind, seen + 1);
    if (seen >= EXAMPLES_PER_KIND) return;
    const key = this.messages.key(id);
    group.anomalies.push({
      kind,
      tMs: this.clock(),
      messageId: id,
      key: this.keyName(key),
      seq: key === NO_KEY ? -1 : this.messages.seq(id),
      detail,
    });
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
