/**
 * FIFO message groups (docs/semantics.md, SQS): strict order within a MessageGroupId, and while any
 * message of a group is in flight no later message of that group is returned (head-of-line
 * blocking). A receive takes as many messages as it can from one group, then fills the rest of
 * its batch from the next available groups, oldest-available first.
 *
 * Per group: a deque of its stored slots not in flight, in send order, and an in-flight count.
 * Groups whose head is visible and that have nothing in flight wait in the `available` deque.
 * Slots that left the queue meanwhile (retention, redrive) are skipped lazily at group heads.
 */
import { IntPairDeque } from '../../sim/ring.js';
import { pagedInt32, type Paged } from '../../sim/paged.js';

/** Deduplication interval: a retry with the same MessageDeduplicationId within it is swallowed. */
export const DEDUP_WINDOW_MS = 5 * 60_000;

// Slot states, shared with sqs-queue.ts.
export const DELAYED = 1;
export const VISIBLE = 2;
export const IN_FLIGHT = 3;
export const GONE = 4;

export class FifoGroups {
  private readonly groupOfSlot = pagedInt32();
  private readonly waiting = new Map<number, IntPairDeque>();
  private readonly inFlight = new Map<number, number>();
  private readonly listed = new Set<number>();
  private readonly available = new IntPairDeque();

  constructor(private readonly state: Paged<Uint8Array>) {}

  groupOf(slot: number): number {
    return this.groupOfSlot.get(slot);
  }

  /** A new slot joins the tail of its group. */
  add(slot: number, key: number): void {
    this.groupOfSlot.set(slot, key);
    let queue = this.waiting.get(key);
    if (queue === undefined) this.waiting.set(key, (queue = new IntPairDeque()));
    queue.pushBack(slot, 0);
  }

  /** A slot became visible (sent, delay over, visibility expired). */
  visible(slot: number): void {
    this.list(this.groupOfSlot.get(slot));
  }

  /** A slot was received: its group is blocked until it is deleted or visible again. */
  sent(slot: number): void {
    const key = this.groupOfSlot.get(slot);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
  }

  /** An in-flight slot's visibility ran out: back to the head of its group (call in reverse order). */
  returned(slot: number): void {
    const key = this.groupOfSlot.get(slot);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) - 1);
    this.waiting.get(key)?.pushFront(slot, 0);
  }

  /** An in-flight slot left the queue (deleted, expired by retention). */
  deleted(slot: number): void {
    const key = this.groupOfSlot.get(slot);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) - 1);
    this.list(key);
  }

  /** A slot not in flight left the queue (retention, redrive): the next one may now lead. */
  removed(slot: number): void {
    this.list(this.groupOfSlot.get(slot));
  }

  /**
   * Receives up to `max` slots: `receive(slot)` moves one slot in flight and returns false when
   * it went to the dead-letter queue instead.
   */
  take(max: number, receive: (slot: number) => boolean): void {
    let taken = 0;
    while (taken < max && this.available.length > 0) {
      const key = this.available.peekValue();
      if (!this.receivable(key)) {
        this.available.shift();
        this.listed.delete(key);
        continue;
      }
      const queue = this.waiting.get(key) as IntPairDeque;
      while (taken < max && this.head(queue) >= 0 && this.state.get(queue.peekValue()) === VISIBLE) {
        const slot = queue.peekValue();
        queue.shift();
        if (receive(slot)) taken++;
      }
      if (!this.receivable(key)) {
        this.available.shift();
        this.listed.delete(key);
      }
    }
  }

  private list(key: number): void {
    if (this.listed.has(key) || !this.receivable(key)) return;
    this.listed.add(key);
    this.available.pushBack(key, 0);
  }

  private receivable(key: number): boolean {
    if ((this.inFlight.get(key) ?? 0) > 0) return false;
    const queue = this.waiting.get(key);
    if (queue === undefined || this.head(queue) < 0) return false;
    return this.state.get(queue.peekValue()) === VISIBLE;
  }

  /** The first slot still in the queue, skipping departed ones; -1 when none. */
  private head(queue: IntPairDeque): number {
    while (queue.length > 0 && this.state.get(queue.peekValue()) === GONE) queue.shift();
    return queue.length > 0 ? queue.peekValue() : -1;
  }
}
