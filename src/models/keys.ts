/**
 * Key choosers: which key the next message carries, drawn from a key space of `count` keys
 * with a uniform or Zipf skew (key i has weight 1 / (i + 1)^s, so key 0 is the hottest), or
 * replayed from a recorded sequence.
 */
import type { Random } from '../sim/rng.js';
import type { KeyId } from './facts.js';

export type KeySkew = { kind: 'uniform' } | { kind: 'zipf'; s: number };

export type KeyChooser = (random: Random) => KeyId;

export function keyChooser(base: KeyId, count: number, skew: KeySkew): KeyChooser {
  if (skew.kind === 'uniform' || count === 1) {
    return (random) => base + Math.floor(random() * count);
  }
  const cdf = zipfCdf(count, skew.s);
  const guide = guideTable(cdf);
  const scale = guide.length - 1;
  return (random) => {
    const u = random();
    // u·scale and its floor are exact (scale is a power of two), so u lies in [b, b + 1) / scale.
    const b = Math.floor(u * scale);
    return base + upperBound(cdf, u, guide[b], guide[b + 1]);
  };
}

/** Draws from a list of keys with the skew; Zipf ranks follow the list's order. */
export function listChooser(ids: readonly KeyId[], skew: KeySkew): KeyChooser {
  const draw = keyChooser(0, ids.length, skew);
  return (random) => ids[draw(random)];
}

/**
 * Replays `ids` in order and starts over after the last: message i carries ids[i mod length].
 * It draws nothing, so the stream it is handed stays untouched.
 */
export function sequenceChooser(ids: readonly KeyId[]): KeyChooser {
  let next = 0;
  return () => {
    const id = ids[next];
    next = next + 1 === ids.length ? 0 : next + 1;
    return id;
  };
}

/** Cumulative Zipf weights, normalised so the last is exactly 1. */
export function zipfCdf(count: number, s: number): Float64Array {
  const cdf = new Float64Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += 1 / Math.pow(i + 1, s);
    cdf[i] = total;
  }
  for (let i = 0; i < count; i++) cdf[i] /= total;
  cdf[count - 1] = 1;
  return cdf;
}

/**
 * The answer of upperBound for u = b / scale, for b = 0 … scale (scale a power of two at least
 * the key count, up to 2^16): the draw for u in [b, b + 1) / scale lies between entries b and
 * b + 1, so a draw searches a few keys instead of all of them, and picks the key it always did.
 */
function guideTable(cdf: Float64Array): Int32Array {
  let scale = 1;
  while (scale < cdf.length && scale < 1 << 16) scale *= 2;
  const guide = new Int32Array(scale + 1);
  for (let b = 0; b <= scale; b++) guide[b] = upperBound(cdf, b / scale, 0, cdf.length - 1);
  return guide;
}

/** The first index in [lo, hi] whose cumulative weight exceeds u (u in [0, 1)), or hi. */
function upperBound(cdf: Float64Array, u: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
