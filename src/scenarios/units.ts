/**
 * Units: strict parsers and formatters for durations, rates, byte sizes and multipliers.
 *
 * Owns how scenario text becomes numbers in the kernel's units: durations in milliseconds,
 * rates in events per millisecond, sizes in bytes. Parsers are strict on purpose: a bare number
 * has no unit and is an error (except 0), because "timeout: 30" meaning 30 ms or 30 s is how
 * sizing studies go wrong silently. Every error says what was given, what was expected and gives
 * an example.
 *
 * Decimal inputs are converted with a single rounding (digits × unit ÷ 10^decimals), so that
 * "1.1s" is exactly 1100 and not 1100.0000000000002.
 */
import { MAX_DRAW_MS } from '../sim/distributions.js';

/**
 * The longest duration anything may last or be delayed by: 1,000 years (of 365 days). Far
 * beyond any run, and far below where float milliseconds stop being exact, so that every
 * time the kernel computes stays finite.
 */
export const MAX_DURATION_MS = MAX_DRAW_MS;

/** Invalid input text. The message names the input, what was expected and an example. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

/** A unit as an exact ratio to the base unit: value = number × num ÷ den. */
interface Unit {
  readonly num: number;
  readonly den: number;
}

// Largest first: compound durations must list their parts in this order.
const DURATION_UNITS: Record<string, Unit & { rank: number }> = {
  d: { num: 86_400_000, den: 1, rank: 0 },
  h: { num: 3_600_000, den: 1, rank: 1 },
  m: { num: 60_000, den: 1, rank: 2 },
  s: { num: 1000, den: 1, rank: 3 },
  ms: { num: 1, den: 1, rank: 4 },
  us: { num: 1, den: 1000, rank: 5 },
};

const RATE_UNITS: Record<string, Unit> = {
  ms: { num: 1, den: 1 },
  s: { num: 1, den: 1000 },
  min: { num: 1, den: 60_000 },
  h: { num: 1, den: 3_600_000 },
  d: { num: 1, den: 86_400_000 },
};

// 1 KB = 1024 bytes, as AWS (SQS message size) and Kafka docs count; KiB etc. are synonyms.
const BYTE_UNITS: Record<string, Unit> = {
  B: { num: 1, den: 1 },
  KB: { num: 2 ** 10, den: 1 },
  KiB: { num: 2 ** 10, den: 1 },
  MB: { num: 2 ** 20, den: 1 },
  MiB: { num: 2 ** 20, den: 1 },
  GB: { num: 2 ** 30, den: 1 },
  GiB: { num: 2 ** 30, den: 1 },
  TB: { num: 2 ** 40, den: 1 },
  TiB: { num: 2 ** 40, den: 1 },
};

const DECIMAL = String.raw`\d+(?:\.\d+)?`;
const PLAIN_NUMBER = new RegExp(`^${DECIMAL}$`);
const DURATION_PART = new RegExp(`(${DECIMAL})(us|ms|s|m|h|d)`, 'y');
const DURATION_TEXT = new RegExp(`^(?:${DECIMAL}(?:us|ms|s|m|h|d))+$`);
const RATE_TEXT = new RegExp(`^(${DECIMAL})/(ms|s|min|h|d)$`);
const BYTES_TEXT = new RegExp(`^(${DECIMAL})(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$`);
const MULTIPLIER_TEXT = new RegExp(`^(${DECIMAL})x$`);

/**
 * The same grammars as JSON Schema patterns (ECMAScript regular expressions), for the
 * published schema: editors then refuse `rate: fast` as the parsers do. Ranges the parsers
 * check (at most 1000 years, 10^9/s) are left to them.
 */
const ZERO = String.raw`0+(?:\.0+)?`;
const DURATION_PARTS = ['d', 'h', 'm', 's', 'ms', 'us'].map((unit) => `(?:${DECIMAL}${unit})?`).join('');
export const UNIT_PATTERNS = {
  /** Parts from the largest unit to the smallest, each once; or a bare 0. */
  duration: `^(?=\\d)${DURATION_PARTS}$|^${ZERO}$`,
  /** As duration, but not zero. */
  positiveDuration: `^(?!(?:${ZERO}(?:us|ms|s|m|h|d))+$)(?=\\d)${DURATION_PARTS}$`,
  rate: `^${DECIMAL}/(?:${Object.keys(RATE_UNITS).join('|')})$|^${ZERO}$`,
  bytes: `^\\d+$|^${DECIMAL}(?:${Object.keys(BYTE_UNITS).join('|')})$`,
  multiplier: `^${DECIMAL}x$`,
  timeOfDay: String.raw`^(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?$`,
} as const;

