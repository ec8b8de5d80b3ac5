/**
 * One queue: a FIFO of ready messages plus the deliveries its consumers have not acked.
 *
 * - Push delivery, round-robin over the subscriptions that have free prefetch capacity.
 * - Requeue position: a classic queue puts a message back in its original place; a quorum
 *   queue of RabbitMQ 4.x puts it near the head while a delivery limit is set, otherwise (no
 *   limit, or 3.x) at the back (`returnsNearHead`).
 * - Quorum delivery limit (RabbitMQ up to 4.2: every return counts): a message returned more
 *   times than the limit is dead-lettered (`delivery_limit`) instead.
 * - TTL: the deadline is min(queue TTL, message TTL) from enqueue, kept on requeue, and
 *   enforced only at the head.
 * - Length limits count ready messages only; `overflow` drops (or dead-letters) the head, or
 *   refuses the publish.
 *
 * Same-instant races: a message is deliverable up to and including its deadline instant (TTL 0
 * is delivered if a consumer can take it at once, as RabbitMQ does); the expiry timer set for
 * the deadline runs after deliveries already scheduled for that instant, and expires the head
 * if it is still there.
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Facts, MessageId } from '../facts.js';
import { pagedUint8, type Paged } from '../../sim/paged.js';
import { ReadyList } from './ready-list.js';
import { BrokerDelivery, type Subscription } from './subscription.js';

export type QueueType = 'classic' | 'quorum';
export type Overflow = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';
export const QUEUE_TYPES: readonly QueueType[] = ['classic', 'quorum'];
export const OVERFLOWS: readonly Overflow[] = ['drop-head', 'reject-publish', 'reject-publish-dlx'];

/** Why a message leaves a queue without being acked (RabbitMQ's x-death reasons). */
export type DeadLetterReason = 'rejected' | 'expired' | 'maxlen' | 'delivery_limit';

export interface QueueOptions {
  name: string;
  queueType: QueueType;
  /** Quorum only: -1 disables; Infinity for classic queues (no limit). */
  deliveryLimit: number;
  /** Quorum, RabbitMQ 4.x, with a delivery limit: a returned message goes near the head. */
  returnsNearHead: boolean;
  messageTtlMs: number;
  maxLength: number;
  maxLengthBytes: number;
  overflow: Overflow;
  consumerTimeoutMs: number;
  /**
   * The queue can hold a second copy of a message (it is a dead-letter target: two source
   * queues may dead-letter the same message into it, or a rejected one may come back).
   */
  multipleCopies: boolean;
}

// Ledger facts already reported for a message in this queue's group (multipleCopies only).
const REPORTED_ENQUEUE = 1;
const REPORTED_RESOLVED = 2;

/** What a queue asks of the broker: message sizes and dead-lettering. */
export interface QueueHost {
  sizeOf(id: MessageId): number;
  /** The message left `queue` for `reason`: dead-letter it, or drop it without a DLX. */
  deadLetter(queue: BrokerQueue, id: MessageId, reason: DeadLetterReason, enqueued?: boolean): void;
}

export class BrokerQueue {
  readonly ready = new ReadyList();
  readonly subscriptions: Subscription[] = [];
  /** Deliveries not yet acked, rejected or returned (dead connections included). */
  unacked = 0;
  readyBytes = 0;
  private nextSeq = 0;
  private cursor = 0;
  private dispatching = false;
  private again = false;
  private timerAtMs = Infinity;
  /** Only a byte limit needs the ready bytes (and each message's size). */
  private readonly countsBytes: boolean;
  /**
   * Set when a dispatch stopped because no subscription had capacity; cleared whenever
   * capacity may have come back (ack, nack, channel closed, handler freed). While it is set,
   * a publish need not scan the subscriptions again.
   */
  private saturated = false;
  /**
   * The ledger keeps one life per message per group, so a later copy of a message must not
   * enqueue or resolve it again: its deliveries and processing are reported (a second
   * processing is a duplicate), its enqueue and its end (ack, drop) only once.
   */
  private readonly reported: Paged<Uint8Array> | null;

