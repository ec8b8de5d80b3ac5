/** Baselines that follow a day or a recorded trace, checked against integrals done by hand. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { ScenarioError } from '../../src/scenarios/issues.js';
import { runScenario } from '../../src/scenarios/run.js';
import { RateProfile } from '../../src/sim/rate-profile.js';

const PER_S = 1 / 1000;

function scenario(producer: string, options: { duration?: string; files?: Record<string, string> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'queuesim-shape-'));
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
  const yaml = `name: shaped
duration: ${options.duration ?? '24h'}
system: { type: workqueue }
producers:
  - name: p
${producer.replace(/^/gm, '    ')}
consumers:
  - { group: g, instances: 4, service: const(1ms) }
`;
  return parseScenario(yaml, join(dir, 'shaped.yaml'), { baseDir: dir });
}

function errorsOf(producer: string, files?: Record<string, string>): string {
  try {
    scenario(producer, { files });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be refused');
}

describe('diurnal', () => {
  const day = scenario('rate: 10/s\ndiurnal: { peak: 3x, peakAt: "12:00" }');
  const profile = new RateProfile(day.plans[0].segments);

  it('runs from rate at the trough to peak × rate at peakAt, along a cosine', () => {
    expect(profile.rateAt(0) / PER_S).toBeCloseTo(10, 9); // midnight, 12 h from the peak
    expect(profile.rateAt(6 * 3_600_000) / PER_S).toBeCloseTo(20, 9); // halfway up
    expect(profile.rateAt(12 * 3_600_000) / PER_S).toBeCloseTo(30, 9);
  });

  it('plans the day exactly: trough × period × (1 + (peak − 1)/2) = 10/s × 86,400 s × 2', () => {
    expect(day.plannedMessages).toBeCloseTo(1_728_000, 0);
  });

  it('starts the clock at startsAt', () => {
    const evening = scenario('rate: 10/s\ndiurnal: { peak: 3x, peakAt: "20:00", startsAt: "20:00" }', {
      duration: '1h',
    });
    expect(new RateProfile(evening.plans[0].segments).rateAt(0) / PER_S).toBeCloseTo(30, 9);
  });

  it('multiplies a spike into the curve, so the spike follows the day', () => {
    const spiked = scenario(
      'rate: 10/s\ndiurnal: { peak: 3x, peakAt: "12:00" }\nphases: [{ at: 6h, duration: 10m, spike: 2x }]',
    );
    const window = profile.integral(6 * 3_600_000, 6 * 3_600_000 + 600_000);
    expect(spiked.plannedMessages).toBeCloseTo(1_728_000 + window, 3);
    expect(new RateProfile(spiked.plans[0].segments).rateAt(6 * 3_600_000) / PER_S).toBeCloseTo(40, 9);
  });

  it('refuses a time of day that is not one, and a cycle without a rate', () => {
    expect(errorsOf('rate: 10/s\ndiurnal: { peak: 3x, peakAt: "25:00" }')).toMatch(
      /producers\[0\]\.diurnal\.peakAt: "25:00" is not a time of day: expected HH:MM/,
    );
    expect(errorsOf('rateTrace: { csv: t.csv }\ndiurnal: { peak: 3x, peakAt: "12:00" }', { 't.csv': 't,r\n0,1\n' }))
      .toMatch(/producers\[0\]\.diurnal: `diurnal` shapes `rate`/);
  });
});

describe('rateTrace', () => {
  // 60/s for a minute, 120/s for a minute, then 30/s to the end of a 4-minute run.
  const TRACE = 'timestamp,value\n1700000000,60\n1700000060,120\n1700000120,30\n';

  it('steps: each row holds until the next; the last until the end (3,600 + 7,200 + 3,600)', () => {
    const s = scenario('rateTrace: { csv: t.csv }', { duration: '4m', files: { 't.csv': TRACE } });
    expect(s.plannedMessages).toBeCloseTo(14_400, 6);
  });

  it('interpolates linearly between rows when asked (5,400 + 4,500 + 3,600)', () => {
    const s = scenario('rateTrace: { csv: t.csv, interpolate: linear }', {
      duration: '4m',
      files: { 't.csv': TRACE },
    });
    expect(s.plannedMessages).toBeCloseTo(13_500, 6);
  });

  it('scales, reads named columns, ISO timestamps and unit rates', () => {
    const iso = 'when,host,rps\n2026-11-30T20:00:00Z,a,60\n2026-11-30T20:01:00Z,a,2/ms\n';
    const s = scenario('rateTrace: { csv: t.csv, time: when, rate: rps, scale: 1.5x }', {
      duration: '2m',
      files: { 't.csv': iso },
    });
    expect(s.plannedMessages).toBeCloseTo(1.5 * (3_600 + 120_000), 6);
  });

  it('arrivals follow the trace: evenly spaced arrivals give exactly its integral', () => {
    const s = scenario('arrivals: uniform\nrateTrace: { csv: t.csv }', { duration: '4m', files: { 't.csv': TRACE } });
    expect(runScenario(s).summary.produced).toBe(14_400);
  });

  it('names the file, row and column of every problem', () => {
    expect(errorsOf('rateTrace: { csv: t.csv, rate: rps }', { 't.csv': TRACE })).toMatch(
      /producers\[0\]\.rateTrace\.rate: t\.csv has no column "rps" for the rate; its columns: "timestamp", "value"/,
    );
    expect(errorsOf('rateTrace: { csv: t.csv }', { 't.csv': 't,r\n10,1\n10,2\n' })).toMatch(
      /producers\[0\]\.rateTrace\.time: t\.csv row 3: times must increase from row to row/,
    );
    expect(errorsOf('rateTrace: { csv: t.csv }', { 't.csv': 't,r\n0,fast\n' })).toMatch(
      /producers\[0\]\.rateTrace\.rate: t\.csv row 2: "fast" is not a rate/,
    );
    expect(errorsOf('rateTrace: { csv: missing.csv }')).toMatch(/producers\[0\]\.rateTrace\.csv: cannot read missing\.csv/);
    expect(errorsOf('rate: 5/s\nrateTrace: { csv: t.csv }', { 't.csv': TRACE })).toMatch(
      /producers\[0\]: a producer takes `rate` or `rateTrace`, not both/,
    );
  });
});

describe('phases on a shaped baseline', () => {
  it('blend a ramp of multiples with a curved baseline: ∫₀¹ (1 + 2u)·u du · r·T = 7/6 · r·T', () => {
    // A linear trace from 0 to 60/s over 10 minutes, ramped from 1x to 3x over the same window.
    const trace = 't,r\n0s,0\n10m,60\n';
    const s = scenario(
      'rateTrace: { csv: t.csv, interpolate: linear }\nphases: [{ at: 0s, duration: 10m, ramp: { from: 1x, to: 3x } }]',
      { duration: '10m', files: { 't.csv': trace } },
    );
    expect(s.plannedMessages / (60 * 600 * (7 / 6))).toBeCloseTo(1, 4);
  });

  it('leave a constant baseline exactly as before: one linear segment per ramp', () => {
    const s = scenario('rate: 10/s\nphases: [{ at: 1m, duration: 2m, ramp: { from: 1x, to: 5x } }]', {
      duration: '4m',
    });
    expect(s.plans[0].segments).toEqual([
      { startMs: 0, endMs: 60_000, rateStart: 0.01, rateEnd: 0.01 },
      { startMs: 60_000, endMs: 180_000, rateStart: 0.01, rateEnd: 0.05 },
      { startMs: 180_000, endMs: 240_000, rateStart: 0.01, rateEnd: 0.01 },
    ]);
  });
});
