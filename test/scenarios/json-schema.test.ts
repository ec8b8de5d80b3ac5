/**
 * The published JSON Schema, judged by a standard validator (ajv, JSON Schema 2020-12, the
 * draft the schema declares): every built-in and the README's scenario pass it, and each
 * known-bad file below fails it, as it fails the CLI. Editors then refuse what `validate`
 * refuses, where a pattern can say so.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtInScenarios } from '../../src/scenarios/built-in.js';
import { parseScenario } from '../../src/scenarios/load.js';
import { scenarioJsonSchema } from '../../src/scenarios/scenario-schema.js';
import { UNIT_PATTERNS } from '../../src/scenarios/units.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schema = scenarioJsonSchema() as { $schema: string };
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const valid = ajv.compile(schema);

/** The schema's errors for a YAML text, as `path: message`. */
function schemaErrors(text: string): string[] {
  return valid(parse(text)) ? [] : (valid.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The CLI's verdict: null when it accepts the text, else its first error line. */
function cliError(text: string, file = join(root, 'scenarios', 'case.yaml')): string | null {
  try {
    parseScenario(text, file, { baseDir: dirname(file) });
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

const BASE = `
name: schema-case
duration: 10m
system: { type: workqueue }
producers:
  - name: orders
    rate: 100/s
consumers:
  - group: billing
    instances: 2
    service: exp(20ms)
`;

/** BASE with one line replaced (`from` must occur in it) or lines added. */
const edit = (from: string, to: string): string => {
  expect(BASE).toContain(from);
  return BASE.replace(from, to);
};

describe('the published schema', () => {
  it('declares draft 2020-12, and the committed file is what `queuesim schema` prints', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const committed = JSON.parse(readFileSync(join(root, 'schema', 'scenario.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it('accepts every built-in scenario', () => {
    const builtIns = builtInScenarios();
    expect(builtIns.length).toBeGreaterThan(20);
    for (const b of builtIns) {
      const text = readFileSync(b.file, 'utf8');
      expect(cliError(text, b.file), b.name).toBeNull();
      expect(schemaErrors(text), b.name).toEqual([]);
    }
  });

  it("accepts the README's scenario", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const scenarios = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])
      .filter((text) => /^name:/m.test(text) && /^system:/m.test(text));
    expect(scenarios.length).toBeGreaterThan(0);
    for (const text of scenarios) {
      expect(cliError(text)).toBeNull();
      expect(schemaErrors(text)).toEqual([]);
    }
  });

  it('accepts what the parsers accept at the edges: 0 without a unit, compound durations, aliases with their own fields', () => {
    const good = [
      edit('rate: 100/s', 'rate: 0\n    backlog: 100'),
      edit('duration: 10m', 'duration: 1h30m\ndrain: 0'),
      edit('duration: 10m', 'duration: 1m30.5s\ndrain: "0"'),
      edit('rate: 100/s', 'rate: 2.5/min\n    messageSize: 1.5KB'),
      edit('rate: 100/s', 'rate: 100/s\n    phases: [{ at: 1m, duration: 2m, spike: 50x }, { duration: 1m, ramp: { to: 300/s } }]'),
      edit('service: exp(20ms)', 'service: " lognormal(mean=20ms, p99=200ms)"'),
      edit('system: { type: workqueue }', 'system: { type: kafka, topics: [{ name: t, partitions: 4 }] }')
        .replace('instances: 2', 'instances: 2\n    maxPollRecords: 100'),
      `${BASE}expect:\n  p99LatencyMs: "< 2s"\n  billing.duplicates: 0\n  rejectedRatio: "<= 1%"\n  billing.maxLag: "< 5000"\n`,
    ];
    for (const text of good) {
      expect(cliError(text), text).toBeNull();
      expect(schemaErrors(text), text).toEqual([]);
    }
  });

  // Each: the text, and a word of the CLI's error (the schema's own wording is ajv's).
  const BAD: [string, string, string][] = [
    ['a rate without a unit of time: rate: fast', edit('rate: 100/s', 'rate: fast'), 'is not a rate'],
    ['a rate per "sec"', edit('rate: 100/s', 'rate: 5000/sec'), 'is not a rate'],
    ['a duration without a unit', edit('duration: 10m', 'duration: 30'), 'needs a unit'],
    ['a zero duration where one must pass', edit('duration: 10m', 'duration: 0s'), 'longer than 0'],
    ['a negative drain', edit('duration: 10m', 'duration: 10m\ndrain: -5s'), 'cannot be negative'],
    ['units out of order', edit('duration: 10m', 'duration: 30s1m'), 'largest unit'],
    ['a size in an unknown unit', edit('rate: 100/s', 'rate: 100/s\n    messageSize: 1.5XB'), 'is not a size'],
    ['a spike as a bare number', edit('rate: 100/s', 'rate: 100/s\n    phases: [{ duration: 1m, spike: 50 }]'), 'is not a rate'],
    ['a peak at 25:00', edit('rate: 100/s', 'rate: 100/s\n    diurnal: { peak: 3x, peakAt: "25:00" }'), 'time of day'],
    ['a trace scaled by -1x', edit('rate: 100/s', 'rateTrace: { csv: data/x.csv, scale: -1x }'), 'multiplier'],
    ['an unknown distribution', edit('service: exp(20ms)', 'service: gamma(2ms)'), 'unknown distribution'],
    ['a service time with no distribution', edit('service: exp(20ms)', 'service: 20ms'), 'not a distribution'],
    ['maxPollRecords on a work-queue consumer', edit('instances: 2', 'instances: 2\n    maxPollRecords: 100'), 'maxPollRecords'],
    ['prefetch on a kafka consumer', edit('system: { type: workqueue }', 'system: { type: kafka, topics: [{ name: t, partitions: 4 }] }')
      .replace('instances: 2', 'instances: 2\n    prefetch: 10'), 'prefetch'],
    ['an SQS queue on a work-queue producer', edit('rate: 100/s', 'rate: 100/s\n    delaySeconds: 5s'), 'delaySeconds'],
    ['an unknown delivery guarantee', edit('instances: 2', 'instances: 2\n    delivery: exactly-once'), 'expected one of'],
    ['zero instances', edit('instances: 2', 'instances: 0'), 'instances'],
    ['a slowdown factor over 10^6', `${BASE}faults: [{ kind: slowdown, group: billing, at: 1m, for: 1m, factor: 1e7 }]\n`, 'at most 1,000,000'],
    ['an unknown top-level field', `${BASE}retries: 3\n`, 'unknown field'],
    ['an unknown expect figure', `${BASE}expect: { p99Latency: "< 1s" }\n`, 'unknown metric'],
    ['a system-wide figure scoped to a group', `${BASE}expect: { billing.rejected: 0 }\n`, 'system-wide'],
    ['a latency threshold that is no duration', `${BASE}expect: { p99LatencyMs: "< soon" }\n`, 'is not a duration'],
    ['a ratio in words', `${BASE}expect: { rejectedRatio: "< 1 percent" }\n`, 'not a threshold'],
    ['money in euros', `${BASE}expect: { lossRatio: 0 }\n`.replace('lossRatio: 0', 'billing.duplicates: "< €5"'), 'not a threshold'],
  ];

  it.each(BAD)('refuses %s, as the CLI does', (_what, text, word) => {
    expect(cliError(text)).toContain(word);
    expect(schemaErrors(text)).not.toEqual([]);
  });

  it('the unit patterns take exactly what the parsers take, on a table of texts', () => {
    const matches = (pattern: string, text: string) => new RegExp(pattern, 'u').test(text);
    expect(['250ms', '1h30m', '1.5s', '500us', '0', '7d'].filter((t) => matches(UNIT_PATTERNS.duration, t))).toHaveLength(6);
    expect(['30', '5 s', '1m1h', '1s1s', '-5s', '1e3ms', ''].filter((t) => matches(UNIT_PATTERNS.duration, t))).toEqual([]);
    expect(['0s', '0', '0.0ms1us'].filter((t) => matches(UNIT_PATTERNS.positiveDuration, t))).toEqual(['0.0ms1us']);
    expect(['5000/s', '300/min', '2/h', '0.5/ms', '0'].every((t) => matches(UNIT_PATTERNS.rate, t))).toBe(true);
    expect(['fast', '5000/sec', '5000', '/s'].some((t) => matches(UNIT_PATTERNS.rate, t))).toBe(false);
    expect(['512', '512B', '1.5KB', '2GiB'].every((t) => matches(UNIT_PATTERNS.bytes, t))).toBe(true);
    expect(['1.5', '1XB', 'KB'].some((t) => matches(UNIT_PATTERNS.bytes, t))).toBe(false);
    expect(['7:30', '20:00', '23:59:30'].every((t) => matches(UNIT_PATTERNS.timeOfDay, t))).toBe(true);
    expect(['24:00', '7:60', '730'].some((t) => matches(UNIT_PATTERNS.timeOfDay, t))).toBe(false);
  });
});
