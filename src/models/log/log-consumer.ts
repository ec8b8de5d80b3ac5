/**
 * A log consumer instance: Kafka's poll loop on one thread (docs/semantics.md, log).
 *
 * poll() returns up to `maxPollRecords` records from the assigned partitions, in offset order
 * per partition, starting from a partition that rotates from poll to poll. The records are
 * processed one after another with the group's service-time distribution; the next poll comes
 * when the batch is done. An idle consumer is woken by an append to one of its partitions (a
 * long poll with fetch.min.bytes = 1 returns at once).
 *
 * When the position becomes a committed offset:
 * - `enableAutoCommit`: inside poll(), once `autoCommitInterval` has passed, the positions of
 *   earlier polls are committed; also before rejoining a rebalance. At-least-once, with the
 *   records processed since the last auto-commit repeated after a crash.
 * - at-most-once (manual): the batch's positions are committed right after the poll, before
 *   processing. A crash loses the committed, unprocessed rest of the batch.
 * - at-least-once / effectively-once (manual): committed after processing, per batch (the
 *   default) or per record (`commitEvery: record`). effectively-once adds the group's
 *   idempotency store: a record already applied is recognised and not applied again.
 *
 * A failing handler (poison faults) applies no side effect. `onError: requeue` seeks back to
 * the failed record, so it and the rest of the batch are fetched again: a message that always
 * fails blocks its partition (a poison pill). `onError: reject` skips it: Kafka has no
 * dead-letter queue of its own, so it is dropped (a loss, cause `rejected`). Under
 * at-most-once it was committed already: lost (cause `processing-failed`).
 *
 * Guarantees, crash points, poison handling, leave and restart are the core's
 * (consumer-core.ts); this file adds the fetch and the commits. Crash points (faults):
 * `after-ack-before-process` right after the at-most-once commit,
 * `after-process-before-ack` right after a record is processed (before any commit of it),
 * `mid-process` halfway through the next record. A crash at a time cancels the batch.
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Facts, MessageId } from '../facts.js';
import { ConsumerCore, type Batch, type FailureOutcome, type InstanceOptions } from '../consumer-core.js';
import type { FaultTarget } from '../faults.js';
import type { Network } from '../network.js';
import { BrokerConnection, type AfterCommit, type ConnectionOwner } from './connection.js';
import type { LogGroup, Member, MemberInstance } from './group-coordinator.js';
import type { Partition } from './partition.js';

export type CommitEvery = 'batch' | 'record';
export const COMMIT_EVERY: readonly CommitEvery[] = ['batch', 'record'];

export interface LogConsumerOptions {
  instance: InstanceOptions;
  maxPollRecords: number;
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  commitEvery: CommitEvery;
  /** The network between the consumer and the brokers; null for none (instant fetches and commits). */
  network: Network | null;
}

/** One poll's records being processed (kept in the consumer's arrays); cancelled when the instance crashes. */
interface LogBatch extends Batch {
  cancelled: boolean;
  length: number;
}

export class LogConsumer extends ConsumerCore<LogBatch> implements FaultTarget, MemberInstance, ConnectionOwner {
  member: Member | null = null;
  /** Holding a batch (handling it); otherwise waiting inside poll(). */
  private busy = false;
  /** A synchronous commit on its way, and what comes after its answer. */
  private waiting: AfterCommit | null = null;
  /** Over a network: fetches and commits take time. */
  private readonly connection: BrokerConnection | null;
  private incarnation = 0;
  /** Fetch position per global partition (in memory; lost on crash). */
  private readonly position: Float64Array;
  /** One past the last processed offset per global partition. */
  private readonly processedTo: Float64Array;
  private readonly touched: number[] = [];
  private readonly isTouched: Uint8Array;
  private readonly batchPartition: Int32Array;
  private readonly batchOffset: Float64Array;
  private readonly batchId: Int32Array;
  private readonly batchReplay: Uint8Array;
  private batch: LogBatch | null = null;
  private cursor = 0;
  private lastPollMs = 0;
  private lastAutoCommitMs = 0;
  private watchdog = false;
  private autoCommitTimer = false;

