/**
 * Receives in order of their visibility deadline: (time, slot, handle) triples in a ring. With
 * one visibility timeout per queue, deadlines are pushed in order, so the earliest is always at
 * the head and one timer per queue serves them all.
 */
import { Ring } from '../../sim/ring.js';

export class DeadlineRing extends Ring {
  private times = new Float64Array(this.capacity);
  private slots = new Int32Array(this.capacity);
  private handles = new Int32Array(this.capacity);

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
    return this.times[this.slot(this.count - 1)];
  }

  push(time: number, slot: number, handle: number): void {
    const i = this.backSlot();
    this.times[i] = time;
    this.slots[i] = slot;
    this.handles[i] = handle;
  }

  protected move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.slots[to] = this.slots[from];
    this.handles[to] = this.handles[from];
  }

  protected regrow(capacity: number): void {
    this.times = this.reordered(this.times, capacity);
    this.slots = this.reordered(this.slots, capacity);
    this.handles = this.reordered(this.handles, capacity);
  }
}
