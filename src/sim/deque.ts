/**
 * A double-ended queue of integer pairs (a value and a tag) in a growable ring buffer.
 *
 * Queues hold message ids with their delivery attempt; a requeue puts them back at the head.
 * Ring buffers of Int32Array keep this allocation-free on the hot path.
 */
export class IntPairDeque {
  private values = new Int32Array(1024);
  private tags = new Int32Array(1024);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  pushBack(value: number, tag: number): void {
    if (this.count === this.values.length) this.grow();
    const i = (this.head + this.count) & (this.values.length - 1);
    this.values[i] = value;
    this.tags[i] = tag;
    this.count++;
  }

  pushFront(value: number, tag: number): void {
    if (this.count === this.values.length) this.grow();
    this.head = (this.head - 1) & (this.values.length - 1);
    this.values[this.head] = value;
    this.tags[this.head] = tag;
    this.count++;
  }

  /** Value at the head; call only when length > 0. */
  peekValue(): number {
    return this.values[this.head];
  }

  /** Tag at the head; call only when length > 0. */
  peekTag(): number {
    return this.tags[this.head];
  }

  /** Drops the head; call only when length > 0. */
  shift(): void {
    this.head = (this.head + 1) & (this.values.length - 1);
    this.count--;
  }

  private grow(): void {
    const size = this.values.length;
    const values = new Int32Array(size * 2);
    const tags = new Int32Array(size * 2);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (size - 1);
      values[k] = this.values[i];
      tags[k] = this.tags[i];
    }
    this.values = values;
    this.tags = tags;
    this.head = 0;
  }
}
