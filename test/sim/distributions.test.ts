/**
 * Distribution tests: analytic means and quantiles, sample statistics, and error messages.
 *
 * Sample checks draw n = 200,000 values from a named stream and allow 5 standard errors of the
 * estimate (sd/√n for a mean; √(p(1−p)/n)/f(x_p) for a quantile; √(np(1−p)) for a count). The
 * streams are seeded, so each check is deterministic and cannot flake; 5 SE (a two-sided chance
 * of about 6e-7 for a correct sampler) keeps the checks meaningful, not lucky, if the generator
 * or a stream name ever changes. The reference values come from scipy.stats.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../src/sim/distributions.js';
import { parseDistribution } from '../../src/scenarios/distribution-text.js';
import { Rng } from '../../src/sim/rng.js';
import { ParseError } from '../../src/scenarios/units.js';

const N = 200_000;
const rng = new Rng(2024);

/** n draws from a stream named after the test's subject. */
function samples(distribution: Distribution, name: string): Float64Array {
  const random = rng.stream(`distributions-test/${name}`);
  const values = new Float64Array(N);
  for (let i = 0; i < N; i++) values[i] = distribution.sample(random);
  return values;
}

function meanOf(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

// Math.min(...values) would overflow the stack at this size.
function minOf(values: Float64Array): number {
  return values.reduce((a, b) => Math.min(a, b), Infinity);
}

function maxOf(values: Float64Array): number {
  return values.reduce((a, b) => Math.max(a, b), -Infinity);
}

function quantileOf(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.ceil(p * sorted.length) - 1];
}

/** |actual − expected| <= 5 standard errors. */
function expectWithin5Se(actual: number, expected: number, standardError: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(5 * standardError);
}

const se = (sd: number): number => sd / Math.sqrt(N);

describe('const, exp, uniform', () => {
  it('const(5ms) always gives 5', () => {
    const d = parseDistribution('const(5ms)');
    expect([d.kind, d.mean, d.text]).toEqual(['const', 5, 'const(5ms)']);
    expect(samples(d, 'const').every((value) => value === 5)).toBe(true);
    expect(d.quantile?.(0.99)).toBe(5);
  });

  it('exp(20ms) has mean 20 (sd 20)', () => {
    const d = parseDistribution('exp(20ms)');
    expect([d.kind, d.mean, d.text]).toEqual(['exp', 20, 'exp(20ms)']);
    const values = samples(d, 'exp');
    expectWithin5Se(meanOf(values), 20, se(20));
    expect(minOf(values)).toBeGreaterThanOrEqual(0);
    expect(d.quantile?.(0.5)).toBeCloseTo(20 * Math.LN2, 12);
  });

  it('uniform(1ms, 5ms) has mean 3 (sd 4/√12) and stays in [1, 5)', () => {
    const d = parseDistribution('uniform(1ms, 5ms)');
    expect([d.kind, d.mean, d.text]).toEqual(['uniform', 3, 'uniform(1ms, 5ms)']);
    const values = samples(d, 'uniform');
    expectWithin5Se(meanOf(values), 3, se(4 / Math.sqrt(12)));
    expect(minOf(values)).toBeGreaterThanOrEqual(1);
    expect(maxOf(values)).toBeLessThan(5);
    expect(d.quantile?.(0.25)).toBe(2);
  });

  it('reads other units and spellings', () => {
    expect(parseDistribution('exp(1.5s)').mean).toBe(1500);
    expect(parseDistribution(' uniform( 0 , 1m30s ) ').text).toBe('uniform(0ms, 1m30s)');
    expect(parseDistribution('exp(mean=250us)').text).toBe('exp(250us)');
  });
});

