/**
 * One SQS queue, standard or FIFO: stored messages are delayed, visible or in flight; a receive
 * hides them for the visibility timeout and does not remove them; only a DeleteMessage with the
 * latest receipt handle does (docs/semantics.md, SQS).
 *
 * Every stored copy of a message is a slot: a few typed-array entries (message id, size,
 * enqueue time, visible-at time, receive count, state), never an object. The receive count is
 * also the receipt handle: each receive increments it, so a handle is stale exactly when the
 * message was received again since.
 *
 * - Standard: visible slots wait in one deque, oldest first. A message whose visibility timeout
 *   ran out goes back to its head (it is among the oldest), so the next receive, possibly by
 *   another consumer, gets it while the first may still be working on it; messages received
 *   meanwhile have moved past it (best-effort ordering). A delete can "miss a server" with a
 *   seeded probability: success is returned, the message stays and comes back.
 * - FIFO (fifo.ts): per-group deques, a group is blocked while any of its messages is in
 *   flight; deduplication within 5 minutes; per-action throughput limits.
 * - Redrive: a receive that would push the receive count past maxReceiveCount moves the
 *   message to the dead-letter queue instead (cause `maxReceiveCount`).
 * - Retention: a message older than messageRetentionPeriod is deleted, in whatever state
 *   (a loss with cause `retention`). A standard DLQ keeps the original enqueue time; a FIFO DLQ
 *   resets it (docs/semantics.md, SQS).
 * - Long polling: a receive with a wait parks until a message is visible and answers at that
 *   instant, or answers empty when the wait runs out. Short polling samples `sampled` of
 *   `servers` virtual servers and sees only the visible messages placed on them, so it can
 *   answer empty while messages exist.
 *
 * Same-instant races: a visibility expiry is scheduled at the receive, so at a tie it runs
 * before a consumer's completion scheduled later (the kernel's FIFO tie-break): a delete at
 * exactly the deadline finds the message visible again, and stale if a parked long poll took it
 * (pinned in test/models/queue/visibility.test.ts). A retention deadline and a restart at the
 * same instant run in scheduling order; a message received and then expired by retention in
 * one instant is a loss even if its consumer then processes it.
 */
import { NORMAL, URGENT, type Kernel, type Timer } from '../../sim/kernel.js';
import type { Random } from '../../sim/rng.js';
import { Fifo, IntPairDeque } from '../../sim/ring.js';
import { pagedFloat64, pagedInt32, pagedUint8 } from '../../sim/paged.js';
import type { Facts, MessageId } from '../facts.js';
import type { Gauge } from '../system.js';
import type { Action, QueueFacts } from './cost.js';
import { TimeSlotHeap } from './heap.js';
import { DeadlineRing } from './deadline-ring.js';
import { DEDUP_WINDOW_MS, DELAYED, FifoGroups, GONE, IN_FLIGHT, VISIBLE } from './fifo.js';
import { TokenBucket } from './throttle.js';

export const MAX_VISIBILITY_MS = 12 * 3600_000;
export const DEFAULT_IN_FLIGHT_LIMIT = 120_000;

export interface QueueOptions {
  name: string;
  fifo: boolean;
  visibilityTimeoutMs: number;
  retentionMs: number;
  delayMs: number;
  /** ReceiveMessageWaitTimeSeconds: the wait of receives that do not give one. */
  receiveWaitMs: number;
  /** Infinity without a redrive policy. */
  maxReceiveCount: number;
  /** Standard only: P(a delete misses a server and the message comes back). */
  duplicateProbability: number;
  /** Standard only: P(a new message is delivered after the next one sent, if both still wait). */
  outOfOrderProbability: number;
  inFlightLimit: number;
  /** MaximumMessageSize: a larger SendMessage is refused. */
  maximumMessageSizeBytes: number;
  /** FIFO calls per second per action; Infinity on standard queues. */
  callsPerSecond: number;
  servers: number;
  sampledServers: number;
  pricePerMillion: number;
}

