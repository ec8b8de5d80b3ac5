/**
 * Latency histogram: HDR histogram (HdrHistogram, as hdr-histogram-js implements it) counts of
 * integer microseconds, plus the exact count, sum and max that HDR only approximates.
 *
 * HDR histograms are order-independent and merge exactly, so percentiles do not depend on the
 * order in which parallel runs are combined.
 *
 * Recording is on the per-message path (up to four values per message), and a call into
 * hdr-histogram-js's WebAssembly costs about 100 ns. So a value is counted here, in a plain
 * array laid out as HDR lays out its counts (1 µs resolution, 3 significant digits: buckets of
 * 2048 sub-buckets, each bucket twice as wide as the last), which is one array increment. A
 * percentile is read from these counts with HDR's own rule (getValueAtPercentile), so it comes
 * out exactly as if every value had been recorded in an HDR histogram; the test holds the two
 * side by side. Filling a WebAssembly histogram for each query cost more than the scan: the
 * sampler asks for two percentiles of every group at every sample.
 */
import type { LatencySummary } from './result.js';

const US_PER_MS = 1000;
/** One hour of microseconds; the histogram grows beyond it on demand. */
const INITIAL_HIGHEST_US = 3_600_000_000;

// HDR's layout for lowestDiscernibleValue 1 and 3 significant digits: 2048 sub-buckets
// (the smallest power of two >= 2 × 10^3), of which bucket 0 uses all and every later bucket
// the upper half (1024), since its lower half lies in the bucket before.
const SUB_BUCKET_HALF_BITS = 10;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_BITS;
const SUB_BUCKET_MASK = 2 * SUB_BUCKET_HALF - 1;
/** 64 − log2(sub-bucket count): HDR's leadingZeroCountBase for unit magnitude 0. */
const LEADING_ZERO_BASE = 53;
const TWO_32 = 2 ** 32;

/** HDR's counts-array index of an integer value >= 0 (exact up to 2^53). */
export function countsIndex(us: number): number {
  // bucket = LEADING_ZERO_BASE − (leading zeros of the 64-bit value | mask)
  const bucket =
    us < TWO_32
      ? LEADING_ZERO_BASE - 32 - Math.clz32(us | SUB_BUCKET_MASK)
      : LEADING_ZERO_BASE - Math.clz32(Math.floor(us / TWO_32));
  const sub = us < TWO_32 ? us >>> bucket : Math.floor(us / 2 ** bucket);
  return ((bucket + 1) << SUB_BUCKET_HALF_BITS) + sub - SUB_BUCKET_HALF;
}

/** The counts-array index of a latency of `ms` milliseconds (recorded in whole µs). */
export function latencyIndex(ms: number): number {
  return countsIndex(Math.round(ms * US_PER_MS));
}

/** The lowest value that falls at counts-array index `index`. */
export function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_BITS) - 1;
  let sub = (index & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

/** The highest value that falls at counts-array index `index` (HDR's highestEquivalentValue). */
function highestAtIndex(index: number): number {
  const bucket = (index >> SUB_BUCKET_HALF_BITS) - 1;
  return bucket <= 0 ? valueAtIndex(index) : valueAtIndex(index) + 2 ** bucket - 1;
}

/** HDR's ulp, whose rounding the percentile rule depends on. */
function ulp(x: number): number {
  return Math.pow(2, Math.floor(Math.log2(x)) - 52);
}

export class LatencyHistogram {
  /** Counts per HDR index; grows on demand. */
  private counts = new Float64Array(countsIndex(INITIAL_HIGHEST_US) + 1);
  /** The range of indexes that may hold counts (empty when low > high). */
  private low = Infinity;
  private high = -1;
  count = 0;
  private sumMs = 0;
  maxMs = 0;

  record(ms: number): void {
    this.recordAt(latencyIndex(ms), ms);
  }

  /** Records `ms` whose latencyIndex is `index`: one value recorded in several histograms is indexed once. */
  recordAt(index: number, ms: number): void {
    if (index >= this.counts.length) this.grow(index);
    this.counts[index]++;
    if (index < this.low) this.low = index;
    if (index > this.high) this.high = index;
    this.count++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** The p-th percentile (0..100) in ms, or null when nothing was recorded. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    return Math.min(this.valueAtPercentile(p) / US_PER_MS, this.maxMs);
  }

  summary(): LatencySummary {
    const at = (p: number): number => this.percentile(p) ?? 0;
    return {
      count: this.count,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: this.maxMs,
      mean: this.count === 0 ? 0 : this.sumMs / this.count,
    };
  }

  /** Adds every sample of `other`: counts in the same layout merge exactly, index by index. */
  add(other: LatencyHistogram): void {
    if (other.high >= 0) {
      if (other.high >= this.counts.length) this.grow(other.high);
      for (let i = other.low; i <= other.high; i++) this.counts[i] += other.counts[i];
      if (other.low < this.low) this.low = other.low;
      if (other.high > this.high) this.high = other.high;
    }
    this.count += other.count;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  reset(): void {
    if (this.high >= 0) this.counts.fill(0, this.low, this.high + 1);
    this.low = Infinity;
    this.high = -1;
    this.count = 0;
    this.sumMs = 0;
    this.maxMs = 0;
  }

  /**
   * HDR's getValueAtPercentile, in µs: the count to reach is rounded up with care for the last
   * ulp of the floating-point product, then the counts are summed from the lowest index.
   */
  private valueAtPercentile(p: number): number {
    const fpCount = (Math.min(p, 100) / 100) * this.count;
    const target = Math.max(Math.ceil(fpCount - ulp(fpCount)), 1);
    let total = 0;
    for (let i = this.low; i <= this.high; i++) {
      total += this.counts[i];
      if (total >= target) return p === 0 ? valueAtIndex(i) : highestAtIndex(i);
    }
    return 0;
  }

  private grow(index: number): void {
    let length = this.counts.length;
    while (length <= index) length *= 2;
    const grown = new Float64Array(length);
    grown.set(this.counts);
    this.counts = grown;
  }
}