  constructor(
    kernel: Kernel,
    ledger: Facts,
    private readonly group: LogGroup,
    private readonly partitions: Partition[],
    private readonly settings: LogConsumerOptions,
  ) {
    super(kernel, ledger, settings.instance);
    const n = partitions.length;
    this.position = new Float64Array(n);
    this.processedTo = new Float64Array(n);
    this.isTouched = new Uint8Array(n);
    const max = settings.maxPollRecords;
    this.batchPartition = new Int32Array(max);
    this.batchOffset = new Float64Array(max);
    this.batchId = new Int32Array(max);
    this.batchReplay = new Uint8Array(max);
    this.connection = settings.network === null ? null : new BrokerConnection(kernel, settings.network, partitions, group, this);
  }

  /** A new member id for each (re)join; ids sort by instance index, then incarnation. */
  newMember(): string {
    const { groupName, index } = this.options;
    return `${groupName}-${String(index).padStart(3, '0')}-${this.incarnation++}`;
  }

  /** Alive, holding a membership and waiting inside poll(). */
  get idle(): boolean {
    return this.waitingInPoll && this.member !== null && this.member.inGroup;
  }

  /** Alive, holding no batch and waiting for no commit: inside poll(). */
  private get waitingInPoll(): boolean {
    return this.alive && !this.busy && this.waiting === null;
  }

  /** The coordinator assigned partition p: fetching resumes from the committed offset. */
  assigned(p: number, committed: number): void {
    this.position[p] = committed;
    this.processedTo[p] = committed;
    this.connection?.reset(p, committed);
  }

  /** A replay moved partition p's position (records already returned are still processed). */
  seek(p: number, offset: number): void {
    this.position[p] = offset;
    this.processedTo[p] = offset;
    this.connection?.reset(p, offset);
  }

  /** Partition p's log was cut back to `to`: read on from there. */
  cutBack(p: number, to: number): void {
    if (this.position[p] > to) this.position[p] = to;
    if (this.processedTo[p] > to) this.processedTo[p] = to;
    this.connection?.cutBack(p, to);
  }

  /** Something changed for member m (a rebalance ended, a fetch answer arrived): poll if waiting. */
  wake(m: Member): void {
    if (this.member === m && this.waitingInPoll) this.poll();
  }

  /** Records became readable on one of member m's partitions: over a network, the broker answers a held fetch. */
  recordsReadable(m: Member): void {
    if (this.connection === null) this.wake(m);
    else if (this.member === m) this.connection.recordsReadable();
  }

  fetched(): void {
    const member = this.member;
    if (member === null || !this.alive) return;
    this.connection!.ensureFetch(); // pipelined: the next fetch goes out while this one is used
    this.wake(member);
  }

  /** A synchronous commit was answered: carry on where it waited. */
  committed(then: AfterCommit): void {
    if (!this.alive || this.waiting !== then) return;
    this.waiting = null;
    const batch = this.batch;
    switch (then) {
      case 'process':
        if (batch !== null) this.receiptSettled(batch);
        return;
      case 'next-record':
        if (batch !== null) this.handleNext(batch);
        return;
      case 'poll':
        return this.afterBatch();
      case 'rejoin':
        if (this.leaving) return this.departed();
        if (this.member !== null) this.rejoinThenPoll(this.member);
        return;
      case 'depart':
        return super.departed();
    }
  }

  poll(): void {
    if (!this.waitingInPoll) return;
    const group = this.group;
    if (this.member === null || !this.member.inGroup) {
      // A zombie, or a restarted instance: rejoin under a new member id.
      group.join(this, this.newMember());
      return;
    }
    const member = this.member;
    const now = this.kernel.now;
    this.lastPollMs = now;
    if (group.rebalancing && !member.rejoined) {
      // Auto-commit commits synchronously before rejoining (onJoinPrepare).
      if (this.settings.enableAutoCommit && !this.commitAll(true, 'rejoin')) return;
      return this.rejoinThenPoll(member);
    }
    if (this.settings.enableAutoCommit && now >= this.lastAutoCommitMs + this.settings.autoCommitIntervalMs) {
      this.commitAll(true, null);
      this.lastAutoCommitMs = now;
    }
    this.connection?.ensureFetch();
    const n = group.paused || member.assigned.length === 0 ? 0 : this.fetch(member);
    if (n === 0) {
      this.autoCommitLater();
      return;
    }
    this.busy = true;
    const batch: LogBatch = { cancelled: false, current: 0, length: n };
    this.batch = batch;
    if (!this.watchdog) {
      this.watchdog = true;
      this.kernel.at(now + this.group.config.maxPollIntervalMs, checkPollInterval, this);
    }
    this.handleBatch(batch);
  }

