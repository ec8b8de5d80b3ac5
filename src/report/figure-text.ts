/**
 * Figures as people read them: durations like `run` prints them (`6m48s`, `420ms`), money
 * with `$`, ratios in percent. JSON keeps plain numbers; only text and charts use these.
 */
import { formatDuration } from '../scenarios/units.js';
import type { FigureUnit } from '../observe/figures.js';

/** A duration rounded to what a reader can use: 3 significant figures, whole seconds past a minute. */
export function formatSpan(ms: number): string {
  if (ms < 0) return `-${formatSpan(-ms)}`;
  if (ms >= 60_000) return formatDuration(Math.round(ms / 1000) * 1000);
  if (ms === 0) return formatDuration(0);
  const step = 10 ** (Math.floor(Math.log10(ms)) - 2);
  return formatDuration(Math.round(ms / step) * step);
}

/** Thousands separators, fixed (not locale-dependent); fractions to `digits` decimals at most. */
export function groupDigits(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const fixed = Math.abs(n).toFixed(digits);
  const [whole, fraction] = (fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return sign + grouped + (fraction === undefined ? '' : `.${fraction}`);
}

/**
 * A figure's value in its unit, rounded for reading: `2m29s`, `420ms`, `33.1%`, `$1.64`,
 * `150,338`. `scale` (an interval's half-width, say) sets the precision: noise is not printed
 * as if it were signal.
 */
export function formatFigure(unit: FigureUnit, value: number, scale?: number): string {
  switch (unit) {
    case 'ms':
      return formatSpan(scale !== undefined && scale > 0 ? roundTo(value, scale) : value);
    case 'ratio': {
      // Percentages to two significant figures of the interval (one fewer than counts). A lone
      // value near 100% keeps two figures of its distance to 100%: availability 99.49% must not
      // read as the 99% it is compared with.
      const percent = value * 100;
      if (scale !== undefined) return `${groupDigits(percent, Math.max(0, decimals(scale * 100, percent) - 1))}%`;
      const gap = 100 - percent;
      const digits = Math.max(decimals(undefined, percent) - 1, gap > 0 && gap < 10 ? decimals(undefined, gap) - 1 : 0);
      return `${groupDigits(percent, digits)}%`;
    }
    case 'dollars':
      return `$${groupDigits(value, Math.max(2, decimals(scale, value)))}`;
    case 'count':
      return groupDigits(value, Number.isInteger(value) && (scale === undefined || scale >= 1) ? 0 : decimals(scale, value));
  }
}

/** Decimals that show 3 significant figures of the scale (or of the value). */
function decimals(scale: number | undefined, value: number): number {
  const s = scale !== undefined && scale > 0 ? scale : Math.abs(value);
  if (s === 0) return 0;
  return Math.max(0, Math.min(6, 2 - Math.floor(Math.log10(s))));
}

/** Rounds to 2 significant figures of the scale, so `606,252 ± 8,673` ms reads `10m6s`. */
function roundTo(value: number, scale: number): number {
  const step = 10 ** (Math.floor(Math.log10(scale)) - 1);
  return Math.round(value / step) * step;
}
