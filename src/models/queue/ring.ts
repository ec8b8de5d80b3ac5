/**
 * A growable ring of (time, slot, handle) triples in typed arrays: receives in order of their
 * visibility deadline. With one visibility timeout per queue, deadlines are pushed in order,
 * so the earliest is always at the head and one timer per queue serves them all.
 */
export class DeadlineRing {
  private times = new Float64Array(1024);
  private slots = new Int32Array(1024);
  private handles = new Int32Array(1024);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Deadline, slot and handle of the head; call only when length > 0. */
  peekTime(): number {
    return this.times[this.head];
  }

  peekSlot(): number {
    return this.slots[this.head];
  }

  peekHandle(): number {
    return this.handles[this.head];
  }

  /** The last pushed deadline; call only when length > 0. */
  lastTime(): number {
    return this.times[(this.head + this.count - 1) & (this.times.length - 1)];
  }

  push(time: number, slot: number, handle: number): void {
    if (this.count === this.times.length) this.grow();
    const i = (this.head + this.count) & (this.times.length - 1);
    this.times[i] = time;
    this.slots[i] = slot;
    this.handles[i] = handle;
    this.count++;
  }

  shift(): void {
    this.head = (this.head + 1) & (this.times.length - 1);
    this.count--;
  }

  private grow(): void {
    const size = this.times.length;
    const times = new Float64Array(size * 2);
    const slots = new Int32Array(size * 2);
    const handles = new Int32Array(size * 2);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (size - 1);
      times[k] = this.times[i];
      slots[k] = this.slots[i];
      handles[k] = this.handles[i];
    }
    this.times = times;
    this.slots = slots;
    this.handles = handles;
    this.head = 0;
  }
}
