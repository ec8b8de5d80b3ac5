/**
 * JUnit XML for CI systems (`--junit FILE`): one test case per expectation, per variant of a
 * comparison and per point of a sweep. The format is the common subset that Jenkins, GitLab,
 * GitHub test reporters and CircleCI read: `<testsuites><testsuite><testcase><failure/>`.
 */
import type { Result } from '../observe/result.js';
import type { CompareResult, SweepResult } from '../experiments/results.js';
import { formatActual } from './summary.js';

export interface JunitCase {
  /** The test's own name: the expectation, `fulfilment.p99LatencyMs < 10m`. */
  name: string;
  /** Where it belongs: the scenario, with the variant or point. */
  classname: string;
  /** Why it failed; null when it passed. */
  failure: string | null;
}

/** Text and attribute values escaped; characters XML 1.0 cannot hold are dropped. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function junitXml(suite: string, cases: JunitCase[]): string {
  const failures = cases.filter((c) => c.failure !== null).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="queuesim" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases.map((c) => {
      const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(c.classname)}"`;
      if (c.failure === null) return `${open}/>`;
      return `${open}>\n      <failure message="${escapeXml(c.failure)}">${escapeXml(c.failure)}</failure>\n    </testcase>`;
    }),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

export function runCases(result: Result): JunitCase[] {
  return result.expectations.map((e) => ({
    name: e.expr,
    classname: `${result.scenario}.seed-${result.seed}`,
    failure: e.pass ? null : `actual ${formatActual(e.actual, e.figure)}`,
  }));
}

/** Per variant and expectation: passes when it held on every seed. */
export function compareCases(result: CompareResult): JunitCase[] {
  const n = result.seeds.length;
  return result.variants.flatMap((v) => v.expectations.map((e) => ({
    name: e.expr,
    classname: `${result.scenario}.${v.label}`,
    failure: e.passing === n ? null : `held on ${e.passing} of ${n} seeds`,
  })));
}

/** Per point and SLO line: passes when it held on the seeds the sweep's verdict needs. */
export function sweepCases(result: SweepResult): JunitCase[] {
  const n = result.seeds.length;
  const needed = Math.ceil(result.quantile * n - 1e-9);
  return result.points.flatMap((p) => p.slo.map((s) => ({
    name: s.expr,
    classname: `${result.scenario}.${p.label}`,
    failure: s.passing >= needed ? null : `held on ${s.passing} of ${n} seeds (${needed} needed)`,
  })));
}

/** Writes the XML to `file`, whole or not at all. */
export async function writeJunit(file: string, suite: string, cases: JunitCase[]): Promise<void> {
  const { basename, dirname } = await import('node:path');
  const { writeFiles } = await import('./write.js');
  await writeFiles(dirname(file), [{ name: basename(file), data: junitXml(suite, cases) }]);
}
