/**
 * queuesim's library API: what the CLI calls, and what tests and scripts call too (README,
 * "Programmatic API", has an example that a test compiles and runs).
 *
 * @example
 *   const scenario = loadScenario('scenarios/flash-sale.yaml');
 *   const result = runScenario(scenario, { seed: 7 });
 *   console.log(result.summary.groups.fulfilment.latencyMs.p99);
 */
export { loadScenario, parseScenario, type Scenario, type LoadOptions } from './scenarios/load.js';
export { runScenario, type RunOptions } from './scenarios/run.js';
export { scenarioJsonSchema, ScenarioSchema } from './scenarios/scenario-schema.js';
export { InputError, ScenarioError, type ScenarioIssue } from './scenarios/issues.js';
export { builtInScenarios, resolveScenarioFile, type BuiltIn } from './scenarios/built-in.js';
export type * from './observe/result.js';
export { compare, type CompareOptions } from './experiments/compare.js';
export { sweep, type SweepOptions } from './experiments/sweep.js';
export { readBase, parseSet, parseVary, parseParam, type Assignment, type Axis, type BaseDocument } from './experiments/variants.js';
export type { CompareResult, SweepResult, VariantOutcome, SweepPoint, SloLine, Recommendation, Estimate } from './experiments/results.js';
export { VERSION } from './version.js';
