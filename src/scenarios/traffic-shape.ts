/**
 * A producer's baseline rate over the run, before its phases: constant (`rate`), a daily cycle
 * (`diurnal`), or replayed from a CSV time series (`rateTrace`). Each becomes piecewise-linear
 * rate segments that cover the whole run, so the kernel's RateProfile inverts it exactly and
 * Poisson or uniform arrivals follow it with no sampling grid of their own.
 */
import type { RateSegment } from '../sim/rate-profile.js';
import { readCsvField } from './csv.js';
import { parseDuration, parseRate } from './units.js';
import type { PathKey } from './issues.js';

const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/** A raised cosine: `rate` at the trough, `peak` × `rate` at `peakAtMs` of each period. */
export interface DiurnalShape {
  kind: 'diurnal';
  /** Events per ms at the quietest moment. */
  trough: number;
  /** The peak as a multiple of the trough (3 for `3x`). */
  peak: number;
  /** Time of day of the peak, ms after midnight. */
  peakAtMs: number;
  /** Time of day at t = 0, ms after midnight. */
  startsAtMs: number;
  periodMs: number;
}

/** A rate read from a CSV file: times relative to its first row, rates per ms. */
export interface TraceShape {
  kind: 'trace';
  file: string;
  timesMs: number[];
  rates: number[];
  interpolate: 'step' | 'linear';
}

export type BaselineShape = { kind: 'constant'; rate: number } | DiurnalShape | TraceShape;

/** Why a shape cannot be built, at a path inside the producer. */
export interface ShapeProblem {
  path: PathKey[];
  message: string;
}

/**
 * The diurnal curve is drawn through a knot every minute: the largest relative error of that
 * polyline against the cosine is (2π/1440)²/8 × (peak − 1)/(peak + 1), below 3e-6.
 */
const DIURNAL_KNOT_MS = MINUTE_MS;

/** Baseline segments over [0, durationMs), sorted and gap-free. */
export function baselineSegments(shape: BaselineShape, durationMs: number): RateSegment[] {
  switch (shape.kind) {
    case 'constant':
      return [{ startMs: 0, endMs: durationMs, rateStart: shape.rate, rateEnd: shape.rate }];
    case 'diurnal':
      return polyline((t) => diurnalRate(shape, t), durationMs, DIURNAL_KNOT_MS);
    case 'trace':
      return traceSegments(shape, durationMs);
  }
}

export function diurnalRate(shape: DiurnalShape, t: number): number {
  const phase = (2 * Math.PI * (t + shape.startsAtMs - shape.peakAtMs)) / shape.periodMs;
  return shape.trough * (1 + ((shape.peak - 1) * (1 + Math.cos(phase))) / 2);
}

function polyline(rateAt: (t: number) => number, durationMs: number, stepMs: number): RateSegment[] {
  const segments: RateSegment[] = [];
  for (let t = 0; t < durationMs; t += stepMs) {
    const endMs = Math.min(durationMs, t + stepMs);
    segments.push({ startMs: t, endMs, rateStart: rateAt(t), rateEnd: rateAt(endMs) });
  }
  return segments;
}

/** The trace's rows as segments; the last row's rate holds until the end of the run. */
function traceSegments(shape: TraceShape, durationMs: number): RateSegment[] {
  const { timesMs, rates } = shape;
  const segments: RateSegment[] = [];
  for (let i = 0; i < timesMs.length && timesMs[i] < durationMs; i++) {
    const last = i === timesMs.length - 1;
    const endMs = last ? durationMs : Math.min(durationMs, timesMs[i + 1]);
    let rateEnd = rates[i];
    if (!last && shape.interpolate === 'linear') {
      // Cut at the run's end: the rate there lies on the line to the next row.
      const share = (endMs - timesMs[i]) / (timesMs[i + 1] - timesMs[i]);
      rateEnd = rates[i] + share * (rates[i + 1] - rates[i]);
    }
    segments.push({ startMs: timesMs[i], endMs, rateStart: rates[i], rateEnd });
  }
  return segments;
}

export interface RateTraceSpec {
  csv: string;
  time?: string;
  rate?: string;
  timeUnit: 's' | 'ms';
  interpolate: 'step' | 'linear';
  scale: number;
}

/**
 * Reads a rate trace as exported by Prometheus, CloudWatch or Datadog: a header row, then one
 * row per sample. Times are ISO 8601 timestamps, durations with units (`90s`), or plain numbers
 * in `timeUnit` (epoch seconds by default); they count from the first row. Rates are plain
 * numbers per second or rates with units (`300/min`).
 */
export function readRateTrace(spec: RateTraceSpec, baseDir: string): TraceShape | ShapeProblem {
  const rows = readCsvField(spec.csv, baseDir);
  if (!Array.isArray(rows)) return rows;
  const header = rows[0] ?? [];
  const columns = header.map((name) => JSON.stringify(name)).join(', ');
  const column = (field: 'time' | 'rate', position: number): number | ShapeProblem => {
    const name = spec[field] ?? header[position];
    const index = header.indexOf(name);
    if (index >= 0 && name !== undefined) return index;
    return {
      path: [field],
      message: `${spec.csv} has no column ${JSON.stringify(name ?? '')} for the ${field}; its columns: ${columns}`,
    };
  };
  const timeColumn = column('time', 0);
  const rateColumn = column('rate', 1);
  if (typeof timeColumn !== 'number') return timeColumn;
  if (typeof rateColumn !== 'number') return rateColumn;
  if (rows.length < 2) return { path: ['csv'], message: `${spec.csv} has no rows after its header` };
  const timesMs: number[] = [];
  const rates: number[] = [];
  for (let r = 1; r < rows.length; r++) {
    const where = `${spec.csv} row ${r + 1}`;
    const time = traceTime(rows[r][timeColumn] ?? '', spec.timeUnit);
    if (typeof time === 'string') return { path: ['time'], message: `${where}: ${time}` };
    const rate = traceRate(rows[r][rateColumn] ?? '');
    if (typeof rate === 'string') return { path: ['rate'], message: `${where}: ${rate}` };
    if (timesMs.length > 0 && !(time > timesMs[timesMs.length - 1])) {
      return { path: ['time'], message: `${where}: times must increase from row to row` };
    }
    timesMs.push(time);
    rates.push(rate * spec.scale);
  }
  const origin = timesMs[0];
  return {
    kind: 'trace',
    file: spec.csv,
    timesMs: timesMs.map((t) => t - origin),
    rates,
    interpolate: spec.interpolate,
  };
}

function traceTime(cell: string, unit: 's' | 'ms'): number | string {
  if (/^-?\d+(\.\d+)?$/.test(cell)) return Number(cell) * (unit === 's' ? 1000 : 1);
  if (/^\d{4}-\d{2}-\d{2}/.test(cell)) {
    const ms = Date.parse(cell);
    return Number.isFinite(ms) ? ms : `"${cell}" is not a timestamp`;
  }
  try {
    return parseDuration(cell);
  } catch {
    return `"${cell}" is not a time: expected an ISO 8601 timestamp, a duration like 90s, or a number of ${unit === 's' ? 'seconds' : 'milliseconds'}`;
  }
}

function traceRate(cell: string): number | string {
  if (/^\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell)) {
    const perSecond = Number(cell);
    if (Number.isFinite(perSecond)) return perSecond / 1000;
  }
  try {
    return parseRate(cell);
  } catch {
    return `"${cell}" is not a rate: expected a number of messages per second, or a rate like 300/min`;
  }
}
