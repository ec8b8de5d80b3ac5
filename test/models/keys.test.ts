/**
 * The Zipf key chooser narrows its search with a guide table: every draw must pick the key a
 * plain search of the whole cumulative table picks, at bucket edges and at the extremes too.
 */
import { describe, expect, it } from 'vitest';
import { keyChooser, zipfCdf } from '../../src/models/keys.js';

/** The first index whose cumulative weight exceeds u: a search of the whole table. */
function plain(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

describe('keyChooser (zipf)', () => {
  it('picks the key a plain search picks, for every draw', () => {
    for (const [count, s] of [[2, 1], [3, 0.5], [10, 1.1], [1000, 1.1], [10_000, 1.1], [70_000, 2]] as const) {
      const cdf = zipfCdf(count, s);
      const draws: number[] = [0, 1 - 2 ** -53, 0.5, 0.25];
      // Bucket edges of every guide scale, a hair either side, and the cumulative weights themselves.
      for (let k = 0; k <= 16; k++) for (const x of [0.3, 0.7]) draws.push(Math.floor(x * 2 ** k) / 2 ** k);
      for (let i = 0; i < Math.min(count, 500); i++) draws.push(cdf[i], cdf[i] - 2 ** -53, Math.min(cdf[i] + 2 ** -53, 1 - 2 ** -53));
      let x = 987654321;
      for (let i = 0; i < 5000; i++) {
        x = (x * 16807) % 2147483647;
        draws.push(x / 2147483647);
      }
      let u = 0;
      const choose = keyChooser(7, count, { kind: 'zipf', s });
      for (const draw of draws) {
        u = draw;
        expect(choose(() => u)).toBe(7 + plain(cdf, u));
      }
    }
  });
});
