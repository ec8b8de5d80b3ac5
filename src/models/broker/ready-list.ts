/**
 * The ready messages of one queue: a ring buffer of typed columns (message id, deliveries so
 * far, enqueue sequence number, expiry deadline), about 20 bytes per message and no object.
 *
 * The sequence number is the message's place in the queue's enqueue order, so a classic queue
 * can put a requeued message back in its original position (`insertBySeq`).
 */

export class ReadyList {
  private ids = new Int32Array(1024);
  private attempts = new Int32Array(1024);
  private seqs = new Float64Array(1024);
  private deadlines = new Float64Array(1024);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  pushBack(id: number, attempts: number, seq: number, expiresAtMs: number): void {
    if (this.count === this.ids.length) this.grow();
    this.put((this.head + this.count) & (this.ids.length - 1), id, attempts, seq, expiresAtMs);
    this.count++;
  }

  pushFront(id: number, attempts: number, seq: number, expiresAtMs: number): void {
    if (this.count === this.ids.length) this.grow();
    this.head = (this.head - 1) & (this.ids.length - 1);
    this.put(this.head, id, attempts, seq, expiresAtMs);
    this.count++;
  }

  /**
   * Inserts before the first entry with a higher sequence number. Requeued messages are
   * usually older than everything ready, so the scan from the head is short.
   */
  insertBySeq(id: number, attempts: number, seq: number, expiresAtMs: number): void {
    let k = 0;
    while (k < this.count && this.seqs[this.slot(k)] < seq) k++;
    if (k === 0) return this.pushFront(id, attempts, seq, expiresAtMs);
    if (k === this.count) return this.pushBack(id, attempts, seq, expiresAtMs);
    if (this.count === this.ids.length) this.grow();
    // Move the k entries in front of the gap one slot towards a new head.
    const mask = this.ids.length - 1;
    this.head = (this.head - 1) & mask;
    for (let j = 0; j < k; j++) this.copy((this.head + j + 1) & mask, (this.head + j) & mask);
    this.put((this.head + k) & mask, id, attempts, seq, expiresAtMs);
    this.count++;
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

  /** Drops the head; call only when length > 0. */
  shift(): void {
    this.head = (this.head + 1) & (this.ids.length - 1);
    this.count--;
  }

  /** Ids in queue order (tests). */
  toArray(): number[] {
    return Array.from({ length: this.count }, (_, k) => this.ids[this.slot(k)]);
  }

  private slot(k: number): number {
    return (this.head + k) & (this.ids.length - 1);
  }

  private put(i: number, id: number, attempts: number, seq: number, expiresAtMs: number): void {
    this.ids[i] = id;
    this.attempts[i] = attempts;
    this.seqs[i] = seq;
    this.deadlines[i] = expiresAtMs;
  }

  private copy(from: number, to: number): void {
    this.ids[to] = this.ids[from];
    this.attempts[to] = this.attempts[from];
    this.seqs[to] = this.seqs[from];
    this.deadlines[to] = this.deadlines[from];
  }

  private grow(): void {
    const size = this.ids.length;
    const ids = new Int32Array(size * 2);
    const attempts = new Int32Array(size * 2);
    const seqs = new Float64Array(size * 2);
    const deadlines = new Float64Array(size * 2);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (size - 1);
      ids[k] = this.ids[i];
      attempts[k] = this.attempts[i];
      seqs[k] = this.seqs[i];
      deadlines[k] = this.deadlines[i];
    }
    this.ids = ids;
    this.attempts = attempts;
    this.seqs = seqs;
    this.deadlines = deadlines;
    this.head = 0;
  }
}
