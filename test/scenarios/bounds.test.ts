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
