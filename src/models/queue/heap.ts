/**
 * A binary min-heap of (time, slot) pairs in typed arrays: retention deadlines that arrive out
 * of order (a standard DLQ keeps original enqueue times). 12 bytes per entry, no object.
 */
export class TimeSlotHeap {
  private times = new Float64Array(1024);
  private slots = new Int32Array(1024);
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Earliest time; call only when length > 0. */
  peekTime(): number {
    return this.times[0];
  }

  /** Slot of the earliest entry; call only when length > 0. */
  peekSlot(): number {
    return this.slots[0];
  }

  push(time: number, slot: number): void {
    if (this.count === this.times.length) this.grow();
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent] <= time) break;
      this.times[i] = this.times[parent];
      this.slots[i] = this.slots[parent];
      i = parent;
    }
    this.times[i] = time;
    this.slots[i] = slot;
  }

  /** Removes the earliest entry; call only when length > 0. */
  pop(): void {
    const n = --this.count;
    if (n === 0) return;
    const time = this.times[n];
    const slot = this.slots[n];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.times[child + 1] < this.times[child]) child++;
      if (this.times[child] >= time) break;
      this.times[i] = this.times[child];
      this.slots[i] = this.slots[child];
      i = child;
    }
    this.times[i] = time;
    this.slots[i] = slot;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const slots = new Int32Array(this.slots.length * 2);
    times.set(this.times);
    slots.set(this.slots);
    this.times = times;
    this.slots = slots;
  }
}
