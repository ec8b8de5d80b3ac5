/** Hostile and oversized input: refused with the file, the path and line:column, never a crash. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { scenarioErrors, VALID_SCENARIO } from '../helpers.js';

const VALID = VALID_SCENARIO;
const errorsOf = scenarioErrors;

describe('YAML aliases', () => {
  it('refuses an alias bomb by what it expands to, with the file and a place', () => {
    // Ten levels of nine aliases each: 9^10 ≈ 3.5e9 values once expanded.
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 10; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    const [line] = errorsOf(bomb);
    expect(line).toMatch(/^bad\.yaml:1:1: \(top level\): with its aliases \(\*name\) expanded .* more than 2,000,000 values \(an alias bomb\?\)/);
  });

  it('accepts a legitimate file that uses one anchor more than 100 times', () => {
    const keys = `    keys: &keys { count: 10 }\n` + '';
    const producers = Array.from({ length: 150 }, (_, i) => `  - { name: p${i}, rate: 1/s, keys: *keys }`).join('\n');
    const yaml = VALID.replace('producers:\n  - name: p\n    rate: 100/s\n', `producers:\n  - name: first\n    rate: 1/s\n${keys}${producers}\n`);
    expect(parseScenario(yaml, 'ok.yaml').spec.producers).toHaveLength(151);
  });

  it('refuses an alias with no anchor, at the alias', () => {
    expect(errorsOf(VALID.replace('exp(5ms)', '*nowhere'))[0]).toMatch(/^bad\.yaml:\d+:\d+: .*alias \*nowhere has no anchor/);
  });
});

describe('reserved and oversized values', () => {
  it('refuses expect: {__proto__: …} like any unknown key', () => {
    const [line] = errorsOf(`${VALID}expect:\n  __proto__: 0\n`);
    expect(line).toBe('bad.yaml:13:3: expect.__proto__: unknown field "__proto__" (a reserved name)');
  });

  it('refuses a file over 10 MB before parsing it', () => {
    const [line] = errorsOf(`${VALID}description: "${'x'.repeat(10 * 1024 * 1024)}"\n`);
    expect(line).toMatch(/^bad\.yaml:1:1: \(top level\): the file has 10,485,9\d\d bytes, more than the 10,485,760/);
  });

  it('bounds a name at 100 characters (it becomes a folder name)', () => {
    expect(errorsOf(VALID.replace('name: ok', `name: ${'n'.repeat(300)}`))[0]).toBe(
      'bad.yaml:1:7: name: at most 100 characters (it names a folder)',
    );
  });

  it.each([
    ['instances', VALID.replace('instances: 2', 'instances: 1000000'), /consumers\[0\]\.instances: at most 10,000/],
    ['concurrency', VALID.replace('instances: 2', 'concurrency: 1e9'), /consumers\[0\]\.concurrency: at most 10,000/],
    ['keys.count', VALID.replace('rate: 100/s', 'rate: 100/s\n    keys: { count: 1e12 }'), /producers\[0\]\.keys\.count: at most 10,000,000/],
    ['backlog', VALID.replace('rate: 100/s', 'rate: 100/s\n    backlog: 1e12'), /producers\[0\]\.backlog: at most 1,000,000,000/],
    ['phase count', VALID.replace('rate: 100/s', 'rate: 100/s\n    phases: [{ duration: 1us, every: 1us, count: 1000000000, pause: true }]'),
      /producers\[0\]\.phases\[0\]\.count: at most 100,000/],
  ])('bounds %s', (_, yaml, message) => {
    expect(errorsOf(yaml)[0]).toMatch(new RegExp(`^bad\\.yaml:\\d+:\\d+: ${message.source}`));
  });

  it('bounds the partitions of a topic', () => {
    const yaml = VALID.replace('type: workqueue', 'type: log\n  topics: [{ name: t, partitions: 10000000 }]');
    expect(errorsOf(yaml)[0]).toMatch(/^bad\.yaml:5:\d+: system\.topics\[0\]\.partitions: at most 100,000/);
  });

  it('bounds the phase occurrences of a producer in all', () => {
    const phases = Array.from({ length: 3 }, () => '{ duration: 1ms, every: 1ms, count: 50000, pause: true }').join(', ');
    const yaml = VALID.replace('rate: 100/s', `rate: 100/s\n    phases: [${phases}]`);
    expect(errorsOf(yaml)[0]).toMatch(/producers\[0\]\.phases\[2\]\.count: the phases happen more than 100,000 times in all/);
  });

  it('places an error in an empty file at its start', () => {
    expect(errorsOf('# nothing\n')[0]).toMatch(/^bad\.yaml:1:1: \(top level\): expected a mapping/);
  });
});

describe('times stay finite: every delay is below 1000 years', () => {
  it.each([
    ['lognormal(mu=1000, sigma=1)', /consumers\[0\]\.service: "lognormal\(mu=1000, sigma=1\)": its 99th percentile is infinite, longer than 1000 years/],
    ['pareto(scale=10ms, shape=0.0001)', /consumers\[0\]\.service: "pareto\(scale=10ms, shape=0.0001\)": its 99th percentile is infinite/],
    ['lognormal(mu=30, sigma=2)', /consumers\[0\]\.service: .*its 99th percentile is 1\.12e\+15 ms, longer than 1000 years/],
  ])('refuses %s', (service, message) => {
    expect(errorsOf(VALID.replace('exp(5ms)', `"${service}"`))[0]).toMatch(new RegExp(`^bad\\.yaml:11:14: ${message.source}`));
  });

  it('refuses a slowdown factor of 1e308', () => {
    const yaml = `${VALID}faults:\n  - { kind: slowdown, group: g, at: 1m, for: 1m, factor: 1e308 }\n`;
    expect(errorsOf(yaml)[0]).toMatch(/^bad\.yaml:13:\d+: faults\[0\]\.factor: at most 1,000,000/);
  });

  it.each(['drain', 'restartAfter', 'every'])('refuses a 400-digit %s', (field) => {
    const digits = `${'9'.repeat(400)}ms`;
    const yaml = field === 'drain'
      ? VALID.replace('duration: 10m', `duration: 10m\ndrain: ${digits}`)
      : `${VALID}faults:\n  - { kind: crash, group: g, at: 1m, ${field}: ${digits} }\n`;
    expect(errorsOf(yaml)[0]).toMatch(new RegExp(`${field}: "9{36}…" is not a duration: it is longer than 1000 years`));
  });

  it('refuses a rate above 10^9/s', () => {
    expect(errorsOf(VALID.replace('100/s', `${'9'.repeat(400)}/s`))[0]).toMatch(/producers\[0\]\.rate: .* is not a rate: it is above 10\^9\/s/);
  });

  it('clamps the rare far-tail draw at 1000 years', async () => {
    const { parseDistribution } = await import('../../src/scenarios/distribution-text.js');
    const { MAX_DURATION_MS } = await import('../../src/scenarios/units.js');
    // pareto shape 0.5: p99 = 10ms·0.01^-2 = 100 s, but u → 1 gives 10ms·(1−u)^-2 → Infinity.
    const pareto = parseDistribution('pareto(scale=10ms, shape=0.5)');
    expect(pareto.quantile!(0.99)).toBeCloseTo(100_000, 6);
    expect(pareto.sample(() => 1 - 2 ** -53)).toBe(MAX_DURATION_MS);
    expect(MAX_DURATION_MS).toBe(31_536_000_000_000);
  });
});