const DURATION_EXPECTED =
  'expected a number with a unit (us, ms, s, m, h, d), like 250ms, 10m or 1h30m';
const RATE_EXPECTED =
  'expected a count per time unit (ms, s, min, h, d), like 5000/s, 300/min or 2/h';
const BYTES_EXPECTED =
  'expected a whole number of bytes or a size with a unit (B, KB, MB, GB, TB), like 512B or 1MB';
const MULTIPLIER_EXPECTED = 'expected a number followed by x, like 50x or 1.5x';

/** Milliseconds. Units us, ms, s, m, h, d; compounds like 1h30m; only 0 may omit the unit. */
export function parseDuration(text: string | number): number {
  const shown = show(text);
  if (typeof text === 'number') {
    if (text === 0) return 0;
    if (text < 0) throw new ParseError(`${shown} is not a duration: durations cannot be negative`);
    throw new ParseError(`${shown} is not a duration: ${missingUnit('250ms')}`);
  }
  if (DURATION_TEXT.test(text)) {
    const ms = durationValue(text);
    if (ms > MAX_DURATION_MS) {
      throw new ParseError(`${shown.length > 40 ? `${shown.slice(0, 37)}…"` : shown} is not a duration: ` +
        'it is longer than 1000 years, the longest queuesim takes');
    }
    return ms;
  }
  if (PLAIN_NUMBER.test(text)) {
    if (Number(text) === 0) return 0;
    throw new ParseError(`${shown} is not a duration: ${missingUnit(`${text}ms`)}`);
  }
  if (text.startsWith('-') && DURATION_TEXT.test(text.slice(1))) {
    throw new ParseError(`${shown} is not a duration: durations cannot be negative`);
  }
  throw new ParseError(`${shown} is not a duration: ${DURATION_EXPECTED}`);
}

function missingUnit(example: string): string {
  return `a duration needs a unit (us, ms, s, m, h, d), like ${example}; only 0 may go without`;
}

function durationValue(text: string): number {
  let total = 0;
  let lastRank = -1;
  DURATION_PART.lastIndex = 0;
  for (let match = DURATION_PART.exec(text); match; match = DURATION_PART.exec(text)) {
    const unit = DURATION_UNITS[match[2]];
    if (unit.rank <= lastRank) {
      throw new ParseError(
        `${show(text)} is not a duration: the parts must go from the largest unit to the ` +
          'smallest, each unit once, like 1h30m or 1m30s',
      );
    }
    lastRank = unit.rank;
    total += scaled(match[1], unit);
  }
  return total;
}

/** The highest rate queuesim takes: 10^9 per second. */
const MAX_RATE_PER_MS = 1e6;

/** Events per millisecond, from a count per time unit like 5000/s or 300/min. */
export function parseRate(text: string | number): number {
  const shown = show(text);
  if (typeof text === 'number') {
    if (text === 0) return 0;
    if (text < 0) throw new ParseError(`${shown} is not a rate: rates cannot be negative`);
    throw new ParseError(`${shown} is not a rate: a rate needs a time unit, like ${text}/s`);
  }
  const match = RATE_TEXT.exec(text);
  if (match) {
    const perMs = scaled(match[1], RATE_UNITS[match[2]]);
    if (perMs > MAX_RATE_PER_MS) {
      throw new ParseError(`${shown.length > 40 ? `${shown.slice(0, 37)}…"` : shown} is not a rate: ` +
        'it is above 10^9/s, the most queuesim takes');
    }
    return perMs;
  }
  if (PLAIN_NUMBER.test(text)) {
    if (Number(text) === 0) return 0;
    throw new ParseError(`${shown} is not a rate: a rate needs a time unit, like ${text}/s`);
  }
  if (text.startsWith('-') && RATE_TEXT.test(text.slice(1))) {
    throw new ParseError(`${shown} is not a rate: rates cannot be negative`);
  }
  throw new ParseError(`${shown} is not a rate: ${RATE_EXPECTED}`);
}

