import { describe, expect, it } from 'vitest';
import { estimate, nearestRank, tCritical95 } from '../../src/experiments/stats.js';

describe('Student-t 95% interval', () => {
  it('matches a hand-computed sample', () => {
    // 2,4,4,4,5,5,7,9: mean 5, s² = 32/7, s/√n = 0.755929; t(0.975, 7) = 2.364624 (exact),
    // so the half-width is 1.78750. The table's 3-decimal t (2.365) is within 0.0003 of it.
    const e = estimate([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(e.n).toBe(8);
    expect(e.mean).toBe(5);
    expect(e.ci95).toBeCloseTo(1.7875, 3);
    expect([e.min, e.max]).toEqual([2, 9]);
  });

  it('has the textbook critical values and a close large-df approximation', () => {
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(9)).toBe(2.262);
    expect(tCritical95(30)).toBe(2.042);
    // Exact: df 40 → 2.021075, 60 → 2.000298, 120 → 1.979930.
    expect(tCritical95(40)).toBeCloseTo(2.021075, 3);
    expect(tCritical95(60)).toBeCloseTo(2.000298, 3);
    expect(tCritical95(120)).toBeCloseTo(1.97993, 3);
    expect(() => tCritical95(0)).toThrow(/df/);
  });

  it('skips undefined values and gives no interval for one value', () => {
    expect(estimate([null, 3, null])).toEqual({ n: 1, mean: 3, ci95: 0, min: 3, max: 3 });
    expect(estimate([null])).toEqual({ n: 0, mean: null, ci95: null, min: null, max: null });
    expect(estimate([4, 4, 4]).ci95).toBe(0);
  });

  it('nearest-rank quantile', () => {
    expect(nearestRank([5, 1, 3, 2, 4], 1)).toBe(5);
    expect(nearestRank([5, 1, 3, 2, 4], 0.8)).toBe(4);
    expect(nearestRank([5, 1, 3, 2, 4], 0.5)).toBe(3);
  });
});
