/**
 * Same scenario + same seed = the same bytes out (test/golden/ pins every built-in's bytes,
 * across processes and versions); another seed gives another result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/scenarios/load.js';
import { runScenario } from '../src/scenarios/run.js';
import { resultJson } from '../src/report/write.js';
import { run } from './helpers.js';

const builtIn = (name: string): string => join(__dirname, '..', 'scenarios', `${name}.yaml`);

describe('determinism', () => {
  it('a different seed gives a different result', () => {
    const scenario = loadScenario(builtIn('flash-sale'));
    expect(resultJson(runScenario(scenario, { seed: 43 }))).not.toBe(resultJson(runScenario(scenario)));
  });

  it('every built-in scenario meets its own expectations', () => {
    for (const name of ['flash-sale', 'crash-before-ack']) {
      const result = runScenario(loadScenario(builtIn(name)));
      expect(result.expectations.filter((e) => !e.pass)).toEqual([]);
      expect(result.expectations.length).toBeGreaterThan(0);
    }
    expect(readFileSync(builtIn('flash-sale'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=/);
  });
});

describe('common random numbers', () => {
  const base = `name: crn
duration: 1m
system: { type: workqueue }
report: { sampleEvery: 10ms }
producers: [{ name: p, rate: 200/s, keys: { count: 50 } }]
consumers:
  - { group: a, instances: 1, service: exp(3ms) }
`;
  const arrivals = (yaml: string): number[] => (run(yaml).series.producedPerSec as Record<string, number[]>).p;

  // Arrivals counted in 10 ms bins (about 2 per bin) pin the arrival times to the bin.
  it("adding a consumer group, instances or a fault does not change a producer's traffic", () => {
    const more = base
      .replace('instances: 1', 'instances: 3')
      .concat('  - { group: b, instances: 2, service: exp(9ms) }\nfaults:\n  - { kind: crash, group: a, at: 20s }\n');
    const a = run(base);
    const b = run(more);
    expect(b.summary.produced).toBe(a.summary.produced);
    expect(arrivals(more)).toEqual(arrivals(base));
  });
});