/** Bytes. A bare whole number is bytes; 1 KB = 1024 bytes (KB and KiB are the same). */
export function parseBytes(text: string | number): number {
  const shown = show(text);
  if (typeof text === 'number') {
    if (Number.isSafeInteger(text) && text >= 0) return text;
    throw new ParseError(`${shown} is not a size: ${BYTES_EXPECTED}`);
  }
  if (/^\d+$/.test(text)) return Number(text);
  const match = BYTES_TEXT.exec(text);
  if (!match) {
    const negative = text.startsWith('-') && BYTES_TEXT.test(text.slice(1));
    const reason = negative ? 'sizes cannot be negative' : BYTES_EXPECTED;
    throw new ParseError(`${shown} is not a size: ${reason}`);
  }
  const bytes = scaled(match[1], BYTE_UNITS[match[2]]);
  if (!Number.isSafeInteger(bytes)) {
    throw new ParseError(`${shown} is not a whole number of bytes; ${BYTES_EXPECTED}`);
  }
  return bytes;
}

/** A factor > 0, written like 50x or 1.5x (a plain number is accepted too). */
export function parseMultiplier(text: string | number): number {
  const shown = show(text);
  let value: number;
  if (typeof text === 'number') {
    value = text;
  } else {
    const match = MULTIPLIER_TEXT.exec(text);
    if (!match) throw new ParseError(`${shown} is not a multiplier: ${MULTIPLIER_EXPECTED}`);
    value = Number(match[1]);
  }
  if (!(value > 0 && value < Infinity)) {
    throw new ParseError(`${shown} is not a multiplier: it must be a finite number above 0`);
  }
  return value;
}

/** A time of day, `20:00`, `7:30` or `23:59:30` (24-hour clock), as ms after midnight. */
export function parseTimeOfDay(text: string | number): number {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(String(text));
  const [h, m, s] = match === null ? [NaN, NaN, NaN] : match.slice(1).map((x) => Number(x ?? 0));
  if (!(h < 24 && m < 60 && s < 60)) {
    throw new ParseError(`${show(text)} is not a time of day: expected HH:MM on a 24-hour clock, like 20:00`);
  }
  return ((h * 60 + m) * 60 + s) * 1000;
}

/** Compact duration text that parseDuration reads back: 250ms, 1.5ms, 1m30s, 1h30m, 500us. */
export function formatDuration(ms: number): string {
  if (Number.isNaN(ms)) throw new RangeError('formatDuration: got NaN');
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === Infinity) return 'Infinity';
  // Work in whole microseconds so that the parts are exact integers.
  const us = Math.round(ms * 1000);
  if (us === 0) return '0ms';
  if (us < 1000) return `${us}us`;
  if (us < 1_000_000) return `${us / 1000}ms`;
  let rest = us;
  let text = '';
  for (const [unit, size] of DURATION_PARTS_US) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  // Seconds carry any fraction, so 90500 ms reads 1m30.5s rather than 1m30s500ms.
  if (rest > 0) text += `${rest / 1e6}s`;
  return text;
}

const DURATION_PARTS_US: readonly (readonly [string, number])[] = [
  ['d', 86_400e6],
  ['h', 3_600e6],
  ['m', 60e6],
];

/** Elapsed-time tick label: 750000 -> "+12:30", 5400000 -> "+1:30:00" (whole seconds). */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatClock: got ${String(ms)}`);
  const sign = ms < 0 ? '-' : '+';
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = pad2(seconds % 60);
  if (hours === 0) return `${sign}${minutes}:${secs}`;
  return `${sign}${hours}:${pad2(minutes)}:${secs}`;
}

/** Compact size text that parseBytes reads back: 512B, 1.5KB, 1MB. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of SIZE_STEPS) {
    // At most two decimals, and only when exact (sizes are powers of two, so this is exact).
    if (bytes >= size && Number.isInteger((bytes * 100) / size)) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

const SIZE_STEPS: readonly (readonly [string, number])[] = [
  ['TB', 2 ** 40],
  ['GB', 2 ** 30],
  ['MB', 2 ** 20],
  ['KB', 2 ** 10],
];

function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

/** digits × num ÷ (10^decimals × den), computed with one rounding at the end. */
function scaled(decimal: string, unit: Unit): number {
  const point = decimal.indexOf('.');
  const digits = point < 0 ? decimal : decimal.slice(0, point) + decimal.slice(point + 1);
  const decimals = point < 0 ? 0 : decimal.length - point - 1;
  return (Number(digits) * unit.num) / (10 ** decimals * unit.den);
}

function show(text: string | number): string {
  return typeof text === 'number' ? String(text) : JSON.stringify(text);
}
