/**
 * The ready messages of one queue: a ring of typed columns (message id, deliveries so far,
 * enqueue sequence number, expiry deadline), about 20 bytes per message and no object.
 *
 * The sequence number is the message's place in the queue's enqueue order, so a classic queue
 * can put a requeued message back in its original position (`insertBySeq`).
 */
import { Ring } from '../../sim/ring.js';

export class ReadyList extends Ring {
  private ids = new Int32Array(this.capacity);
  private attempts = new Int32Array(this.capacity);
  private seqs = new Float64Array(this.capacity);
  private deadlines = new Float64Array(this.capacity);

  pushBack(id: number, attempts: number, seq: number, expiresAtMs: number): void {
    this.put(this.backSlot(), id, attempts, seq, expiresAtMs);
  }

  pushFront(id: number, attempts: number, seq: number, expiresAtMs: number): void {
    this.put(this.frontSlot(), id, attempts, seq, expiresAtMs);
  }

  /**
   * Inserts before the first entry with a higher sequence number. Requeued messages are
   * usually older than everything ready, so the scan from the head is short.
   */
  insertBySeq(id: number, attempts: number, seq: number, expiresAtMs: number): void {
    let k = 0;
    while (k < this.count && this.seqs[this.slot(k)] < seq) k++;
    this.put(this.insertSlot(k), id, attempts, seq, expiresAtMs);
  }

  /** Head fields; call only when length > 0. */
  headId(): number {
    return this.ids[this.head];
  }

  headAttempts(): number {
    return this.attempts[this.head];
  }

  headSeq(): number {
    return this.seqs[this.head];
  }

  headExpiresAt(): number {
    return this.deadlines[this.head];
  }

  /** Ids in queue order (tests). */
  toArray(): number[] {
    return Array.from({ length: this.count }, (_, k) => this.ids[this.slot(k)]);
  }

  private put(i: number, id: number, attempts: number, seq: number, expiresAtMs: number): void {
    this.ids[i] = id;
    this.attempts[i] = attempts;
    this.seqs[i] = seq;
    this.deadlines[i] = expiresAtMs;
  }

  protected move(from: number, to: number): void {
    this.put(to, this.ids[from], this.attempts[from], this.seqs[from], this.deadlines[from]);
  }

  protected regrow(capacity: number): void {
    this.ids = this.reordered(this.ids, capacity);
    this.attempts = this.reordered(this.attempts, capacity);
    this.seqs = this.reordered(this.seqs, capacity);
    this.deadlines = this.reordered(this.deadlines, capacity);
  }
}
