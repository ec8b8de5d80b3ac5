/**
 * `report`, `merge` and `sweep --resume` read files from disk that may be hand-edited or
 * crafted: each is checked against a schema, and a bad one is exit 2 naming the file,
 * line:column, the path in the document and what was expected, never a TypeError stack trace
 * (each case below printed one before the check).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/in-process.js';

const root = mkdtempSync(join(tmpdir(), 'queuesim-saved-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `case-${++n}`);

const QUIET = ['--no-charts', '--no-html', '--quiet'];
const SWEEP = ['sweep', 'crash-before-ack', '--param', 'consumers[0].instances=2,4', '--seeds', '1', '--set', 'duration=3m',
  '--jobs', '1', ...QUIET];
let run: string;
let compare: string;
let sweep: string;

beforeAll(async () => {
  run = join(root, 'run');
  compare = join(root, 'compare');
  sweep = join(root, 'sweep');
  expect((await cli('run', 'crash-before-ack', '--out', run, ...QUIET)).code).toBe(0);
  expect((await cli('compare', 'compare-guarantees', '--seeds', '1', '--set', 'duration=6m', '--jobs', '1', '--out', compare, ...QUIET)).code).toBe(0);
  expect((await cli(...SWEEP, '--out', sweep)).code).toBeLessThan(2);
}, 120_000);

/** A copy of a saved file with `edit` applied, written under a fresh name. */
function edited(file: string, edit: (data: any) => void): string {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  edit(data);
  const copy = `${fresh()}.json`;
  writeFileSync(copy, `${JSON.stringify(data, null, 2)}\n`);
  return copy;
}

/** line:column (1-based) where `needle` starts in the file. */
function placeOf(file: string, needle: string): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  expect(line).toBeGreaterThanOrEqual(0);
  return `${line + 1}:${lines[line].indexOf(needle) + 1}`;
}

async function refused(...args: string[]): Promise<string> {
  const r = await cli(...args);
  expect(r.code).toBe(2);
  expect(r.err).not.toMatch(/\n\s+at |internal error|TypeError/);
  return r.err;
}

describe('report checks a saved result.json', () => {
  it('refuses a figure of the wrong type at its line:column and path', async () => {
    const file = edited(join(run, 'result.json'), (d) => (d.summary.groups['at-least-once'].latencyMs = 'fast'));
    const err = await refused('report', file, '--out', fresh());
    const at = placeOf(file, '"fast"');
    expect(err).toBe(`${file}:${at}: summary.groups.at-least-once.latencyMs: expected an object, got "fast"\n` +
      `${file}: not a valid queuesim result.json; was it written by queuesim, and not edited since?\n`);
  });

  it('refuses a missing series, and a series shorter than its sample times', async () => {
    const missing = edited(join(run, 'result.json'), (d) => delete d.series);
    expect(await refused('report', missing, '--out', fresh())).toContain(`${missing}:1:1: series: missing (expected an object)`);
    let samples = 0;
    const short = edited(join(run, 'result.json'), (d) => {
      samples = d.series.tMs.length;
      d.series.lag['at-most-once'].pop();
    });
    expect(await refused('report', short, '--out', fresh())).toContain(
      `series.lag.at-most-once: expected ${samples} values (one per tMs), got ${samples - 1}`);
  });

  it('refuses every required top-level field missing, one at a time', async () => {
    const optional = ['charts', 'cost', 'broker', 'direct'];
    const fields = Object.keys(JSON.parse(readFileSync(join(run, 'result.json'), 'utf8')))
      .filter((k) => !optional.includes(k));
    expect(fields).toContain('summary');
    for (const field of fields.filter((f) => f !== 'summary')) {
      const file = edited(join(run, 'result.json'), (d) => delete d[field]);
      expect(await refused('report', file, '--out', fresh())).toContain(`: ${field}: missing`);
    }
  });

  it('refuses a crafted chart name before writing anything, inside or outside the folder', async () => {
    const out = join(fresh(), 'a', 'b');
    const file = edited(join(run, 'result.json'), (d) =>
      (d.charts = [{ name: '../../x', title: 'x', yLabel: 'x', metrics: ['lag'] }]));
    const err = await refused('report', file, '--out', out);
    expect(err).toContain(`${file}:${placeOf(file, '"../../x"')}: charts[0].name: expected a plain file name`);
    expect(existsSync(join(out, '..'))).toBe(false);
    expect(existsSync(join(root, 'x.png'))).toBe(false);
  });

  it('keeps fields it does not know (a newer version may add some)', async () => {
    const file = edited(join(run, 'result.json'), (d) => (d.addedLater = { figure: 1 }));
    const out = fresh();
    expect((await cli('report', file, '--out', out, '--no-charts', '--no-html')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).addedLater).toEqual({ figure: 1 });
  });

  it('names what it expected of a file that is JSON but no result', async () => {
    const file = join(fresh());
    writeFileSync(file, '[1, 2]');
    expect(await refused('report', file)).toBe(`${file}: not a queuesim result.json, compare.json or sweep.json ` +
      '(expected an object with "summary" or "kind": "compare" or "sweep")\n');
  });
});

