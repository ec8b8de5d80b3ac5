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

export type { Paged };
