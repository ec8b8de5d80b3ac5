/**
 * Growable typed arrays in fixed pages, indexed by message id.
 *
 * Per-message state is a few bytes in typed arrays, never an object per message. Pages avoid
 * the doubling copies of one flat array, so a 10-million-message run never holds two copies.
 */

const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

type TypedArray = Float64Array | Int32Array | Uint8Array;

class Paged<T extends TypedArray> {
  private readonly pages: T[] = [];

  constructor(
    private readonly make: (n: number) => T,
    private readonly fill: number,
  ) {}

  get(i: number): number {
    const page = this.pages[i >>> PAGE_BITS];
    return page === undefined ? this.fill : page[i & PAGE_MASK];
  }

  set(i: number, value: number): void {
    const p = i >>> PAGE_BITS;
    while (p >= this.pages.length) {
      const page = this.make(PAGE_SIZE);
      if (this.fill !== 0) page.fill(this.fill);
      this.pages.push(page);
    }
    this.pages[p][i & PAGE_MASK] = value;
  }

  /** Sets bits in a flag array (only meaningful for Uint8 pages). */
  or(i: number, bits: number): void {
    this.set(i, this.get(i) | bits);
  }

  bytes(): number {
    return this.pages.reduce((sum, page) => sum + page.byteLength, 0);
  }
}

export const pagedFloat64 = (): Paged<Float64Array> =>
  new Paged((n) => new Float64Array(n), 0);
export const pagedInt32 = (fill = 0): Paged<Int32Array> =>
  new Paged((n) => new Int32Array(n), fill);
export const pagedUint8 = (): Paged<Uint8Array> => new Paged((n) => new Uint8Array(n), 0);


/**
 * What is known of a message from its production on: its produce time and, once keys are kept,
 * its key and place among its key's messages, side by side in one record (a double, then two
 * int32s in the next double's room, in the same page). Whoever reads one of them for a message
 * reads the others too (the ledger, when it is processed): in one record they share a cache
 * line, where three arrays cost three misses once a backlog has pushed the message's state out
 * of cache. A run without keys keeps 8 bytes per message, the time alone.
 */
class ProduceRecords {
  private readonly times: Float64Array[] = [];
  private readonly ints: Int32Array[] = [];
  /** log2 of the doubles per record: 0 for the time alone, 1 with the key and sequence. */
  private shift = 0;

  /** `noKey`: the key of a message without one, or never recorded. */
  constructor(private readonly noKey: number) {}

  /** Keeps a key and a sequence per message from now on; only before the first record. */
  keepKeys(): void {
    if (this.times.length > 0) throw new Error('ProduceRecords.keepKeys: records were made already');
    this.shift = 1;
  }

  time(id: number): number {
    const page = this.times[id >>> PAGE_BITS];
    return page === undefined ? 0 : page[(id & PAGE_MASK) << this.shift];
  }

  key(id: number): number {
    const page = this.ints[id >>> PAGE_BITS];
    return page === undefined ? this.noKey : page[((id & PAGE_MASK) << 2) + 2];
  }

  seq(id: number): number {
    const page = this.ints[id >>> PAGE_BITS];
    return page === undefined ? 0 : page[((id & PAGE_MASK) << 2) + 3];
  }

  set(id: number, timeMs: number, key: number, seq: number): void {
    const p = id >>> PAGE_BITS;
    while (p >= this.times.length) this.addPage();
    const j = id & PAGE_MASK;
    this.times[p][j << this.shift] = timeMs;
    if (this.shift === 0) return;
    const ints = this.ints[p];
    ints[(j << 2) + 2] = key;
    ints[(j << 2) + 3] = seq;
  }

  bytes(): number {
    return this.times.length * PAGE_SIZE * (8 << this.shift);
  }

  private addPage(): void {
    const buffer = new ArrayBuffer(PAGE_SIZE * (8 << this.shift));
    this.times.push(new Float64Array(buffer));
    if (this.shift === 0) return;
    const ints = new Int32Array(buffer);
    for (let j = 0; j < PAGE_SIZE; j++) ints[(j << 2) + 2] = this.noKey;
    this.ints.push(ints);
  }
}

export const produceRecords = (noKey: number): ProduceRecords => new ProduceRecords(noKey);

export type { Paged, ProduceRecords };
