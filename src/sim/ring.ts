/**
 * Ring buffers: the one implementation of the growable circular queue that every queue in the
 * models uses (ready messages, visibility deadlines, waiting writes and callers).
 *
 * `Ring` owns the bookkeeping: a head, a count and a power-of-two capacity that doubles when
 * full. A subclass keeps its entries' fields in parallel columns (typed arrays on the hot path,
 * so a queued message is a few bytes and no object) and says how to copy them. Fifo and
 * IntPairDeque are the two general ones; a model with more fields per entry declares its own.
 */

/** A column of entry fields: typed for numbers, a plain array for objects. */
type Column = Int32Array | Float64Array | unknown[];

export abstract class Ring {
  protected head = 0;
  protected count = 0;
  /** Capacity − 1; the capacity is a power of two. */
  protected mask: number;

  /** `capacity`: the room to start with, a power of two. */
  constructor(capacity = 1024) {
    this.mask = capacity - 1;
  }

  get length(): number {
    return this.count;
  }

  /** Drops the head entry; call only when length > 0. */
  shift(): void {
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  /** The room for entries now, for a subclass to size its columns. */
  protected get capacity(): number {
    return this.mask + 1;
  }

  /** The slot of the k-th entry from the head. */
  protected slot(k: number): number {
    return (this.head + k) & this.mask;
  }

  /** The slot of a new last entry. */
  protected backSlot(): number {
    if (this.count > this.mask) this.grow();
    return (this.head + this.count++) & this.mask;
  }

  /** The slot of a new first entry. */
  protected frontSlot(): number {
    if (this.count > this.mask) this.grow();
    this.count++;
    this.head = (this.head - 1) & this.mask;
    return this.head;
  }

  /** The slot of a new entry placed before the k-th (0 = the head, length = the back). */
  protected insertSlot(k: number): number {
    if (k === 0) return this.frontSlot();
    if (k === this.count) return this.backSlot();
    if (this.count > this.mask) this.grow();
    // Move the shorter side one slot outwards to open the gap.
    if (k < this.count / 2) {
      this.head = (this.head - 1) & this.mask;
      for (let j = 0; j < k; j++) this.move(this.slot(j + 1), this.slot(j));
    } else {
      for (let j = this.count; j > k; j--) this.move(this.slot(j - 1), this.slot(j));
    }
    this.count++;
    return this.slot(k);
  }

  /** Copies the fields of the entry at slot `from` to slot `to`. */
  protected abstract move(from: number, to: number): void;

  /** Replaces every column by `this.reordered(column, capacity)`. */
  protected abstract regrow(capacity: number): void;

  /** A copy of `column` with room for `capacity` entries, the entries in order from index 0. */
  protected reordered<C extends Column>(column: C, capacity: number): C {
    if (Array.isArray(column)) {
      const next = new Array(capacity) as C;
      for (let k = 0; k < this.count; k++) next[k] = column[this.slot(k)];
      return next;
    }
    // A typed column is copied in two block moves: the entries from the head to the end of the
    // room, then those that wrapped around to its start.
    const typed = column as Int32Array | Float64Array;
    const next = new (typed.constructor as new (n: number) => Int32Array | Float64Array)(capacity);
    const tail = Math.min(this.count, this.mask + 1 - this.head);
    next.set(typed.subarray(this.head, this.head + tail), 0);
    next.set(typed.subarray(0, this.count - tail), tail);
    return next as C;
  }

  private grow(): void {
    this.regrow((this.mask + 1) * 2);
    this.head = 0;
    this.mask = this.mask * 2 + 1;
  }
}

/** A first-in first-out queue of objects. */
export class Fifo<T> extends Ring {
  // Small at first: a log holds one per partition, most of them short.
  private items: (T | undefined)[] = new Array(this.capacity);

  constructor() {
    super(16);
  }

  push(item: T): void {
    const i = this.backSlot(); // first: it may replace this.items
    this.items[i] = item;
  }

  /** The oldest item; call only when length > 0. */
  peek(): T {
    return this.items[this.head] as T;
  }

  /** Removes and returns the oldest item; call only when length > 0. */
  override shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined; // no reference kept for the collector
    super.shift();
    return item;
  }

  /** Inserts `item` before the queued items it should precede, scanning from the tail. */
  insertBefore(item: T, precedes: (queued: T) => boolean): void {
    let k = this.count;
    while (k > 0 && precedes(this.items[this.slot(k - 1)] as T)) k--;
    const i = this.insertSlot(k);
    this.items[i] = item;
  }

  protected move(from: number, to: number): void {
    this.items[to] = this.items[from];
  }

  protected regrow(capacity: number): void {
    this.items = this.reordered(this.items, capacity);
  }
}

/**
 * A double-ended queue of integer pairs (a value and a tag): message ids with their delivery
 * attempt; a requeue puts them back at the head.
 */
export class IntPairDeque extends Ring {
  private values = new Int32Array(this.capacity);
  private tags = new Int32Array(this.capacity);

  pushBack(value: number, tag: number): void {
    const i = this.backSlot();
    this.values[i] = value;
    this.tags[i] = tag;
  }

  pushFront(value: number, tag: number): void {
    const i = this.frontSlot();
    this.values[i] = value;
    this.tags[i] = tag;
  }

  /** Value at the head; call only when length > 0. */
  peekValue(): number {
    return this.values[this.head];
  }

  /** Tag at the head; call only when length > 0. */
  peekTag(): number {
    return this.tags[this.head];
  }

  protected move(from: number, to: number): void {
    this.values[to] = this.values[from];
    this.tags[to] = this.tags[from];
  }

  protected regrow(capacity: number): void {
    this.values = this.reordered(this.values, capacity);
    this.tags = this.reordered(this.tags, capacity);
  }
}
