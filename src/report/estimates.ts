/**
 * Text for replicated figures: a mean with its 95% interval (`1,204 ± 31`), the precision
 * following the interval, so noise is not printed as if it were signal.
 */
import type { Estimate } from '../experiments/results.js';
import type { FigureUnit } from '../observe/figures.js';
import { formatFigure } from './figure-text.js';

/**
 * `12.5 ± 0.8`, `2m29s ± 1.5s`, `32.03% ± 0.25%`, `3` (no spread), `—` (undefined on every
 * seed), with `(k/n)` when some were. With a unit, in that unit as people read it.
 */
export function formatEstimate(e: Estimate | undefined, seeds: number, unit?: FigureUnit): string {
  if (e === undefined || e.mean === null) return '—';
  const partial = e.n < seeds ? ` (${e.n}/${seeds})` : '';
  // Equal values give an interval of rounding noise (1e-17), not of spread.
  const spread = e.ci95 === null || e.ci95 <= Math.abs(e.mean) * 1e-9 ? undefined : e.ci95;
  if (unit !== undefined) {
    const mean = formatFigure(unit, e.mean, spread);
    return spread === undefined ? `${mean}${partial}` : `${mean} ± ${formatFigure(unit, spread, spread)}${partial}`;
  }
  if (spread === undefined) return `${formatNumber(e.mean)}${partial}`;
  return `${formatNumber(e.mean, spread)} ± ${formatNumber(spread, spread)}${partial}`;
}

/** Whole numbers with separators; fractions to 3 significant digits (or to the interval's). */
export function formatNumber(x: number, ci?: number): string {
  if (Number.isInteger(x) && (ci === undefined || ci >= 1)) return x.toLocaleString('en-US');
  const scale = ci !== undefined && ci > 0 ? ci : Math.abs(x);
  const digits = scale === 0 ? 0 : Math.max(0, Math.min(6, 2 - Math.floor(Math.log10(scale))));
  return x.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}
