/** The up-front run-cost estimate: runaway runs are refused with the estimate and the flag. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { checkGridCost, checkGridSize } from '../../src/scenarios/cost.js';
import { parseParam } from '../../src/experiments/variants.js';
import { scenarioErrors as errorsOf, VALID_SCENARIO as VALID } from '../helpers.js';

const LOG = `name: l
duration: 1h
system:
  type: log
  topics: [{ name: t, partitions: 100 }]
producers: [{ name: p, rate: 1/s }]
consumers: [{ group: g, service: const(1ms) }]
`;

describe('the run-cost estimate', () => {
  it('counts a backlog as messages (1e9 waiting at t = 0)', () => {
    const s = parseScenario(VALID.replace('rate: 100/s', 'rate: 100/s\n    backlog: 1000'), 'ok.yaml');
    // 10 min × 100/s + 1000 waiting = 61,000 messages; each arrives, is delivered and done: ×3.
    expect(s.plannedMessages).toBeCloseTo(61_000, 6);
    expect(s.cost.parts.find((p: { what: string }) => p.what === 'messages')!.events).toBeCloseTo(183_000, 6);
    expect(errorsOf(VALID.replace('rate: 100/s', 'rate: 100/s\n    backlog: 1000000000'))[0])
      .toMatch(/producers: the run would process about 3\.00e\+9 events \(messages: 3\.00e\+9.*--allow-huge/);
  });

  it('counts retention checks per partition: 1us over 1 h on 100 partitions', () => {
    const [line] = errorsOf(LOG.replace('type: log', 'type: log\n  retentionCheckInterval: 1us'));
    // 3.6e9 checks × 100 partitions.
    expect(line).toMatch(/^bad\.yaml:\d+:\d+: system\.retentionCheckInterval: the run would process about 3\.60e\+11 events \(retention checks \(per partition\): 3\.60e\+11/);
  });

  it('counts a 1 ms crash loop over 10 years', () => {
    const yaml = VALID.replace('duration: 10m', 'duration: 3650d').replace('100/s', '0/s') +
      'faults:\n  - { kind: crash, group: g, at: 0ms, every: 1ms, restartAfter: 0ms }\n';
    // 3.15e11 strikes, each a stop, a restart and the 2 instances reacting: × 4.
    expect(errorsOf(yaml)[0]).toMatch(/^bad\.yaml:13:\d+: faults\[0\]: the run would process about 1\.26e\+12 events \(faults\[0\]: 1\.26e\+12/);
  });

  it('counts idle polls of every instance: 10,000 SQS pollers for 7 days', () => {
    const yaml = `name: q\nduration: 7d\nsystem:\n  type: queue\n  queues: [{ name: q }]\n` +
      'producers: [{ name: p, rate: 1/s }]\nconsumers: [{ group: g, instances: 10000, service: const(1ms) }]\n';
    // 10,000 × 604,800 s ÷ 1 s per empty poll = 6.05e9.
    expect(errorsOf(yaml)[0]).toMatch(/consumers\[0\]: the run would process about 6\.\d\de\+9 events \(polls and heartbeats of consumers\[0\]: 6\.05e\+9/);
  });

  it('refuses a series too long to hold, and says what interval fits', () => {
    const [line] = errorsOf(`${VALID.replace('duration: 10m', 'duration: 1d')}report:\n  sampleEvery: 1ms\n`);
    // 86.4e6 ms ÷ 1 ms + 1 samples; at most 1e6 per series, so every 86.4 ms (rounded up: 87ms).
    expect(line).toBe('bad.yaml:13:16: report.sampleEvery: sampling every 1ms over 1d gives 8.64e+7 samples per series ' +
      '(9.50e+8 points in all), more than 1,000,000 (20,000,000 in all) fit in memory; sample every 87ms or more');
  });

  it('lets --allow-huge run what is merely long', () => {
    const s = parseScenario(LOG.replace('type: log', 'type: log\n  retentionCheckInterval: 1us'), 'ok.yaml', { allowHuge: true });
    expect(s.cost.events).toBeGreaterThan(3e11);
  });
});

describe('grids of compare and sweep', () => {
  it('refuses --param 1..1e9 before listing its values', () => {
    expect(() => parseParam('consumers[0].instances=1..1000000000')).toThrow(
      /--param "consumers\[0\]\.instances=1\.\.1000000000" gives 1\.00e\+9 points \(1000000000\), more than 10,000/,
    );
  });

  it('refuses a cross product over 10,000 points', () => {
    expect(() => checkGridSize([200, 200], 'the grid')).toThrow(/the grid gives 40,000 points \(200 × 200\)/);
  });

  it('multiplies the per-run estimate by points and seeds', () => {
    const s = parseScenario(VALID, 'ok.yaml');
    // 60,000 messages × 3 + 1,201 samples (every 500 ms over 10 min) = 181,201 events per run.
    expect(s.cost.events).toBeCloseTo(181_201, 6);
    expect(() => checkGridCost([s.cost, s.cost], 1000, false)).not.toThrow();
    expect(() => checkGridCost([s.cost, s.cost], 10_000 * 10, false)).toThrow(
      /about 3\.62e\+10 events \(2 point\(s\) × 100000 seed\(s\), about 181,201 events per run\)/);
    expect(() => checkGridCost([s.cost, s.cost], 10_000 * 10, true)).not.toThrow();
  });
});