  private rejoinThenPoll(member: Member): void {
    const group = this.group;
    if (group.rebalancing && !member.rejoined) group.rejoin(member);
    // Eager: wait for the coordinator's wake-up. Cooperative: keep consuming meanwhile.
    if (group.paused || !member.inGroup) return;
    this.poll();
  }

  /** Fills the batch from the assigned partitions; returns how many records it took. */
  private fetch(member: Member): number {
    const { group, partitions } = this;
    const g = group.g;
    const max = this.settings.maxPollRecords;
    const assigned = member.assigned;
    let n = 0;
    for (let k = 0; k < assigned.length && n < max; k++) {
      const p = assigned[(this.cursor + k) % assigned.length];
      const partition = partitions[p];
      if (!partition.online) continue;
      let position = this.position[p];
      if (position < partition.logStartOffset) {
        position = group.outOfRange(p, position);
        this.position[p] = this.processedTo[p] = position;
      }
      const readable = this.connection === null ? partition.highWatermark : this.connection.readableTo(p);
      const end = Math.min(readable, position + (max - n));
      const replayTo = group.replayTo[p];
      for (let o = position; o < end; o++) {
        const id = partition.idAt(o);
        const replay = o < replayTo;
        this.batchPartition[n] = p;
        this.batchOffset[n] = o;
        this.batchId[n] = id;
        this.batchReplay[n] = replay ? 1 : 0;
        // A replayed record is a deliberate delivery again, not a redelivery.
        const attempt = group.delivered(p, o);
        this.ledger.deliver(g, id, replay ? 1 : attempt, this.name);
        n++;
      }
      if (end > position) {
        this.position[p] = end;
        this.touch(p);
      }
    }
    this.cursor = assigned.length === 0 ? 0 : (this.cursor + 1) % assigned.length;
    return n;
  }

  protected idOf(_batch: LogBatch, i: number): MessageId {
    return this.batchId[i];
  }

  protected attemptOf(_batch: LogBatch, i: number): number {
    return this.group.attemptOf(this.batchId[i]);
  }

  protected override isReplay(_batch: LogBatch, i: number): boolean {
    return this.batchReplay[i] === 1;
  }

  /** At-most-once (manual commits): the batch's positions are committed before processing. */
  protected settleOnReceipt(): boolean {
    return this.commitAll(true, 'process');
  }

  /** Record `i` is processed: the position moves past it; committed now with `commitEvery: record`. */
  protected settle(_batch: LogBatch, i: number): boolean {
    const p = this.batchPartition[i];
    const offset = this.batchOffset[i];
    // After a seek, records of the old batch move neither a new position back nor forward.
    if (this.position[p] > offset && offset + 1 > this.processedTo[p]) this.processedTo[p] = offset + 1;
    if (this.settings.commitEvery === 'record' && this.commitsAfterProcessing()) {
      return this.commit([p, this.processedTo[p]], 'next-record');
    }
    return true;
  }

  protected failed(batch: LogBatch, i: number, outcome: FailureOutcome): void {
    const id = this.batchId[i];
    this.group.failed(id);
    if (outcome === 'requeue') {
      // Seek back to the failed record: it and the rest of the batch are fetched again.
      for (let k = batch.length - 1; k >= i; k--) {
        const p = this.batchPartition[k];
        if (this.position[p] > this.batchOffset[k]) this.position[p] = this.batchOffset[k];
      }
      batch.current = batch.length;
    } else if (outcome === 'reject') {
      // Kafka has no dead-letter queue of its own: a rejected record is skipped, and lost.
      this.ledger.drop(this.options.group, id, 'rejected');
      this.settle(batch, i);
    }
  }

  /** The batch is done: commit it (manual commits after processing), then poll again. */
  protected finished(): void {
    this.batch = null;
    if (this.commitsAfterProcessing() && !this.commitAll(false, 'poll')) return;
    this.afterBatch();
  }

  private afterBatch(): void {
    this.busy = false;
    if (this.leaving) return this.departed();
    this.poll();
  }

  /** close(): the batch in hand (and a commit on its way) is finished first, then the member leaves the group. */
  protected startLeaving(): void {
    if (!this.busy && this.waiting === null) this.departed();
  }