describe('normal (truncated at 0)', () => {
  it('normal(1ms, 2ms) has the truncated mean 2.018320867674067 (sd 1.3945)', () => {
    const d = parseDistribution('normal(1ms, 2ms)');
    expect(d.text).toBe('normal(mean=1ms, sd=2ms)');
    expect(d.mean).toBeCloseTo(2.018320867674067, 12);
    const values = samples(d, 'normal-truncated');
    expectWithin5Se(meanOf(values), 2.018320867674067, se(1.394525633606449));
    expect(minOf(values)).toBeGreaterThanOrEqual(0);
    expect(d.quantile?.(0.5)).toBeCloseTo(1.7937423501790895, 12);
  });

  it('normal(0ms, 5ms) is the half-normal: mean 5·√(2/π), never negative', () => {
    const d = parseDistribution('normal(mean=0ms, sd=5ms)');
    expect(d.mean).toBeCloseTo(3.989422804014327, 12);
    const values = samples(d, 'normal-half');
    expectWithin5Se(meanOf(values), 3.989422804014327, se(3.0140513749454345));
    expect(minOf(values)).toBeGreaterThanOrEqual(0);
  });

  it('normal(20ms, 5ms) is barely truncated: mean 20.000669 (sd 4.9987)', () => {
    const d = parseDistribution('normal(mean=20ms, sd=5ms)');
    expect(d.mean).toBeCloseTo(20.000669172322343, 12);
    expectWithin5Se(meanOf(samples(d, 'normal')), 20.000669172322343, se(4.998661431399564));
  });
});

describe('lognormal', () => {
  it('lognormal(mean=20ms, p99=200ms) hits its mean and its p99', () => {
    const d = parseDistribution('lognormal(mean=20ms, p99=200ms)');
    expect(d.text).toBe('lognormal(mean=20ms, p99=200ms)');
    expect(d.mean).toBeCloseTo(20, 10);
    expect(d.quantile?.(0.99)).toBeCloseTo(200, 9);
    const values = samples(d, 'lognormal-mean-p99');
    // sd = mean·√(e^σ² − 1) = 51.72; the p99's SE is √(0.99·0.01/n)/f(200) = 2.384 ms.
    expectWithin5Se(meanOf(values), 20, se(51.72256397299621));
    expectWithin5Se(quantileOf(values, 0.99), 200, 2.3844062535685104);
  });

  it('lognormal(p50=15ms, p99=200ms) and (p50=15ms, p90=60ms) hit both percentiles', () => {
    const byP99 = parseDistribution('lognormal(p50=15ms, p99=200ms)');
    expect(byP99.text).toBe('lognormal(p50=15ms, p99=200ms)');
    expect(byP99.quantile?.(0.5)).toBeCloseTo(15, 10);
    expect(byP99.quantile?.(0.99)).toBeCloseTo(200, 9);
    // sigma = ln(200/15)/z99 = 1.11343; mean = 15·e^(sigma²/2) = 27.89 ms.
    expect(byP99.mean).toBeCloseTo(15 * Math.exp((Math.log(200 / 15) / 2.326347874040841) ** 2 / 2), 10);
    const byP90 = parseDistribution('lognormal(p50=15ms, p90=60ms)');
    expect(byP90.quantile?.(0.9)).toBeCloseTo(60, 9);
    expect(() => parseDistribution('lognormal(p50=15ms, p99=10ms)')).toThrow(/p99 \(10ms\) must be above p50 \(15ms\)/);
    expect(() => parseDistribution('lognormal(p50=15ms, mean=20ms)')).toThrow(/lognormal takes one of these forms/);
  });

  it('exponential(20ms) is exp(20ms)', () => {
    const d = parseDistribution('exponential(20ms)');
    expect([d.kind, d.text, d.mean]).toEqual(['exp', 'exp(20ms)', 20]);
  });

  it('lognormal(mu=3, sigma=0.5) has mean e^3.125 and median e^3', () => {
    const d = parseDistribution('lognormal(mu=3, sigma=0.5)');
    expect(d.text).toBe('lognormal(mu=3, sigma=0.5)');
    expect(d.mean).toBeCloseTo(22.75989509352673, 12);
    expect(d.quantile?.(0.5)).toBeCloseTo(Math.exp(3), 12);
    expectWithin5Se(meanOf(samples(d, 'lognormal-mu')), 22.75989509352673, se(12.1296664577));
  });
});

