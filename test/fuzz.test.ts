/**
 * A fixed-seed slice of the fuzzer (`npm run fuzz` runs 10,000): mutated built-ins give a
 * result or a placed exit-2 error, never a stack trace, and a file validate accepts also runs.
 */
import { describe, expect, it } from 'vitest';
import { builtInScenarios } from '../src/scenarios/built-in.js';
import { fuzz, FUZZ_DEFAULTS, runOne, type Finding } from '../src/fuzz/fuzz.js';
import { mutate, seeded } from '../src/fuzz/mutate.js';

describe('the fuzzer', () => {
  it('mutates the same way for the same seed', () => {
    const source = 'name: a\nduration: 1m\nlist: [1, 2, 3]\n';
    const a = Array.from({ length: 20 }, (_, i) => mutate(source, seeded(i)));
    const b = Array.from({ length: 20 }, (_, i) => mutate(source, seeded(i)));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(10);
  });

  it('finds nothing in a fixed slice of 200 mutated built-ins', async () => {
    const report = await fuzz({ ...FUZZ_DEFAULTS, files: 200, seed: 14, runEvery: 10 });
    expect(report.findings).toEqual([]);
    expect(report.files).toBe(200);
    // The slice exercises both sides: refusals and accepted files, some of them run.
    expect(report.refused).toBeGreaterThan(50);
    expect(report.accepted).toBeGreaterThan(10);
    expect(report.runs).toBeGreaterThan(0);
  }, 120_000);

  // The full run once flagged a 6 s flash-sale as a runaway after 61 s of wall time on a
  // machine loaded 9-fold: the bound is CPU time now, which a busy machine does not stretch.
  it('bounds a run by its CPU time, and flags one over it', () => {
    const file = builtInScenarios().find((b) => b.name === 'flash-sale')!.file;
    const findings: Finding[] = [];
    const found = (f: string, problem: string, output: string) => findings.push({ file: f, problem, output });
    expect(runOne(file, { ...FUZZ_DEFAULTS, runCpuMs: 1000 }, found)).toBe(true);
    expect(findings).toHaveLength(1);
    expect(findings[0].problem).toMatch(/^run over its bound \(\d+\.\d s, estimated 1\.92e\+6 events; SIG(XCPU|KILL)\)$/);
  }, 60_000);
});
