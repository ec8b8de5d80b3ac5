/**
 * Replication statistics: the mean of a figure over seeds and its 95% confidence interval from
 * Student's t distribution (the seeds are independent replications; the figure is treated as
 * approximately normal across them, the usual assumption for a handful of replications).
 */

/** Two-sided 95% critical values t(0.975, df) for df = 1…30 (standard tables). */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16,
  2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052,
  2.048, 2.045, 2.042,
];

/**
 * t(0.975, df). Beyond the table, the Cornish–Fisher expansion around z = 1.959964 (Abramowitz
 * and Stegun 26.7.5), which is within 0.001 of the exact value for df > 30.
 */
export function tCritical95(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`tCritical95: df must be a whole number ≥ 1, got ${df}`);
  if (df <= T_975.length) return T_975[df - 1];
  const z = 1.959964;
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

export interface Estimate {
  /** Replications behind the estimate (values that were defined). */
  n: number;
  mean: number | null;
  /** Half-width of the 95% interval; 0 with one value (no spread to estimate), null with none. */
  ci95: number | null;
  min: number | null;
  max: number | null;
}

/** Mean and 95% Student-t interval of the defined values; nulls (undefined figures) are skipped. */
export function estimate(values: readonly (number | null)[]): Estimate {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: null, ci95: null, min: null, max: null };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  if (n === 1) return { n, mean, ci95: 0, min, max };
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { n, mean, ci95: tCritical95(n - 1) * Math.sqrt(variance / n), min, max };
}

/** The q-quantile (0…1) of values by the nearest-rank method: q = 1 is the maximum. */
export function nearestRank(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}