describe('pareto', () => {
  it('pareto(scale=10ms, shape=3.5) has mean 14 (sd 6.11) and nothing below the scale', () => {
    const d = parseDistribution('pareto(scale=10ms, shape=3.5)');
    expect([d.kind, d.mean, d.text]).toEqual(['pareto', 14, 'pareto(scale=10ms, shape=3.5)']);
    const values = samples(d, 'pareto');
    expectWithin5Se(meanOf(values), 14, se(6.110100926607787));
    expect(minOf(values)).toBeGreaterThanOrEqual(10);
  });

  it('has a closed-form quantile, and an infinite mean when shape <= 1', () => {
    expect(parseDistribution('pareto(10ms, 2.5)').quantile?.(0.5)).toBeCloseTo(13.1950791077, 9);
    expect(parseDistribution('pareto(scale=10ms, shape=1)').mean).toBe(Infinity);
  });
});

describe('empirical', () => {
  it('empirical(1ms, 5ms, 7ms) picks each value a third of the time', () => {
    const d = parseDistribution('empirical(1ms, 5ms, 7ms)');
    expect([d.kind, d.mean, d.text]).toEqual(['empirical', 13 / 3, 'empirical(1ms, 5ms, 7ms)']);
    const counts = new Map<number, number>();
    for (const value of samples(d, 'empirical')) counts.set(value, (counts.get(value) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([1, 5, 7]);
    // Count SE = √(n·(1/3)·(2/3)) = 210.8.
    const countSe = Math.sqrt((N * 2) / 9);
    for (const count of counts.values()) expectWithin5Se(count, N / 3, countSe);
  });

  it('has the inverse-ECDF quantile', () => {
    const d = parseDistribution('empirical(7ms, 1ms, 5ms)');
    const ps = [0, 0.2, 1 / 3, 0.34, 0.5, 2 / 3, 0.9, 1];
    expect(ps.map((p) => d.quantile?.(p))).toEqual([1, 1, 1, 5, 5, 5, 7, 7]);
  });

  it('reads a CSV column, bare numbers in ms, values with units as given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'queuesim-empirical-'));
    writeFileSync(join(dir, 'latency.csv'), 'id,latency_ms\n1,2\n2,4.5\n\n3,1s\n4,0\n');
    writeFileSync(join(dir, 'single.csv'), 'ms\n10\n30\n');
    const d = parseDistribution('empirical(file=latency.csv, column=latency_ms)', {
      baseDir: dir,
    });
    expect(d.text).toBe('empirical(file=latency.csv, column=latency_ms)');
    expect(d.mean).toBe((2 + 4.5 + 1000 + 0) / 4);
    expect([0.25, 0.5, 0.75, 1].map((p) => d.quantile?.(p))).toEqual([0, 2, 4.5, 1000]);
    const single = parseDistribution('empirical(file=single.csv)', { baseDir: dir });
    expect(single.mean).toBe(20);
  });

  it('explains a missing file, column or value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'queuesim-empirical-'));
    writeFileSync(join(dir, 'two.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'bad.csv'), 'a\n1\nfast\n');
    const load = (text: string) => () => parseDistribution(text, { baseDir: dir });
    expect(load('empirical(file=nope.csv)')).toThrow(/^"empirical\(file=nope.csv\)": cannot read/);
    expect(load('empirical(file=two.csv)')).toThrow(
      '"empirical(file=two.csv)": two.csv has columns "a", "b"; say which with column=NAME, ' +
        'like empirical(file=two.csv, column=a)',
    );
    expect(load('empirical(file=two.csv, column=c)')).toThrow(
      '"empirical(file=two.csv, column=c)": two.csv has no column "c"; its columns: "a", "b"',
    );
    expect(load('empirical(file=bad.csv)')).toThrow(
      '"empirical(file=bad.csv)": bad.csv, data row 2, column "a": "fast" is not a duration',
    );
  });
});

describe('byte sizes', () => {
  it('reads values as sizes with unit: bytes', () => {
    const d = parseDistribution('uniform(1KB, 2KB)', { unit: 'bytes' });
    expect([d.mean, d.text]).toEqual([1536, 'uniform(1KB, 2KB)']);
    expect(parseDistribution('const(512)', { unit: 'bytes' }).text).toBe('const(512B)');
    expect(() => parseDistribution('const(5ms)', { unit: 'bytes' })).toThrow(/is not a size/);
  });
});

describe('errors', () => {
  const names = 'Valid distributions: const, exp, uniform, normal, lognormal, pareto, empirical';
  const noUnit =
    'a duration needs a unit (us, ms, s, m, h, d), like 20ms; only 0 may go without';
  it.each([
    ['expo(20ms)', `"expo(20ms)": unknown distribution "expo"; did you mean exp? ${names}`],
    ['gaussian(1ms)', `"gaussian(1ms)": unknown distribution "gaussian"; ${names}`],
    [
      '5ms',
      '"5ms" is not a distribution: expected name(arguments), like exp(20ms), uniform(1ms, 5ms) ' +
        'or lognormal(mean=20ms, p99=200ms)',
    ],
    ['exp(20)', `"exp(20)": mean: "20" is not a duration: ${noUnit}`],
    ['exp(0)', '"exp(0)": the mean of exp must be above 0 (for none, use const(0))'],
    ['exp()', '"exp()": exp needs mean, like exp(20ms)'],
    [
      'exp(avg=20ms)',
      '"exp(avg=20ms)": exp has no parameter "avg"; its parameters are mean, like exp(20ms)',
    ],
    ['exp(20ms, mean=5ms)', '"exp(20ms, mean=5ms)": mean is given twice'],
    ['exp(20ms,)', '"exp(20ms,)": an argument is empty'],
    ['uniform(1ms)', '"uniform(1ms)": uniform needs max, like uniform(1ms, 5ms)'],
    [
      'uniform(1ms, 2ms, 3ms)',
      '"uniform(1ms, 2ms, 3ms)": uniform takes 2 arguments (min, max), like uniform(1ms, 5ms)',
    ],
    ['uniform(5ms, 1ms)', '"uniform(5ms, 1ms)": min (5ms) must not be above max (1ms)'],
    [
      'normal(20ms, 0)',
      '"normal(20ms, 0)": sd must be above 0 (for a fixed value, use const(20ms))',
    ],
    [
      'normal(-1ms, 2ms)',
      '"normal(-1ms, 2ms)": mean: "-1ms" is not a duration: durations cannot be negative',
    ],
    [
      'lognormal(mean=20ms, p99=10ms)',
      '"lognormal(mean=20ms, p99=10ms)": p99 (10ms) must be above the mean (20ms)',
    ],
    [
      'lognormal(mean=10ms, p99=200ms)',
      '"lognormal(mean=10ms, p99=200ms)": no lognormal has this mean and p99: p99/mean is 20, ' +
        "but a lognormal's p99 is at most 14.97 times its mean (e^(z²/2), z = 2.326 the 0.99 " +
        'normal quantile); lower the p99, raise the mean, or use pareto(...) for a heavier tail',
    ],
    [
      'lognormal(20ms, 200ms)',
      '"lognormal(20ms, 200ms)": lognormal takes named parameters: ' +
        'lognormal(mean=20ms, p99=200ms), lognormal(p50=15ms, p99=200ms), lognormal(p50=15ms, p90=60ms) ' +
        'or lognormal(mu=3, sigma=0.5)',
    ],
    [
      'lognormal(mean=20ms, sigma=1)',
      '"lognormal(mean=20ms, sigma=1)": lognormal takes one of these forms: ' +
        'lognormal(mean=20ms, p99=200ms), lognormal(p50=15ms, p99=200ms), lognormal(p50=15ms, p90=60ms) ' +
        'or lognormal(mu=3, sigma=0.5)',
    ],
    [
      'lognormal(mu=3ms, sigma=1)',
      '"lognormal(mu=3ms, sigma=1)": mu must be a plain number without a unit, ' +
        'like lognormal(mu=3, sigma=0.5)',
    ],
    ['pareto(scale=10ms, shape=0)', '"pareto(scale=10ms, shape=0)": shape must be above 0'],
    ['pareto(scale=0, shape=2)', '"pareto(scale=0, shape=2)": scale must be above 0'],
    [
      'empirical()',
      '"empirical()": empirical needs at least one value, like empirical(1ms, 5ms, 7ms) or ' +
        'empirical(file=latency.csv, column=latency_ms)',
    ],
  ])('%s', (text, message) => {
    expect(() => parseDistribution(text)).toThrow(ParseError);
    expect(() => parseDistribution(text)).toThrow(message);
  });
});
