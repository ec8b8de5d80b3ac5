/**
 * Replicated figures as text: the mean with its 95% interval, in the figure's unit, and an
 * interval that would reach below zero for a figure that never is clamped there.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/experiments/stats.js';
import { formatEstimate } from '../../src/report/estimates.js';

describe('formatEstimate', () => {
  it('prints mean ± half-width, rounded to the interval', () => {
    // Mean 1,204; sample variance 424 / 4 = 106 (sd 10.3); t(4) = 2.776: 2.776 × 10.3 / √5 = 12.8.
    expect(formatEstimate(estimate([1190, 1200, 1204, 1208, 1218]), 5)).toBe('1,204 ± 12.8');
  });

  it('clamps at 0 an interval that would go below it, for a figure never below 0', () => {
    // Duplicates 0, 0, 0, 0, 8 over five seeds: mean 1.6, sd 3.58, t(4) = 2.776: ± 4.44,
    // which would read -2.84 to 6.04; shown 0 to 6.04.
    expect(formatEstimate(estimate([0, 0, 0, 0, 8]), 5)).toBe('1.6 (0 to 6.04)');
    expect(formatEstimate(estimate([0, 0, 0, 0, 8000]), 5, 'ms')).toBe('1.6s (0ms to 6s)');
  });

  it('keeps ± for a figure that was below 0 on some seed', () => {
    expect(formatEstimate(estimate([-4, 0, 0, 0, 8]), 5)).toMatch(/^0\.8 ± /);
  });

  it('says how many seeds defined it, and — when none did', () => {
    // 3 and 5: sd √2, t(1) = 12.706: ± 12.7, clamped at 0.
    expect(formatEstimate(estimate([3, null, 5]), 3)).toBe('4 (0 to 16.7) (2/3)');
    expect(formatEstimate(estimate([null, null]), 2)).toBe('—');
  });
});
