/**
 * queuesim's library API: what the CLI calls, and what tests and scripts call too.
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
export { VERSION } from './version.js';
