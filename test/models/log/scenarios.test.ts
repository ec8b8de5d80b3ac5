/** Every built-in log scenario: its expectations pass, and two runs give identical results. */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/scenarios/load.js';
import { runScenario } from '../../../src/scenarios/run.js';

const LOG_SCENARIOS = [
  'log-flash-sale',
  'log-hot-key',
  'log-autocommit-crash',
  'log-slow-consumer-rebalance-storm',
  'log-replay-after-bugfix',
  'log-retention-loss',
  'log-more-consumers-than-partitions',
  'log-fan-out',
  'log-producer-retries',
  'log-leader-failover',
  'log-poison-pill',
  'log-offset-expiry',
];

describe.each(LOG_SCENARIOS)('%s', (name) => {
  it('passes its expectations (test/golden/ pins its bytes)', () => {
    const scenario = loadScenario(new URL(`../../../scenarios/${name}.yaml`, import.meta.url).pathname);
    const first = runScenario(scenario);
    expect(first.description.length).toBeGreaterThan(0);
    expect(first.expectations.length).toBeGreaterThan(0);
    expect(first.expectations.filter((e) => !e.pass)).toEqual([]);
  });
});

describe('log-more-consumers-than-partitions', () => {
  it('the four idle members change nothing but what they cost: half the utilisation, twice the instance-seconds', () => {
    const r = runScenario(loadScenario(new URL('../../../scenarios/log-more-consumers-than-partitions.yaml', import.meta.url).pathname));
    const { four, eight } = r.summary.groups;
    // Idle members are handlers paid for and never busy: the same work over twice the handlers.
    const cost = { utilisation: null, instanceSeconds: null };
    expect({ ...eight, ...cost }).toEqual({ ...four, ...cost });
    expect(eight.utilisation! / four.utilisation!).toBeCloseTo(0.5, 12);
    expect([four.instanceSeconds, eight.instanceSeconds]).toEqual([4 * 300, 8 * 300]);
    const idle = Object.values(r.summary.assignments!.eight).filter((tps) => tps.length === 0);
    expect(idle).toHaveLength(4);
  }, 60_000);
});

describe('log-slow-consumer-rebalance-storm', () => {
  it('members leave on max.poll.interval, and zombies rejoin', () => {
    const r = runScenario(loadScenario(new URL('../../../scenarios/log-slow-consumer-rebalance-storm.yaml', import.meta.url).pathname));
    const details = r.timeline.filter((e) => e.kind === 'rebalance').map((e) => e.detail ?? '');
    expect(details.some((d) => d.endsWith('left: max.poll.interval exceeded'))).toBe(true);
    expect(details.some((d) => d.endsWith('joined'))).toBe(true);
  }, 60_000);
});
