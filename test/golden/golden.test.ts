/**
 * Golden results: every built-in scenario's result, as result.json writes it, less what
 * depends on the machine or is bulky (the queuesim and Node versions, the scenario text, the
 * time series and the timeline), is committed under test/golden/ and compared byte for byte.
 * Same scenario + seed = the same bytes, in this process and across versions: a change that
 * moves any figure shows in review as a diff of these files.
 *
 * `npm run golden` rewrites them (GOLDEN_UPDATE=1); review the diff before committing it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInScenarios } from '../../src/scenarios/built-in.js';
import { loadScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import { resultJson } from '../../src/report/write.js';
import type { Result } from '../../src/observe/result.js';

const UPDATE = process.env.GOLDEN_UPDATE === '1';

/** result.json without the machine's versions and the bulky parts. */
function golden(result: Result): string {
  const { queuesim: _version, source: _source, series: _series, timeline: _timeline, ...kept } = result;
  const { node: _node, ...meta } = kept.meta;
  return resultJson({ ...kept, meta } as Result);
}

describe('golden results of the built-in scenarios', () => {
  const builtIns = builtInScenarios();

  it('covers every built-in scenario', () => {
    expect(builtIns.length).toBeGreaterThanOrEqual(30);
  });

  it.each(builtIns.map((b) => [b.name, b.file]))('%s', (name, file) => {
    const path = join(import.meta.dirname, `${name}.json`);
    const actual = golden(runScenario(loadScenario(file)));
    if (UPDATE) writeFileSync(path, actual);
    expect(existsSync(path), `${path} is missing: run npm run golden`).toBe(true);
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });
});
