/** Shared test helpers: scenarios from inline YAML, run in memory. */
import { parseScenario } from '../src/scenarios/load.js';
import { runScenario } from '../src/scenarios/run.js';
import type { GroupSummary, Result } from '../src/observe/result.js';
import { expect } from 'vitest';
import { ScenarioError } from '../src/scenarios/issues.js';

/** A small valid work-queue scenario that tests vary by text replacement. */
export const VALID_SCENARIO = `name: ok
duration: 10m
system:
  type: workqueue
producers:
  - name: p
    rate: 100/s
consumers:
  - group: g
    instances: 2
    service: exp(5ms)
`;

/** The error lines a refused scenario gives (fails the test if it is accepted). */
export function scenarioErrors(yaml: string, options = {}, file = 'bad.yaml'): string[] {
  try {
    parseScenario(yaml, file, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the scenario to be refused');
}

export function run(yaml: string, seed?: number): Result {
  return runScenario(parseScenario(yaml, 'test.yaml'), { seed });
}

export function group(result: Result, name?: string): GroupSummary {
  const groups = result.summary.groups;
  return groups[name ?? Object.keys(groups)[0]];
}

/** Erlang C, pinned to a textbook value in test/observe/figures.test.ts. */
export { erlangC } from '../src/experiments/theory.js';

/** Erlang B: the blocking probability of an M/M/c/c loss system. */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

export function mean(values: (number | null)[]): number {
  const xs = values.filter((v): v is number => v !== null);
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
