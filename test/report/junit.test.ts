/**
 * `--junit FILE`: one test case per expectation, XML escaped, written by run and compare; and
 * `list --json`.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeXml, junitXml } from '../../src/report/junit.js';
import { main, type Io } from '../../src/cli.js';

function capture(): Io & { text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { out: (t) => (text.out += t), err: (t) => (text.err += t), errIsTty: false, outIsTty: false, text };
}

describe('JUnit XML', () => {
  it('escapes the five XML characters and drops control characters', () => {
    expect(escapeXml(`a < b & "c" > 'd'\u0001`)).toBe('a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;');
  });

  it('counts tests and failures, one testcase each', () => {
    const xml = junitXml('s', [
      { name: 'losses == 0', classname: 's.a', failure: null },
      { name: 'p99LatencyMs < 2s', classname: 's.b', failure: 'actual 3s' },
    ]);
    expect(xml).toContain('<testsuite name="s" tests="2" failures="1" errors="0" skipped="0">');
    expect(xml).toContain('<testcase name="losses == 0" classname="s.a"/>');
    expect(xml).toContain('<testcase name="p99LatencyMs &lt; 2s" classname="s.b">\n      <failure message="actual 3s">actual 3s</failure>');
  });

  it('run --junit writes a case per expectation; compare --junit one per variant and expectation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queuesim-junit-'));
    const run = join(dir, 'run.xml');
    expect(await main(['node', 'queuesim', 'run', 'compare-guarantees', '--quiet', '--no-charts', '--no-html',
      '--out', join(dir, 'r'), '--junit', run], capture())).toBe(1);
    const xml = readFileSync(run, 'utf8');
    // The file's own delivery is at-least-once: it duplicates, so exactly one case fails.
    expect(xml).toContain('tests="4" failures="1"');
    expect(xml).toContain('name="orders.lossRatio == 0%" classname="compare-guarantees.seed-11"');
    const cmp = join(dir, 'compare.xml');
    expect(await main(['node', 'queuesim', 'compare', 'compare-guarantees', '--seeds', '1', '--jobs', '1', '--quiet',
      '--no-charts', '--no-html', '--out', join(dir, 'c'), '--set', 'duration=6m', '--junit', cmp], capture())).toBe(0);
    const cx = readFileSync(cmp, 'utf8');
    // 3 variants × 4 expectations; at-most-once loses, at-least-once duplicates.
    expect(cx).toContain('tests="12" failures="2"');
    expect(cx).toMatch(/classname="compare-guarantees.at-most-once">\n\s+<failure message="held on 0 of 1 seeds"/);
  });

  it('list --json prints every built-in with its name, file and description', async () => {
    const io = capture();
    await main(['node', 'queuesim', 'list', '--json'], io);
    const all = JSON.parse(io.text.out) as { name: string; file: string; description: string }[];
    expect(all.map((s) => s.name)).toContain('should-i-add-a-queue');
    expect(all.every((s) => s.file.endsWith(`${s.name}.yaml`) && s.description.length > 0)).toBe(true);
  });
});