  /** A rebalance began while idle: auto-commit commits synchronously before the rejoin. */
  prepareRejoin(): boolean {
    return !this.settings.enableAutoCommit || this.commitAll(true, 'rejoin');
  }

  /** Commits what it consumed and sends LeaveGroup: the group rebalances at once. */
  protected override departed(): void {
    if (this.settings.enableAutoCommit && !this.commitAll(true, 'depart')) return;
    super.departed();
  }

  /** A crashed member is noticed after its session timeout; a leaving one sends LeaveGroup. */
  protected override wentDown(kind: 'crash' | 'leave'): void {
    this.untouchAll();
    this.waiting = null;
    this.connection?.close();
    const member = this.member;
    this.member = null;
    if (member !== null && member.inGroup) {
      if (kind === 'crash') this.group.crashed(member);
      else this.group.remove(member, 'left the group');
    }
  }

  protected abandonHeld(): void {
    const batch = this.batch;
    if (batch !== null) {
      batch.cancelled = true;
      this.batch = null;
      // Committed but unprocessed records (at-most-once) are lost; the others will come again.
      for (let i = batch.current; i < batch.length; i++) {
        this.ledger.abandon(this.options.group, this.batchId[i], 'crash-after-commit');
      }
    }
    this.busy = false;
  }

  protected resume(): void {
    this.poll(); // joins under a new member id
  }

  /** Fired `maxPollInterval` after a poll: a batch still running then means leaving the group. */
  checkPollInterval(): void {
    this.watchdog = false;
    if (!this.alive || !this.busy) return;
    const due = this.lastPollMs + this.group.config.maxPollIntervalMs;
    const member = this.member;
    if (member === null || !member.inGroup) return; // already out: nothing to leave
    if (this.kernel.now >= due) {
      // The member leaves and becomes a zombie: it finishes its batch, but its commits fail.
      this.group.remove(member, 'left: max.poll.interval exceeded');
      return;
    }
    this.watchdog = true;
    this.kernel.at(due, checkPollInterval, this);
  }

  /**
   * A real poll loop keeps calling poll() while idle, so auto-commit still runs when traffic
   * stops: an idle consumer with uncommitted positions polls again when the interval is due.
   */
  private autoCommitLater(): void {
    if (!this.settings.enableAutoCommit || this.touched.length === 0 || this.autoCommitTimer) return;
    this.autoCommitTimer = true;
    const due = this.lastAutoCommitMs + this.settings.autoCommitIntervalMs;
    this.kernel.at(Math.max(due, this.kernel.now), autoCommitDue, this);
  }

  autoCommitDue(): void {
    this.autoCommitTimer = false;
    if (this.idle) this.poll();
  }

  private commitsAfterProcessing(): boolean {
    return !this.settings.enableAutoCommit && !this.settlesFirst;
  }

  /**
   * Commits the positions (`fetched`) or processed offsets of every partition touched. True
   * when done now; false when a synchronous commit (`then`) waits for its answer.
   */
  private commitAll(fetched: boolean, then: AfterCommit | null): boolean {
    const from = fetched ? this.position : this.processedTo;
    const offsets: number[] = [];
    for (const p of this.touched) offsets.push(p, from[p]);
    this.untouchAll();
    return this.commit(offsets, then);
  }

  /** Commits pairs of (partition, offset): at once, or over the network (then waiting for the answer if `then`). */
  private commit(offsets: number[], then: AfterCommit | null): boolean {
    const member = this.member;
    if (member === null || offsets.length === 0) return true;
    if (this.connection === null) {
      for (let k = 0; k < offsets.length; k += 2) this.group.commit(member, offsets[k], offsets[k + 1]);
      return true;
    }
    this.connection.commit(member, offsets, then);
    if (then === null) return true;
    this.waiting = then;
    return false;
  }

  private touch(p: number): void {
    if (this.isTouched[p] === 0) {
      this.isTouched[p] = 1;
      this.touched.push(p);
    }
  }

  private untouchAll(): void {
    for (const p of this.touched) this.isTouched[p] = 0;
    this.touched.length = 0;
  }
}

function checkPollInterval(consumer: LogConsumer): void {
  consumer.checkPollInterval();
}

function autoCommitDue(consumer: LogConsumer): void {
  consumer.autoCommitDue();
}
