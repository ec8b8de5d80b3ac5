/**
 * A non-homogeneous arrival rate: piecewise-linear segments over simulated time.
 *
 * Owns the rate curve and its integral (expected arrivals), and inverts that integral exactly,
 * so a caller can generate arrivals by time change: Poisson arrivals are
 * `advance(t, -Math.log(1 - U))`, evenly spaced ones `advance(t, 1)`. It knows nothing of what
 * arrives. Each segment is linear, so the inversion is a quadratic solved in closed form.
 *
 * Segment lookup starts from a cursor at the last segment used, so a caller walking forward in
 * time pays amortised O(1); any other access pattern falls back to binary search.
 */

/** Rates per ms, linear from rateStart at startMs to rateEnd at endMs (constant when equal). */
export interface RateSegment {
  startMs: number;
  endMs: number;
  rateStart: number;
  rateEnd: number;
}

// When the area asked for overshoots the rest of a segment by only rounding error, the answer is
// the segment's end. Without this, an arrival due exactly at the end of the last segment (the
// 50th of a ramp holding 50) could be lost to the last bits of floating point.
const SNAP_RELATIVE = 1e-9;

export class RateProfile {
  /** End of the last segment (0 when there are none); the rate is 0 from here on. */
  readonly endMs: number;
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly rateStarts: Float64Array;
  private readonly rateEnds: Float64Array;
  private readonly slopes: Float64Array;
  private cursor = 0;

  /** Segments must be sorted and non-overlapping; gaps between them have rate 0. */
  constructor(segments: RateSegment[]) {
    segments.forEach((segment, i) => checkSegment(segment, i, segments[i - 1]));
    const n = segments.length;
    this.starts = Float64Array.from(segments, (segment) => segment.startMs);
    this.ends = Float64Array.from(segments, (segment) => segment.endMs);
    this.rateStarts = Float64Array.from(segments, (segment) => segment.rateStart);
    this.rateEnds = Float64Array.from(segments, (segment) => segment.rateEnd);
    this.slopes = Float64Array.from(
      segments,
      (segment) => (segment.rateEnd - segment.rateStart) / (segment.endMs - segment.startMs),
    );
    this.endMs = n > 0 ? this.ends[n - 1] : 0;
  }

  /** The rate (per ms) at time t; segments are half-open, [startMs, endMs). */
  rateAt(t: number): number {
    checkTime('rateAt', t);
    const i = this.find(t);
    if (i === this.starts.length || t < this.starts[i]) return 0;
    return this.rateIn(i, t);
  }

  /** Expected arrivals in [t0, t1). */
  integral(t0: number, t1: number): number {
    checkTime('integral', t0);
    if (!(t1 >= t0)) throw new RangeError(`integral: t1 (${t1}) must be >= t0 (${t0})`);
    let total = 0;
    for (let i = this.find(t0); i < this.starts.length && this.starts[i] < t1; i++) {
      const x = Math.max(t0, this.starts[i]);
      const y = Math.min(t1, this.ends[i]);
      total += ((y - x) * (this.rateIn(i, x) + this.rateIn(i, y))) / 2;
    }
    return total;
  }

  /** The smallest t' >= t with integral(t, t') = area; Infinity if the profile runs out first. */
  advance(t: number, area: number): number {
    checkTime('advance', t);
    if (!(area >= 0)) throw new RangeError(`advance: area must be >= 0, got ${area}`);
    if (area === 0) return t;
    if (area === Infinity) return Infinity;
    let remaining = area;
    for (let i = this.find(t); i < this.starts.length; i++) {
      const x = Math.max(t, this.starts[i]);
      const end = this.ends[i];
      const rate = this.rateIn(i, x);
      const rest = ((end - x) * (rate + this.rateEnds[i])) / 2;
      if (remaining <= rest) {
        this.cursor = i;
        return Math.min(end, x + solveRamp(rate, this.slopes[i], remaining));
      }
      if (remaining - rest <= SNAP_RELATIVE * area) {
        this.cursor = i;
        return end;
      }
      remaining -= rest;
    }
    return Infinity;
  }

  private rateIn(i: number, t: number): number {
    return this.rateStarts[i] + this.slopes[i] * (t - this.starts[i]);
  }

  /** Index of the first segment ending after t (the one holding t, or the next one). */
  private find(t: number): number {
    const ends = this.ends;
    const n = ends.length;
    // Fast path: the cursor's segment, or the one after it.
    for (let i = this.cursor; i < n && i <= this.cursor + 1; i++) {
      if (ends[i] > t && (i === 0 || ends[i - 1] <= t)) return (this.cursor = i);
    }
    let low = 0;
    let high = n;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (ends[middle] > t) high = middle;
      else low = middle + 1;
    }
    if (low < n) this.cursor = low;
    return low;
  }
}

/**
 * The d >= 0 with rate·d + slope·d²/2 = area, for a segment known to hold that area. Written as
 * 2·area / (rate + √(rate² + 2·slope·area)) rather than the textbook (−b + √…)/2a, which cancels
 * catastrophically when the slope is small, and divides by zero when it is 0.
 */
function solveRamp(rate: number, slope: number, area: number): number {
  const discriminant = rate * rate + 2 * slope * area;
  return (2 * area) / (rate + Math.sqrt(Math.max(0, discriminant)));
}

function checkTime(method: string, t: number): void {
  if (Number.isNaN(t)) throw new RangeError(`${method}: time is NaN`);
}

function checkSegment(segment: RateSegment, i: number, previous: RateSegment | undefined): void {
  const { startMs, endMs, rateStart, rateEnd } = segment;
  const where = `rate segment ${i} [${startMs}, ${endMs})`;
  if (!(Number.isFinite(startMs) && Number.isFinite(endMs) && startMs < endMs)) {
    throw new RangeError(`${where}: needs finite times with startMs < endMs`);
  }
  if (!(rateStart >= 0 && rateEnd >= 0 && rateStart < Infinity && rateEnd < Infinity)) {
    throw new RangeError(`${where}: rates must be finite and >= 0, got ${rateStart}, ${rateEnd}`);
  }
  if (previous !== undefined && startMs < previous.endMs) {
    throw new RangeError(
      `${where}: starts before the previous segment ends (${previous.endMs}); segments must ` +
        'be sorted and must not overlap',
    );
  }
}