/** A consumer's pending ReceiveMessage call. */
export interface Receiver {
  /** A crashed consumer's parked poll is dropped unanswered. */
  readonly dead: boolean;
  received(batch: ReceivedBatch, outcome: ReceiveOutcome): void;
}

export type ReceiveOutcome = 'messages' | 'empty' | 'over-limit' | 'throttled';

/** The messages one receive returned, with their receipt handles. */
export class ReceivedBatch {
  readonly slots: number[] = [];
  readonly handles: number[] = [];
  readonly ids: MessageId[] = [];
  bytes = 0;

  constructor(
    readonly queue: SqsQueue,
    readonly receivedAt: number,
  ) {}

  get length(): number {
    return this.slots.length;
  }
}

export type DeleteOutcome = 'deleted' | 'stale' | 'failed' | 'throttled';

interface Waiter {
  receiver: Receiver;
  max: number;
  deadline: number;
  done: boolean;
}

export class SqsQueue {
  /** The ledger group of the consumers that poll this queue; -1 for none. */
  group = -1;
  deadLetterQueue: SqsQueue | null = null;
  visible = 0;
  inFlight = 0;
  delayed = 0;

  private slotCount = 0;
  private readonly ids = pagedInt32();
  private readonly sizes = pagedInt32();
  private readonly sentAt = pagedFloat64();
  private readonly visibleAt = pagedFloat64();
  private readonly receives = pagedInt32();
  private readonly state = pagedUint8();
  /** Standard: visible slots with the receive count they were made visible at. */
  private readonly ready = new IntPairDeque();
  /** Standard: a new message drawn to be overtaken, kept out of `ready` until the next one. */
  private heldBack = -1;
  private readonly fifoGroups: FifoGroups | null;
  private readonly dedupUntil = pagedFloat64();
  /**
   * Retention deadlines: in send order in a ring (enqueue times only grow), except messages a
   * standard DLQ receives with their original, older enqueue time, which go to a heap.
   */
  private readonly retentionRing = new DeadlineRing();
  private readonly retention = new TimeSlotHeap();
  private retentionTimer: Timer | null = null;
  private readonly serverVisible: Int32Array;
  /**
   * Parked long polls, oldest first. One consumers[] entry polls a queue, so every parked poll
   * has the same wait and their deadlines are in park order: one timer serves them all.
   */
  private readonly waiters = new Fifo<Waiter>();
  private waitTimer: Timer | null = null;
  private waitsRunningOut = false;
  /** Receives by visibility deadline (the queue's timeout is fixed, so in push order). */
  private readonly deadlines = new DeadlineRing();
  private expiryTimer: Timer | null = null;
  private serving = false;
  private readonly buckets = new Map<Action, TokenBucket>();

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    readonly options: QueueOptions,
    /** Which servers a short poll samples. */
    private readonly sampling: Random,
    /** Whether a delete misses a server (standard, duplicateProbability > 0). */
    private readonly copies: Random,
    /** Whether a new message is overtaken (standard, outOfOrderProbability > 0). */
    private readonly order: Random,
    /** Its calls and message movements, reported for the cost block (src/observe/systems/queue.ts). */
    readonly facts: QueueFacts,
  ) {
    this.fifoGroups = options.fifo ? new FifoGroups(this.state) : null;
    this.serverVisible = new Int32Array(options.servers);
  }

  get name(): string {
    return this.options.name;
  }

  // ---- sending -------------------------------------------------------------------------------

  /**
   * SendMessage. `groupKey` is the MessageGroupId (FIFO), `copy` marks a producer retry that
   * stores a second copy of an already enqueued message (the ledger counts it as a duplicate
   * append, not a second enqueue). Returns false when FIFO deduplication swallowed it.
   */
  send(id: MessageId, bytes: number, groupKey: number, delayMs: number, copy: boolean): boolean {
    const now = this.kernel.now;
    this.facts.call('SendMessage', bytes);
    if (this.fifoGroups !== null) {
      // The simulated producer sets MessageDeduplicationId to its message id; content-based
      // deduplication gives the same ids, since every message body is distinct.
      if (this.dedupUntil.get(id) > now) {
        this.facts.deduplicated();
        return false;
      }
      this.dedupUntil.set(id, now + DEDUP_WINDOW_MS);
    }
    if (this.group >= 0 && !copy) this.ledger.enqueue(this.group, id);
    this.store(id, bytes, groupKey, now, delayMs);
    return true;
  }

  /** Whether a FIFO call of `action` is within the throughput limit now (counted if not). */
  admit(action: Action): boolean {
    if (this.options.callsPerSecond === Infinity) return true;
    let bucket = this.buckets.get(action);
    if (bucket === undefined) this.buckets.set(action, (bucket = new TokenBucket(this.options.callsPerSecond)));
    if (bucket.take(this.kernel.now)) return true;
    this.facts.throttled(action);
    return false;
  }

  private store(id: MessageId, bytes: number, groupKey: number, sentAt: number, delayMs: number): void {
    const slot = this.slotCount++;
    this.ids.set(slot, id);
    this.sizes.set(slot, bytes);
    this.sentAt.set(slot, sentAt); // slots are never reused: the receive count starts at 0
    this.pushRetention(slot, sentAt + this.options.retentionMs);
    this.fifoGroups?.add(slot, groupKey);
    if (delayMs > 0) {
      this.state.set(slot, DELAYED);
      this.visibleAt.set(slot, this.kernel.now + delayMs);
      this.delayed++;
      this.kernel.schedule(delayMs, endDelay, { queue: this, slot });
    } else {
      this.makeVisible(slot);
      this.serveWaiters();
    }
  }

  delayEnded(slot: number): void {
    if (this.state.get(slot) !== DELAYED) return; // expired by retention meanwhile
    this.delayed--;
    this.makeVisible(slot);
    this.serveWaiters();
  }

  // ---- receiving -----------------------------------------------------------------------------

  /**
   * ReceiveMessage for up to `max` messages with a wait of `waitMs` (0: short polling). The
   * answer comes through `receiver.received`, now or (long polling) when a message is visible
   * or the wait runs out.
   */
  receive(receiver: Receiver, max: number, waitMs: number): void {
    const now = this.kernel.now;
    if (!this.admit('ReceiveMessage')) {
      receiver.received(new ReceivedBatch(this, now), 'throttled');
      return;
    }
    const overLimit = this.inFlight >= this.options.inFlightLimit;
    if (waitMs === 0) {
      // At the limit a standard queue answers OverLimit; a FIFO queue just returns nothing.
      if (overLimit && this.fifoGroups === null) {
        this.facts.overLimit();
        this.answer(receiver, new ReceivedBatch(this, now), 'over-limit');
        return;
      }
      const batch = new ReceivedBatch(this, now);
      const seen = this.sampledVisible();
      if (seen > 0) this.take(batch, Math.min(max, seen));
      this.answer(receiver, batch, batch.length > 0 ? 'messages' : 'empty');
      return;
    }
    if (!overLimit && this.visible > 0) {
      const batch = new ReceivedBatch(this, now);
      this.take(batch, max);
      // Every visible message may have been redriven: then the poll parks like an empty one.
      if (batch.length > 0) return this.answer(receiver, batch, 'messages');
    }
    this.waiters.push({ receiver, max, deadline: now + waitMs, done: false });
    if (this.waitTimer === null && !this.waitsRunningOut) this.armWaitTimer();
  }

  private armWaitTimer(): void {
    const waiters = this.waiters;
    while (waiters.length > 0 && waiters.peek().done) waiters.shift();
    if (waiters.length === 0) return;
    const deadline = waiters.peek().deadline;
    this.waitTimer = this.kernel.timer(deadline - this.kernel.now, waitsDue, this);
  }

  /** Parked long polls whose wait ran out answer empty. */
  waitsDue(): void {
    const now = this.kernel.now;
    this.waitTimer = null;
    this.waitsRunningOut = true; // polls re-parked by the answers must not arm a second timer
    while (this.waiters.length > 0) {
      const waiter = this.waiters.peek();
      if (!waiter.done && waiter.deadline > now) break;
      this.waiters.shift();
      if (waiter.done || waiter.receiver.dead) continue;
      waiter.done = true;
      this.answer(waiter.receiver, new ReceivedBatch(this, now), 'empty');
    }
    this.waitsRunningOut = false;
    this.armWaitTimer();
  }

  /** Hands visible messages to parked long polls, oldest poll first. */
  private serveWaiters(): void {
    if (this.serving) return; // an answer inside the loop made more visible: the loop goes on
    this.serving = true;
    while (this.waiters.length > 0 && this.visible > 0) {
      if (this.inFlight >= this.options.inFlightLimit) break;
      const waiter = this.waiters.peek();
      if (waiter.done || waiter.receiver.dead) {
        waiter.done = true;
        this.waiters.shift();
        continue;
      }
      const batch = new ReceivedBatch(this, this.kernel.now);
      this.take(batch, waiter.max);
      if (batch.length === 0) break; // everything visible was redriven
      waiter.done = true; // the wait timer, if it pointed here, finds it done and moves on
      this.waiters.shift();
      this.answer(waiter.receiver, batch, 'messages');
    }
    this.serving = false;
  }

  private answer(receiver: Receiver, batch: ReceivedBatch, outcome: ReceiveOutcome): void {
    this.facts.call('ReceiveMessage', batch.bytes);
    if (batch.length === 0) this.facts.emptyReceive();
    if (batch.length > 0) {
      const deadline = batch.receivedAt + this.options.visibilityTimeoutMs;
      for (let i = 0; i < batch.length; i++) this.deadlines.push(deadline, batch.slots[i], batch.handles[i]);
      if (this.expiryTimer === null) this.expiryTimer = this.kernel.timer(deadline - this.kernel.now, deadlinesDue, this);
    }
    receiver.received(batch, outcome);
  }

  /** Short polling: the visible messages on a seeded sample of the virtual servers. */
  private sampledVisible(): number {
    const { servers, sampledServers } = this.options;
    if (sampledServers >= servers) return this.visible;
    // A partial Fisher–Yates over server indices: `sampledServers` distinct servers.
    const order = Array.from({ length: servers }, (_, k) => k);
    let seen = 0;
    for (let k = 0; k < sampledServers; k++) {
      const pick = k + Math.floor(this.sampling() * (servers - k));
      [order[k], order[pick]] = [order[pick], order[k]];
      seen += this.serverVisible[order[k]];
    }
    return seen;
  }

  /** Moves up to `max` visible messages into `batch` (in flight), redriving those past the limit. */
  private take(batch: ReceivedBatch, max: number): void {
    // The in-flight limit is a hard cap: a batch never takes the queue past it.
    max = Math.min(max, batch.length + this.options.inFlightLimit - this.inFlight);
    if (this.fifoGroups !== null) {
      this.fifoGroups.take(max - batch.length, (slot) => this.receiveSlot(batch, slot));
      return;
    }
    while (batch.length < max) {
      if (this.ready.length === 0) {
        if (this.heldBack < 0) break;
        this.releaseHeldBack(); // nothing overtook it before it was received
      }
      const slot = this.ready.peekValue();
      const tag = this.ready.peekTag();
      this.ready.shift();
      if (this.state.get(slot) !== VISIBLE || this.receives.get(slot) !== tag) continue; // stale entry
      this.receiveSlot(batch, slot);
    }
  }

  /** Receives one visible slot; false when it was moved to the dead-letter queue instead. */
  private receiveSlot(batch: ReceivedBatch, slot: number): boolean {
    const count = this.receives.get(slot);
    this.leaveVisible(slot);
    if (count >= this.options.maxReceiveCount) {
      this.redrive(slot);
      return false;
    }
    this.receives.set(slot, count + 1);
    this.state.set(slot, IN_FLIGHT);
    this.visibleAt.set(slot, batch.receivedAt + this.options.visibilityTimeoutMs);
    this.inFlight++;
    this.fifoGroups?.sent(slot);
    batch.slots.push(slot);
    batch.handles.push(count + 1);
    batch.ids.push(this.ids.get(slot));
    batch.bytes += this.sizes.get(slot);
    return true;
  }

  /** The receive count would pass maxReceiveCount: the message moves to the DLQ. */
  private redrive(slot: number): void {
    const id = this.ids.get(slot);
    this.state.set(slot, GONE);
    this.fifoGroups?.removed(slot);
    this.facts.redriven();
    if (this.group >= 0) this.ledger.deadLetter(this.group, id, 'maxReceiveCount');
    const dlq = this.deadLetterQueue;
    if (dlq === null) return;
    // Standard DLQs keep the original enqueue time, so retention may expire it soon after.
    const sentAt = dlq.options.fifo ? this.kernel.now : this.sentAt.get(slot);
    if (dlq.group >= 0) this.ledger.enqueue(dlq.group, id);
    dlq.store(id, this.sizes.get(slot), this.fifoGroups?.groupOf(slot) ?? 0, sentAt, 0);
  }

  /** Visibility deadlines that came due: messages still held by those receives become visible. */
  deadlinesDue(): void {
    const now = this.kernel.now;
    this.expiryTimer = null;
    const due: number[] = [];
    while (this.deadlines.length > 0 && this.deadlines.peekTime() <= now) {
      const slot = this.deadlines.peekSlot();
      if (this.holds(slot, this.deadlines.peekHandle())) due.push(slot);
      this.deadlines.shift();
    }
    this.becomeVisible(due);
    this.armExpiry();
  }

  /** A heartbeat-extended deadline of `batch` came due. */
  extendedDue(batch: ReceivedBatch): void {
    this.becomeVisible(batch.slots.filter((slot, i) => this.holds(slot, batch.handles[i])));
  }

  /** Whether the receive with `handle` still holds `slot` and its visibility ran out. */
  private holds(slot: number, handle: number): boolean {
    if (this.state.get(slot) !== IN_FLIGHT || this.receives.get(slot) !== handle) return false;
    return this.visibleAt.get(slot) <= this.kernel.now; // later if a heartbeat extended it
  }

  private becomeVisible(slots: number[]): void {
    if (slots.length === 0) return;
    if (this.group >= 0) for (const slot of slots) this.ledger.visibilityExpired(this.group, this.ids.get(slot));
    // Backwards, so FIFO messages go back to the heads of their groups in their order.
    for (let i = slots.length - 1; i >= 0; i--) {
      this.inFlight--;
      this.fifoGroups?.returned(slots[i]);
    }
    if (this.fifoGroups !== null) {
      for (const slot of slots) this.makeVisible(slot, false);
    } else {
      // Backwards onto the head, so the batch keeps its order there.
      for (let i = slots.length - 1; i >= 0; i--) this.makeVisible(slots[i], true);
    }
    this.serveWaiters();
  }

  /** Drops receives already settled from the head of the deadlines, then arms the timer. */
  private armExpiry(): void {
    while (this.deadlines.length > 0) {
      const slot = this.deadlines.peekSlot();
      if (this.state.get(slot) === IN_FLIGHT && this.receives.get(slot) === this.deadlines.peekHandle()) break;
      this.deadlines.shift();
    }
    if (this.expiryTimer !== null || this.deadlines.length === 0) return;
    this.expiryTimer = this.kernel.timer(Math.max(0, this.deadlines.peekTime() - this.kernel.now), deadlinesDue, this);
  }

  // ---- deleting and extending ----------------------------------------------------------------

  /**
   * DeleteMessage with the handle from receive `i` of `batch`: deleted with the latest handle;
   * with a stale one, success without deleting on a standard queue and a failure on FIFO once
   * the visibility window has closed.
   */
  delete(batch: ReceivedBatch, i: number): DeleteOutcome {
    const slot = batch.slots[i];
    const state = this.state.get(slot);
    const latest = this.receives.get(slot) === batch.handles[i];
    if (this.fifoGroups !== null) {
      if (state !== IN_FLIGHT || !latest || this.visibleAt.get(slot) <= this.kernel.now) return 'failed';
    } else if (state === GONE || state === DELAYED || !latest) {
      return 'stale';
    }
    const id = this.ids.get(slot);
    if (this.group >= 0) this.ledger.ack(this.group, id);
    const p = this.options.duplicateProbability;
    if (p > 0 && this.copies() < p) return 'deleted'; // missed a server: it comes back
    this.state.set(slot, GONE);
    if (state === IN_FLIGHT) {
      this.inFlight--;
      this.fifoGroups?.deleted(slot);
    } else {
      this.leaveVisible(slot); // standard: deleted after it became visible again
    }
    this.dropDeletedRetention();
    this.settleDeadlines();
    if (this.visible > 0 && this.waiters.length > 0) this.serveWaiters();
    return 'deleted';
  }

  /** Bills one delete call (DeleteMessage or DeleteMessageBatch) of `entries` entries. */
  billDelete(entries: number): void {
    this.facts.call(entries > 1 ? 'DeleteMessageBatch' : 'DeleteMessage', 0);
  }

  /**
   * ChangeMessageVisibility(Batch) on entries `from…to − 1` of `batch`: visible `extendMs` from
   * now (0: at once), capped at 12 hours after the receive.
   */
  changeVisibility(batch: ReceivedBatch, from: number, extendMs: number, to = batch.length): void {
    const now = this.kernel.now;
    const until = Math.min(now + extendMs, batch.receivedAt + MAX_VISIBILITY_MS);
    let entries = 0;
    for (let i = from; i < to; i++) {
      const slot = batch.slots[i];
      if (this.state.get(slot) !== IN_FLIGHT || this.receives.get(slot) !== batch.handles[i]) continue;
      this.visibleAt.set(slot, until);
      if (this.group >= 0) this.ledger.visibilityChanged(this.group, this.ids.get(slot), Math.max(0, until - now));
      entries++;
    }
    this.facts.call(to - from > 1 ? 'ChangeMessageVisibilityBatch' : 'ChangeMessageVisibility', 0);
    // Visible at once (a nack): before anything else at this instant, such as a receive that
    // arrives with it.
    if (entries > 0) this.kernel.at(Math.max(until, now), extendedDue, batch, until <= now ? URGENT : NORMAL);
  }

  // ---- retention -----------------------------------------------------------------------------

  private pushRetention(slot: number, at: number): void {
    const ring = this.retentionRing;
    if (ring.length === 0 || ring.lastTime() <= at) ring.push(at, slot, 0);
    else this.retention.push(at, slot);
    if (this.retentionTimer === null || at < this.retentionTimer.timeMs) {
      this.retentionTimer?.cancel();
      this.retentionTimer = this.kernel.timer(Math.max(0, at - this.kernel.now), retentionDue, this);
    }
  }

  /** Deletes every message past the retention period, whatever its state. */
  retentionDue(): void {
    const now = this.kernel.now;
    this.retentionTimer = null;
    for (;;) {
      const slot = this.nextRetentionDue(now);
      if (slot < 0) break;
      const state = this.state.get(slot);
      if (state === GONE) continue;
      if (state === VISIBLE) this.leaveVisible(slot);
      else if (state === IN_FLIGHT) this.inFlight--;
      else this.delayed--;
      this.state.set(slot, GONE);
      if (state === IN_FLIGHT) this.fifoGroups?.deleted(slot);
      else this.fifoGroups?.removed(slot);
      this.facts.expired();
      if (this.group >= 0) this.ledger.drop(this.group, this.ids.get(slot), 'retention');
    }
    this.dropDeletedRetention();
    const next = this.nextRetentionTime();
    if (next < Infinity) this.retentionTimer = this.kernel.timer(next - now, retentionDue, this);
    if (this.fifoGroups !== null) this.serveWaiters(); // a FIFO group may be unblocked
  }

  /** Deleted receives leave the deadline ring as soon as they reach its head. */
  private settleDeadlines(): void {
    while (this.deadlines.length > 0) {
      const slot = this.deadlines.peekSlot();
      if (this.state.get(slot) === IN_FLIGHT && this.receives.get(slot) === this.deadlines.peekHandle()) return;
      this.deadlines.shift();
    }
  }

  /** Removes and returns the slot of a retention deadline due by `now`; -1 for none. */
  private nextRetentionDue(now: number): number {
    const ring = this.retentionRing;
    const heap = this.retention;
    const ringTime = ring.length > 0 ? ring.peekTime() : Infinity;
    const heapTime = heap.length > 0 ? heap.peekTime() : Infinity;
    if (Math.min(ringTime, heapTime) > now) return -1;
    if (ringTime <= heapTime) {
      const slot = ring.peekSlot();
      ring.shift();
      return slot;
    }
    const slot = heap.peekSlot();
    heap.pop();
    return slot;
  }

  private nextRetentionTime(): number {
    const ringTime = this.retentionRing.length > 0 ? this.retentionRing.peekTime() : Infinity;
    return Math.min(ringTime, this.retention.length > 0 ? this.retention.peekTime() : Infinity);
  }

  /** Deleted messages leave the retention ring and heap as soon as they reach their heads. */
  private dropDeletedRetention(): void {
    const ring = this.retentionRing;
    while (ring.length > 0 && this.state.get(ring.peekSlot()) === GONE) ring.shift();
    while (this.retention.length > 0 && this.state.get(this.retention.peekSlot()) === GONE) this.retention.pop();
  }

  // ---- visible bookkeeping -------------------------------------------------------------------

  /** `front`: a standard message back from a receive goes to the head of the deque. */
  private makeVisible(slot: number, front = false): void {
    this.state.set(slot, VISIBLE);
    this.visible++;
    this.serverVisible[slot % this.options.servers]++;
    if (this.fifoGroups !== null) this.fifoGroups.visible(slot);
    else if (front) this.ready.pushFront(slot, this.receives.get(slot));
    else this.pushReady(slot);
  }

  /**
   * Best-effort ordering: with outOfOrderProbability a new message waits out of line until the
   * next one is made visible, which goes ahead of it. One that overtook is not held back itself.
   */
  private pushReady(slot: number): void {
    if (this.heldBack >= 0) {
      this.ready.pushBack(slot, this.receives.get(slot));
      this.releaseHeldBack();
      return;
    }
    const p = this.options.outOfOrderProbability;
    if (p > 0 && this.order() < p) this.heldBack = slot;
    else this.ready.pushBack(slot, this.receives.get(slot));
  }

  private releaseHeldBack(): void {
    this.ready.pushBack(this.heldBack, this.receives.get(this.heldBack));
    this.heldBack = -1;
  }

  private leaveVisible(slot: number): void {
    this.visible--;
    this.serverVisible[slot % this.options.servers]--;
  }

  gauges(): Gauge[] {
    return [
      { metric: 'visible', subject: this.name, read: () => this.visible },
      { metric: 'inFlight', subject: this.name, read: () => this.inFlight },
      { metric: 'delayed', subject: this.name, read: () => this.delayed },
    ];
  }
}

function endDelay({ queue, slot }: { queue: SqsQueue; slot: number }): void {
  queue.delayEnded(slot);
}

function deadlinesDue(queue: SqsQueue): void {
  queue.deadlinesDue();
}

function extendedDue(batch: ReceivedBatch): void {
  batch.queue.extendedDue(batch);
}

function waitsDue(queue: SqsQueue): void {
  queue.waitsDue();
}

function retentionDue(queue: SqsQueue): void {
  queue.retentionDue();
}
