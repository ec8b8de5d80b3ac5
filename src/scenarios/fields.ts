/**
 * Schema building blocks for scenario fields with units. Values are written as users write
 * them (`250ms`, `5000/s`, `1KB`, `50x`) and parsed by the kernel's strict parsers; a
 * ParseError becomes a schema issue at the field's path.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { parseBytes, parseDuration, parseMultiplier, parseRate, parseTimeOfDay } from './units.js';

/**
 * What a parsed field takes, by name: the published JSON Schema (json-schema.ts) gives each
 * its pattern.
 */
export type FieldUnit = 'duration' | 'positiveDuration' | 'rate' | 'rateOrMultiple' | 'bytes' | 'multiplier' | 'timeOfDay' | 'distribution' | 'durationOrDistribution';

/** A field parsed by one of the kernel's parsers. */
export function parsed<T>(parse: (text: string | number) => T, description: string, unit: FieldUnit) {
  return z
    .union([z.string(), z.number()])
    .transform((text, ctx): T => {
      try {
        return parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .meta({ description, unit });
}

/** Milliseconds, from `250ms`, `30s`, `10m`, `2h`, `7d`, `1h30m`. */
export const duration = (description: string) =>
  parsed(parseDuration, `${description} A duration with a unit: 250ms, 30s, 10m, 2h, 7d, 1h30m.`, 'duration');

export const positiveDuration = (description: string) =>
  duration(description).refine((ms) => ms > 0, { message: 'must be longer than 0' }).meta({ unit: 'positiveDuration' });

/** Ms after midnight, from a time of day like `20:00`. */
export const clockTime = (description: string) =>
  parsed(parseTimeOfDay, `${description} A time of day on a 24-hour clock: 20:00, 07:30.`, 'timeOfDay');

/** Events per ms, from `5000/s`, `300/min`, `2/h`. */
export const rate = (description: string) =>
  parsed(parseRate, `${description} A rate: 5000/s, 300/min, 2/h.`, 'rate');

/** Bytes, from `512B`, `1KB` (1024), `64KB`, `1MB`. */
export const bytes = (description: string) =>
  parsed(parseBytes, `${description} A size: 512B, 1KB (1024 bytes), 64KB, 1MB.`, 'bytes');

/** A rate (`10000/s`) or a multiple of the producer's baseline (`50x`). */
export type RateOrMultiple = { perMs: number } | { times: number };
export const rateOrMultiple = (description: string) =>
  parsed<RateOrMultiple>(
    (text) =>
      typeof text === 'string' && /x\s*$/.test(text)
        ? { times: parseMultiplier(text) }
        : { perMs: parseRate(text) },
    `${description} A rate (10000/s) or a multiple of the baseline (50x).`,
    'rateOrMultiple',
  );

/**
 * A whole number from 1 to `max`. Every count has a bound, so that no number in a file can
 * make validation or a run allocate without limit (a billion instances, 10^12 keys).
 */
export const count = (description: string, max: number = LIMITS.count) =>
  z
    .number()
    .int()
    .min(1)
    .max(max, `at most ${max.toLocaleString('en-US')} (a bound of queuesim)`)
    .meta({ description });

/** A list of at most `max` entries (a bound of queuesim, like `count`). */
export const bounded = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max, `at most ${max.toLocaleString('en-US')} entries (a bound of queuesim)`);

/** A name usable in paths and folder names. */
export const name = (description: string) =>
  z
    .string()
    .min(1)
    .max(LIMITS.name, `at most ${LIMITS.name} characters (it names a folder)`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-"')
    .meta({ description });
