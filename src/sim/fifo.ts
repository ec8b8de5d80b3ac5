/**
 * A first-in first-out queue of objects: an array with a moving head, compacted once the dead
 * prefix is half of it, so shift() is O(1) amortised where Array.prototype.shift is O(n).
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item; call only when length > 0. */
  peek(): T {
    return this.items[this.head];
  }

  /** Removes and returns the oldest item; call only when length > 0. */
  shift(): T {
    const item = this.items[this.head++];
    if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Inserts `item` before the queued items it should precede, scanning from the tail. */
  insertBefore(item: T, precedes: (queued: T) => boolean): void {
    let i = this.items.length;
    while (i > this.head && precedes(this.items[i - 1])) i--;
    this.items.splice(i, 0, item);
  }
}