describe('report checks a saved compare.json and sweep.json', () => {
  it('refuses a variant without its figures', async () => {
    const file = edited(join(compare, 'compare.json'), (d) => delete d.variants[0].figures);
    const err = await refused('report', file, '--out', fresh());
    expect(err).toMatch(new RegExp(`^${file}:\\d+:\\d+: variants\\[0\\]\\.figures: missing \\(expected an object\\)\n`));
    expect(err).toContain('not a valid queuesim compare.json');
  });

  it('refuses a point whose figures are null, and a recommendation naming no point', async () => {
    const nullFigures = edited(join(sweep, 'sweep.json'), (d) => (d.points[0].figures = null));
    const line = placeOf(nullFigures, '"figures": null').split(':')[0];
    expect(await refused('report', nullFigures, '--out', fresh())).toMatch(
      new RegExp(`^${nullFigures}:${line}:\\d+: points\\[0\\]\\.figures: expected an object, got null\n`));
    const strayPick = edited(join(sweep, 'sweep.json'), (d) =>
      (d.recommendation = { index: 7, label: 'x', by: 'handlers', runnerUp: null }));
    expect(await refused('report', strayPick, '--out', fresh())).toContain(
      'recommendation.index: expected the index of one of the points, got 7');
  });

  it('merge refuses a malformed shard result and one that is not a sweep', async () => {
    const file = edited(join(sweep, 'sweep.json'), (d) => (d.points[1].pass = 'yes'));
    expect(await refused('merge', file, '--out', fresh())).toContain('points[1].pass: expected true or false, got "yes"');
    expect(await refused('merge', join(compare, 'compare.json'), '--out', fresh())).toContain(
      'not a queuesim sweep.json (expected an object with "kind": "sweep")');
  });
});

describe('sweep --resume checks its journal', () => {
  it('refuses a complete journal line of the wrong shape, naming points.jsonl and its line', async () => {
    const out = fresh();
    expect((await cli(...SWEEP, '--out', out)).code).toBeLessThan(2);
    const journal = join(out, 'points.jsonl');
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3); // the header and two replications
    const entry = JSON.parse(lines[2]);
    entry.digest.figures = 'none';
    writeFileSync(journal, `${[lines[0], lines[1], JSON.stringify(entry)].join('\n')}\n`);
    const err = await refused(...SWEEP, '--out', out, '--resume');
    expect(err).toMatch(new RegExp(`^${journal}:3:\\d+: digest\\.figures: expected an object, got "none"\n`));
    expect(err).toContain('not a valid queuesim sweep journal');
  });

  it('still skips a last line a kill cut short, and redoes only that replication', async () => {
    const out = fresh();
    expect((await cli(...SWEEP, '--out', out)).code).toBeLessThan(2);
    const journal = join(out, 'points.jsonl');
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    writeFileSync(journal, `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 40)}`);
    expect((await cli(...SWEEP, '--out', out, '--resume')).code).toBeLessThan(2);
    const after = readFileSync(journal, 'utf8').trimEnd().split('\n').filter((l) => l.endsWith('}'));
    expect(after).toEqual([lines[0], lines[1], lines[2]]);
    expect(readdirSync(out).sort()).toEqual(['points.jsonl', 'sweep.json']);
  });
});
