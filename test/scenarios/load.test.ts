/** Scenario validation: every error names the file, the path, line:column and what was expected. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { scenarioErrors, VALID_SCENARIO } from '../helpers.js';

const VALID = VALID_SCENARIO;
const errorsOf = scenarioErrors;

describe('a valid scenario', () => {
  it('loads with defaults filled in', () => {
    const s = parseScenario(VALID, 'ok.yaml');
    expect(s.spec.consumers[0]).toMatchObject({ concurrency: 1, delivery: 'at-least-once' });
    expect(s.spec.seed).toBe(1);
    expect(s.plannedMessages).toBeCloseTo(60_000, 6);
  });

  it('counts the backlog among the planned messages', () => {
    // 100/s for 10 minutes plus 5,000 waiting at t = 0; a backlog alone plans just itself.
    expect(parseScenario(VALID.replace('rate: 100/s', 'rate: 100/s\n    backlog: 5000'), 'ok.yaml').plannedMessages).toBeCloseTo(65_000, 6);
    expect(parseScenario(VALID.replace('rate: 100/s', 'rate: 0/s\n    backlog: 5000'), 'ok.yaml').plannedMessages).toBe(5000);
  });
});

describe('JSON scenario files', () => {
  it('load like YAML, and their errors carry positions too', () => {
    const json = JSON.stringify({
      name: 'as-json',
      duration: '1m',
      system: { type: 'workqueue' },
      producers: [{ name: 'p', rate: '10/s' }],
      consumers: [{ group: 'g', service: 'exp(5ms)' }],
    }, null, 2);
    expect(parseScenario(json, 'ok.json').spec.name).toBe('as-json');
    expect(errorsOf(json.replace('"10/s"', '"10/sec"'))[0]).toMatch(/^bad\.yaml:\d+:\d+: producers\[0\]\.rate: /);
  });
});

describe('refusals', () => {
  it('suggests the right field for a typo, with line and column', () => {
    expect(errorsOf(VALID.replace('instances: 2', 'instanses: 2'))).toEqual([
      'bad.yaml:10:5: consumers[0].instanses: unknown field "instanses"; did you mean "instances"? ' +
        '(fields here: group, instances, concurrency, service, delivery, onError, startAt, speed, autoscale)',
    ]);
  });

  it('names a malformed unit and says what a rate looks like', () => {
    const [line] = errorsOf(VALID.replace('100/s', '100 per sec'));
    expect(line).toMatch(/^bad\.yaml:7:11: producers\[0\]\.rate: .*100 per sec/);
  });

  it('refuses a negative rate', () => {
    expect(errorsOf(VALID.replace('100/s', '-5/s'))[0]).toMatch(/producers\[0\]\.rate: .*-5\/s/);
  });

  it('refuses a duration of 0', () => {
    expect(errorsOf(VALID.replace('duration: 10m', 'duration: 0s'))).toEqual([
      'bad.yaml:2:11: duration: must be longer than 0',
    ]);
  });

  it('refuses a p99 below the mean', () => {
    const [line] = errorsOf(VALID.replace('exp(5ms)', '"lognormal(mean=20ms, p99=10ms)"'));
    expect(line).toMatch(/^bad\.yaml:11:14: consumers\[0\]\.service: .*p99.*mean/);
  });

  it('suggests the closest delivery guarantee', () => {
    const [line] = errorsOf(VALID.replace('exp(5ms)', 'exp(5ms)\n    delivery: at-least-onse'));
    expect(line).toContain('consumers[0].delivery: expected one of at-most-once, at-least-once, effectively-once');
    expect(line).toContain('did you mean "at-least-once"?');
  });

  it('refuses a run of more than 3·10^9 estimated events unless allowed', () => {
    // 7 d × 5000/s = 3.024e9 messages, each arriving, delivered and done in one group: 9.07e9.
    const huge = VALID.replace('duration: 10m', 'duration: 7d').replace('100/s', '5000/s');
    expect(errorsOf(huge)[0]).toMatch(/^bad\.yaml:6:3: producers: the run would process about 9\.07e\+9 events \(messages: 9\.07e\+9, .*--allow-huge/);
    expect(parseScenario(huge, 'huge.yaml', { allowHuge: true }).plannedMessages).toBeGreaterThan(1e9);
  });

  it('names a fault group that does not exist, with a suggestion', () => {
    const yaml = `${VALID}faults:\n  - { kind: crash, group: gg, at: 1m }\n`;
    expect(errorsOf(yaml)[0]).toMatch(/faults\[0\]\.group: no consumer group "gg"; groups are g; did you mean "g"\?/);
  });

  it('refuses a crash point that never happens under the guarantee', () => {
    const yaml = `${VALID}faults:\n  - { kind: crash, group: g, at: 1m, point: after-ack-before-process }\n`;
    expect(errorsOf(yaml)[0]).toMatch(/faults\[0\]\.point: "after-ack-before-process" never happens under at-least-once/);
  });

  it('reports invalid YAML with its position', () => {
    expect(errorsOf('name: [unclosed\n')[0]).toMatch(/^bad\.yaml:\d+:\d+: \(top level\): invalid YAML/);
  });

  it('reports a missing required field at its parent', () => {
    expect(errorsOf(VALID.replace('    service: exp(5ms)\n', ''))).toEqual([
      'bad.yaml:9:5: consumers[0]: missing required field "service" (expected string)',
    ]);
  });

  it('suggests a metric name in expect', () => {
    const [line] = errorsOf(`${VALID}expect:\n  p99LatencyMS: "< 100"\n`);
    expect(line).toMatch(/expect\.p99LatencyMS: unknown metric "p99LatencyMS".*did you mean "p99LatencyMs"\?/);
  });

  it('collects every issue at once', () => {
    const yaml = VALID.replace('instances: 2', 'instances: 0').replace('100/s', 'fast');
    expect(errorsOf(yaml)).toHaveLength(2);
  });

  it('refuses overlapping phases', () => {
    const yaml = VALID.replace(
      '    rate: 100/s\n',
      '    rate: 100/s\n    phases:\n      - { name: a, at: 1m, duration: 2m, spike: 5x }\n      - { name: b, at: 2m, duration: 1m, pause: true }\n',
    );
    expect(errorsOf(yaml)[0]).toMatch(/producers\[0\]\.phases\[1\]: phase "b" overlaps phase "a"/);
  });
});
