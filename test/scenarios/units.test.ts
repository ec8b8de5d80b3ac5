/**
 * Units tests: tables of valid input -> value, and invalid input -> the exact message.
 */
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatClock,
  formatDuration,
  parseBytes,
  parseDuration,
  parseMultiplier,
  parseRate,
  ParseError,
} from '../../src/scenarios/units.js';

// Escapes a message so toThrow() matches it literally and completely.
function exactly(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

const DURATION_EXPECTED =
  'expected a number with a unit (us, ms, s, m, h, d), like 250ms, 10m or 1h30m';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['1s', 1000],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['500us', 0.5],
    ['1.5ms', 1.5],
    ['0', 0],
    ['0.0', 0],
    ['0s', 0],
    [0, 0],
  ] as const)('%j -> %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['10 mins', `"10 mins" is not a duration: ${DURATION_EXPECTED}`],
    ['10mins?', `"10mins?" is not a duration: ${DURATION_EXPECTED}`],
    ['5 m s', `"5 m s" is not a duration: ${DURATION_EXPECTED}`],
    ['', `"" is not a duration: ${DURATION_EXPECTED}`],
    ['h', `"h" is not a duration: ${DURATION_EXPECTED}`],
    ['1.s', `"1.s" is not a duration: ${DURATION_EXPECTED}`],
    [
      '250',
      '"250" is not a duration: a duration needs a unit (us, ms, s, m, h, d), like 250ms; ' +
        'only 0 may go without',
    ],
    [
      250,
      '250 is not a duration: a duration needs a unit (us, ms, s, m, h, d), like 250ms; ' +
        'only 0 may go without',
    ],
    ['-5ms', '"-5ms" is not a duration: durations cannot be negative'],
    [-5, '-5 is not a duration: durations cannot be negative'],
    [
      '30m1h',
      '"30m1h" is not a duration: the parts must go from the largest unit to the smallest, ' +
        'each unit once, like 1h30m or 1m30s',
    ],
    [
      '1m1m',
      '"1m1m" is not a duration: the parts must go from the largest unit to the smallest, ' +
        'each unit once, like 1h30m or 1m30s',
    ],
  ] as const)('rejects %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(ParseError);
    expect(() => parseDuration(text)).toThrow(exactly(message));
  });
});

describe('parseRate', () => {
  it.each([
    ['5000/s', 5],
    ['300/min', 0.005],
    ['10/ms', 10],
    ['2/h', 2 / 3_600_000],
    ['1/d', 1 / 86_400_000],
    ['2.5/s', 0.0025],
    ['0/s', 0],
    ['0', 0],
    [0, 0],
  ] as const)('%j -> %d per ms', (text, perMs) => {
    expect(parseRate(text)).toBe(perMs);
  });

  const expected = 'expected a count per time unit (ms, s, min, h, d), like 5000/s, 300/min or 2/h';
  it.each([
    ['5000', '"5000" is not a rate: a rate needs a time unit, like 5000/s'],
    [5000, '5000 is not a rate: a rate needs a time unit, like 5000/s'],
    ['-5/s', '"-5/s" is not a rate: rates cannot be negative'],
    [-1, '-1 is not a rate: rates cannot be negative'],
    ['5000 per second', `"5000 per second" is not a rate: ${expected}`],
    ['5000/sec', `"5000/sec" is not a rate: ${expected}`],
    ['5000/m', `"5000/m" is not a rate: ${expected}`],
    ['/s', `"/s" is not a rate: ${expected}`],
  ] as const)('rejects %j', (text, message) => {
    expect(() => parseRate(text)).toThrow(exactly(message));
  });
});

describe('parseBytes', () => {
  it.each([
    ['512B', 512],
    ['1KB', 1024],
    ['1KiB', 1024],
    ['1.5KB', 1536],
    ['1MB', 1_048_576],
    ['1MiB', 1_048_576],
    ['256KB', 262_144],
    ['1GB', 2 ** 30],
    ['1TB', 2 ** 40],
    ['512', 512],
    [512, 512],
    [0, 0],
  ] as const)('%j -> %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  const expected =
    'expected a whole number of bytes or a size with a unit (B, KB, MB, GB, TB), like 512B or 1MB';
  it.each([
    ['1kb', `"1kb" is not a size: ${expected}`],
    ['1 KB', `"1 KB" is not a size: ${expected}`],
    ['1.5', `"1.5" is not a size: ${expected}`],
    [1.5, `1.5 is not a size: ${expected}`],
    ['-1KB', '"-1KB" is not a size: sizes cannot be negative'],
    ['0.3KB', `"0.3KB" is not a whole number of bytes; ${expected}`],
  ] as const)('rejects %j', (text, message) => {
    expect(() => parseBytes(text)).toThrow(exactly(message));
  });
});

describe('parseMultiplier', () => {
  it.each([
    ['50x', 50],
    ['1.5x', 1.5],
    [50, 50],
  ] as const)('%j -> %d', (text, factor) => {
    expect(parseMultiplier(text)).toBe(factor);
  });

  it.each([
    ['50', '"50" is not a multiplier: expected a number followed by x, like 50x or 1.5x'],
    ['x50', '"x50" is not a multiplier: expected a number followed by x, like 50x or 1.5x'],
    ['0x', '"0x" is not a multiplier: it must be a finite number above 0'],
    [0, '0 is not a multiplier: it must be a finite number above 0'],
    [-2, '-2 is not a multiplier: it must be a finite number above 0'],
  ] as const)('rejects %j', (text, message) => {
    expect(() => parseMultiplier(text)).toThrow(exactly(message));
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1.5, '1.5ms'],
    [0.5, '500us'],
    [1000, '1s'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [90_500, '1m30.5s'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
    [93_784_005, '1d2h3m4.005s'],
    [-250, '-250ms'],
  ] as const)('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [0, 0.25, 1, 1.5, 999, 1000, 61_001, 3_599_999, 5_400_000, 93_784_005]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});

describe('formatClock', () => {
  it.each([
    [0, '+0:00'],
    [5000, '+0:05'],
    [750_000, '+12:30'],
    [750_999, '+12:30'],
    [3_600_000, '+1:00:00'],
    [5_400_000, '+1:30:00'],
    [90_061_000, '+25:01:01'],
    [-5000, '-0:05'],
  ] as const)('%d ms -> %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0B'],
    [512, '512B'],
    [1000, '1000B'],
    [1024, '1KB'],
    [1536, '1.5KB'],
    [1_048_576, '1MB'],
    [2 ** 30, '1GB'],
  ] as const)('%d -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
    expect(parseBytes(text)).toBe(bytes);
  });
});