  constructor(
    readonly index: number,
    /** The ledger group that stands for this queue. */
    readonly group: number,
    readonly options: QueueOptions,
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    private readonly host: QueueHost,
  ) {
    this.countsBytes = options.maxLengthBytes < Infinity;
    this.reported = options.multipleCopies ? pagedUint8() : null;
  }

  /** Reports the end of the message's life in this group once; false if already reported. */
  firstResolution(id: MessageId): boolean {
    if (this.reported === null) return true;
    const state = this.reported.get(id);
    if ((state & REPORTED_RESOLVED) !== 0) return false;
    this.reported.set(id, state | REPORTED_RESOLVED);
    return true;
  }

  private reportEnqueue(id: MessageId): void {
    if (this.reported !== null) {
      const state = this.reported.get(id);
      if ((state & REPORTED_ENQUEUE) !== 0) return;
      this.reported.set(id, state | REPORTED_ENQUEUE);
    }
    this.ledger.enqueue(this.group, id);
  }

  private reportAck(id: MessageId): void {
    if (this.firstResolution(id)) this.ledger.ack(this.group, id);
  }

  /** Capacity may have come back: the next dispatch scans the subscriptions again. */
  capacityChanged(): void {
    this.saturated = false;
  }

  /**
   * A publish (or dead-letter republish) routed here. Returns false when the queue refuses it
   * (reject-publish overflow); a reject-publish-dlx refusal is dead-lettered too.
   */
  offer(id: MessageId, messageTtlMs: number): boolean {
    const { overflow, maxLength, maxLengthBytes, messageTtlMs: queueTtlMs } = this.options;
    // rabbit_amqqueue_process: a publish is refused while the queue is at (or over) a limit.
    const full = this.ready.length >= maxLength || this.readyBytes >= maxLengthBytes;
    if (overflow !== 'drop-head' && full) {
      if (overflow === 'reject-publish-dlx') this.host.deadLetter(this, id, 'maxlen', false);
      return false;
    }
    const ttl = Math.min(queueTtlMs, messageTtlMs);
    this.ready.pushBack(id, 0, this.nextSeq++, this.kernel.now + ttl);
    if (this.countsBytes) this.readyBytes += this.host.sizeOf(id);
    this.reportEnqueue(id);
    // drop-head: the oldest ready messages go until the queue is within its limits again.
    while (this.ready.length > maxLength || this.readyBytes > maxLengthBytes) {
      this.removeHead('maxlen');
    }
    this.watchHead();
    return true;
  }

  /** Hands ready messages to subscriptions with free capacity, round-robin. */
  dispatch(): void {
    if (this.dispatching) {
      this.again = true; // an ack inside a delivery freed capacity: the outer loop goes on
      return;
    }
    this.dispatching = true;
    do {
      this.again = false;
      while (this.ready.length > 0) {
        if (this.ready.headExpiresAt() < this.kernel.now) {
          this.removeHead('expired');
          continue;
        }
        const subscription = this.saturated ? null : this.nextWithCapacity();
        if (subscription === null) {
          this.saturated = true;
          break;
        }
        this.deliverHead(subscription);
      }
    } while (this.again);
    this.dispatching = false;
    this.watchHead();
  }

  /** A consumer acked `delivery`. */
  acked(delivery: BrokerDelivery): void {
    this.unacked--;
    this.reportAck(delivery.id);
    this.slotFreed(delivery.subscription);
  }

  /** Nack/reject without requeue: dead-letter (`rejected`) or drop. */
  rejected(delivery: BrokerDelivery): void {
    this.unacked--;
    this.saturated = false;
    this.host.deadLetter(this, delivery.id, 'rejected');
  }

