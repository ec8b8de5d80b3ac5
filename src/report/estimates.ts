/**
 * Text for replicated figures: a mean with its 95% interval (`1,204 ± 31`), the precision
 * following the interval, so noise is not printed as if it were signal.
 */
import type { Estimate } from '../experiments/results.js';
import type { FigureUnit } from '../observe/figures.js';
import { formatFigure } from './figure-text.js';

/** How the reports explain formatEstimate's text. */
export const INTERVAL_NOTE =
  'mean ± 95% confidence interval (Student t) over seeds; mean (0 to x): the interval, clamped at 0';

/**
 * `12.5 ± 0.8`, `2m29s ± 1.5s`, `32.03% ± 0.25%`, `3` (no spread), `—` (undefined on every
 * seed), with `(k/n)` when some were. With a unit, in that unit as people read it. A figure
 * never below 0 whose interval would reach below it (a count seen on one seed of five) reads
 * `1.5 (0 to 20.6)`: the interval clamped at 0, as the charts draw it.
 */
export function formatEstimate(e: Estimate | undefined, seeds: number, unit?: FigureUnit): string {
  if (e === undefined || e.mean === null) return '—';
  const partial = e.n < seeds ? ` (${e.n}/${seeds})` : '';
  // Equal values give an interval of rounding noise (1e-17), not of spread.
  const spread = e.ci95 === null || e.ci95 <= Math.abs(e.mean) * 1e-9 ? undefined : e.ci95;
  const text = (x: number, scale?: number) => (unit === undefined ? formatNumber(x, scale) : formatFigure(unit, x, scale));
  if (spread === undefined) return `${text(e.mean)}${partial}`;
  if (e.min !== null && e.min >= 0 && e.mean - spread < 0) {
    return `${text(e.mean, spread)} (${text(0, spread)} to ${text(e.mean + spread, spread)})${partial}`;
  }
  return `${text(e.mean, spread)} ± ${text(spread, spread)}${partial}`;
}

/** Whole numbers with separators; fractions to 3 significant digits (or to the interval's). */
export function formatNumber(x: number, ci?: number): string {
  if (Number.isInteger(x) && (ci === undefined || ci >= 1)) return x.toLocaleString('en-US');
  const scale = ci !== undefined && ci > 0 ? ci : Math.abs(x);
  const digits = scale === 0 ? 0 : Math.max(0, Math.min(6, 2 - Math.floor(Math.log10(scale))));
  return x.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}
