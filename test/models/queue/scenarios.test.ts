/**
 * The built-in queue scenarios: each passes its expectations (test/golden/ pins their bytes);
 * the heartbeat variant of queue-visibility-too-short has no duplicates.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../../src/scenarios/load.js';
import { runScenario } from '../../../src/scenarios/run.js';
import { applyVariant, fileVariants, readBase } from '../../../src/experiments/variants.js';
import { BUILT_IN_DIR } from '../../../src/scenarios/built-in.js';

const SCENARIOS = [
  'queue-poison-to-dlq',
  'queue-fifo-hot-group',
  'queue-polling-cost',
  'queue-retention-outage',
  'queue-fifo-dedup-retry',
  'queue-fan-out',
];

const file = (name: string): string => join(BUILT_IN_DIR, `${name}.yaml`);

describe('built-in queue scenarios', () => {
  for (const name of SCENARIOS) {
    it(`${name}: passes its expectations`, () => {
      const first = runScenario(loadScenario(file(name)));
      expect(first.description.length).toBeGreaterThan(0);
      expect(first.expectations.length).toBeGreaterThan(0);
      expect(first.expectations.filter((e) => !e.pass)).toEqual([]);
      expect(first.cost).toBeDefined();
    });
  }

  it('queue-visibility-too-short: the baseline fails "no duplicates", the heartbeat variant meets it', () => {
    const base = readBase(file('queue-visibility-too-short'));
    const [baseline, heartbeat] = fileVariants(base);
    expect([baseline.label, baseline.assignments]).toEqual(['visibility-30s', []]);
    expect(heartbeat.label).toBe('heartbeat');
    const plain = runScenario(loadScenario(file('queue-visibility-too-short')));
    const result = runScenario(applyVariant(base, heartbeat.assignments, heartbeat.label));
    expect(plain.summary.groups.workers.duplicates).toBeGreaterThan(0);
    expect(plain.expectations.filter((e) => !e.pass).map((e) => e.expr)).toEqual(['workers.duplicates == 0']);
    expect(result.expectations.filter((e) => !e.pass)).toEqual([]);
    expect(result.summary.produced).toBe(plain.summary.produced);
    expect(result.summary.groups.workers).toMatchObject({ duplicates: 0, redeliveries: 0, backlogAtEnd: 0 });
    expect(result.cost!.requestsByAction.ChangeMessageVisibilityBatch).toBeGreaterThan(0);
  });

  it('queue-polling-cost: short polling costs more and receives mostly nothing', () => {
    const r = runScenario(loadScenario(file('queue-polling-cost')));
    const { short, long } = r.cost!.queues;
    expect(short.emptyReceives).toBeGreaterThan(10 * long.emptyReceives);
    expect(short.dollars).toBeGreaterThan(long.dollars);
  });
});