  /**
   * Deliveries come back (nack with requeue, channel closed, consumer timeout), in delivery
   * order, each with `redelivered` set on its next delivery.
   */
  requeue(deliveries: readonly BrokerDelivery[]): void {
    this.unacked -= deliveries.length;
    this.saturated = false;
    const { queueType, deliveryLimit } = this.options;
    const kept = deliveries.filter((d) => {
      // Up to 4.2 every return counts towards the limit; attempt = deliveries so far.
      if (queueType === 'quorum' && deliveryLimit >= 0 && d.attempt > deliveryLimit) {
        this.host.deadLetter(this, d.id, 'delivery_limit');
        return false;
      }
      return true;
    });
    if (this.countsBytes) for (const d of kept) this.readyBytes += this.host.sizeOf(d.id);
    if (queueType === 'classic') {
      for (const d of kept) this.ready.insertBySeq(d.id, d.attempt, d.seq, d.expiresAtMs);
    } else if (this.options.returnsNearHead) {
      for (let i = kept.length - 1; i >= 0; i--) {
        const d = kept[i];
        this.ready.pushFront(d.id, d.attempt, d.seq, d.expiresAtMs);
      }
    } else {
      for (const d of kept) this.ready.pushBack(d.id, d.attempt, this.nextSeq++, d.expiresAtMs);
    }
    this.watchHead();
  }

  /** The expiry timer fired: expired messages at the head go. */
  expireHead(): void {
    this.timerAtMs = Infinity;
    while (this.ready.length > 0 && this.ready.headExpiresAt() <= this.kernel.now) {
      this.removeHead('expired');
    }
    this.watchHead();
  }

  private deliverHead(subscription: Subscription): void {
    const ready = this.ready;
    const id = ready.headId();
    const delivery = new BrokerDelivery(
      id,
      ready.headAttempts() + 1,
      subscription,
      ready.headSeq(),
      ready.headExpiresAt(),
      this.kernel.now,
    );
    ready.shift();
    if (this.countsBytes) this.readyBytes -= this.host.sizeOf(id);
    this.ledger.deliver(this.group, id, delivery.attempt, subscription.instance.name);
    if (subscription.options.autoAck) {
      // Auto-ack: the broker is done with the message once it is on the socket.
      delivery.acked = true;
      this.reportAck(id);
    } else {
      this.unacked++;
    }
    subscription.push(delivery);
  }

  private removeHead(reason: DeadLetterReason): void {
    const id = this.ready.headId();
    this.ready.shift();
    if (this.countsBytes) this.readyBytes -= this.host.sizeOf(id);
    this.host.deadLetter(this, id, reason);
  }

  /**
   * An ack gave `subscription` a prefetch slot back. When every subscription was full, it is
   * the only one with room: deliver to it without scanning the others (the round-robin choice
   * is forced), which is the common case of a queue with a backlog.
   */
  private slotFreed(subscription: Subscription): void {
    if (!this.saturated || this.dispatching) {
      this.saturated = false;
      return this.dispatch();
    }
    const now = this.kernel.now;
    while (this.ready.length > 0 && this.ready.headExpiresAt() < now) this.removeHead('expired');
    if (this.ready.length > 0 && subscription.hasCapacity) {
      this.cursor = (subscription.position + 1) % this.subscriptions.length;
      this.deliverHead(subscription);
    }
    // Saturated again only if its one slot was filled; otherwise scan as usual.
    if (this.ready.length === 0 || subscription.hasCapacity) {
      this.saturated = false;
      this.dispatch();
    }
    this.watchHead();
  }

  private nextWithCapacity(): Subscription | null {
    const n = this.subscriptions.length;
    for (let k = 0; k < n; k++) {
      const s = this.subscriptions[(this.cursor + k) % n];
      if (s.hasCapacity) {
        this.cursor = (this.cursor + k + 1) % n;
        return s;
      }
    }
    return null;
  }

  /** Keeps one expiry timer pending for the head's deadline. */
  private watchHead(): void {
    if (this.ready.length === 0) return;
    const deadline = this.ready.headExpiresAt();
    if (deadline >= this.timerAtMs || deadline === Infinity) return;
    this.timerAtMs = deadline;
    this.kernel.at(Math.max(deadline, this.kernel.now), expiryDue, this);
  }
}

function expiryDue(queue: BrokerQueue): void {
  queue.expireHead();
}
