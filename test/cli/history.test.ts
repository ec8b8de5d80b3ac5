/**
 * `run --history` and `queuesim explain` as a user runs them (in process), on the two
 * cases the history exists for: a broker consumer with prefetch 10 crashing before its ack,
 * and a log group auto-committing when its member crashes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../src/observe/history-check.js';

import { cli } from './in-process.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'queuesim-history-'));

function history(dir: string): HistoryOp[] {
  const text = gunzipSync(readFileSync(join(dir, 'history.jsonl.gz'))).toString('utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as HistoryOp);
}

describe('broker crash before ack, prefetch 10', () => {
  const out = tmp();
  let ops: HistoryOp[] = [];
  beforeAll(async () => {
    const r = await cli('run', 'broker-crash-before-ack', '--history', '--out', out, '--no-charts', '--no-html');
    expect(r.code).toBe(0);
    // 170,034 lines of version 1 plus one process-start per handler start (34,002).
    expect(r.err).toContain(`history: 204,036 lines`);
    ops = history(out);
  });

  it('starts a handler once per processing: the crashes come after processing, never midway', () => {
    const count = (op: string): number => ops.filter((o) => o.op === op).length;
    expect(count('process-start')).toBe(34_002);
    expect(count('process')).toBe(count('process-start'));
    // const(15ms): every handler runs exactly 15 ms.
    expect(new Set(ops.filter((o) => o.op === 'process-start').map((o) => o.serviceMs))).toEqual(new Set([15]));
  });

  it('writes the history next to the report, versioned, with nothing temporary left', async () => {
    expect(readdirSync(out).sort()).toEqual(['history.jsonl.gz', 'result.json', 'timeseries.csv']);
    expect(ops[0]).toMatchObject({ format: 'queuesim-history/2', op: 'history', scenario: 'broker-crash-before-ack', seed: 7 });
  });

  it('shows the ten requeued messages redelivered in their queue order, redelivered=true', async () => {
    // The crashed consumer held 10 unacked (1 processed, 9 in its prefetch buffer); the broker
    // puts them back in place and the survivor takes them first (docs/semantics.md).
    const crash = ops.find((o) => o.op === 'crash' && o.subject === 'clean/0')!;
    const redelivered = ops.filter((o) => o.op === 'deliver' && o.group === 'clean' && o.redelivered === true);
    const ids = redelivered.map((o) => o.msg!);
    expect(ids).toHaveLength(10);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(redelivered.map((o) => `${o.instance} ${o.attempt}`))).toEqual(new Set(['clean/1 2']));
    expect(redelivered.every((o) => o.t >= crash.t)).toBe(true);
    // All ten had gone to the crashed consumer first.
    const firsts = ops.filter((o) => o.op === 'deliver' && o.group === 'clean' && ids.includes(o.msg!) && o.attempt === 1);
    expect(new Set(firsts.map((o) => o.instance))).toEqual(new Set(['clean/0']));
    // The one it had processed (and abandoned by the crash) is the only effect applied twice.
    const abandoned = ops.filter((o) => o.op === 'abandon' && o.group === 'clean').map((o) => o.msg);
    const duplicates = ops.filter((o) => o.op === 'duplicate' && o.group === 'clean').map((o) => o.msg);
    expect(duplicates).toEqual([ids[0]]);
    expect(abandoned).toEqual([ids[0]]);
  });

  it('explain prints that message as a timeline', async () => {
    const first = ops.find((o) => o.op === 'duplicate' && o.group === 'clean')!.msg!;
    const r = await cli('explain', out, '--message', String(first));
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter((l) => l.includes('[clean]') || l.includes('clean/0:'));
    expect(lines.map((l) => l.replace(/^.{16}/, '').trim())).toEqual([
      'enqueued [clean]',
      'delivered to clean/0 (1st delivery, redelivered=false) [clean]',
      // The scenario's service time is const(15ms).
      'handling started by clean/0 (service 15ms) [clean]',
      'processed by clean/0 [clean]',
      'clean/0 went down holding it [clean]',
      'clean/0: crash (after-process-before-ack)',
      'delivered to clean/1 (2nd delivery, redelivered=true) [clean]',
      'handling started by clean/1 (service 15ms) [clean]',
      'processed by clean/1 [clean]',
      'DUPLICATE EFFECT: processed again by clean/1 [clean]',
      'acked by clean/1 [clean]',
      'clean/0: restart',
    ]);
    expect(r.out).toMatch(/^! +1:00\.\d{3} +DUPLICATE EFFECT/m);
  });
});

describe('log auto-commit crash', () => {
  it('explain --key shows which offsets were processed twice and why', async () => {
    const out = tmp();
    const run = await cli('run', 'log-autocommit-crash', '--history-keys', 'key-53', '--out', out, '--no-charts', '--no-html', '--quiet');
    expect(run.code).toBe(0);
    const ops = history(out);
    expect(new Set(ops.filter((o) => o.msg !== undefined).map((o) => o.key))).toEqual(new Set(['key-53']));
    const r = await cli('explain', join(out, 'result.json'), '--key', 'key-53');
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 processed twice, 1 ordering violation(s) in this key');
    expect(r.out).toContain(
      'msg 2717 (payments-0 offset 1431): processed by auto-commit/0 at 0:55.070 and again by auto-commit/0 at 1:42.010; ' +
        'why: auto-commit/0 had a crash at 1:00.000 before offset 1431 of payments-0 was committed',
    );
    expect(r.out).toMatch(/^! .*msg 2717 seq 9 +ORDERING VIOLATION: seq 10 of its key was processed before/m);
  });
});

describe('filters and limits', () => {
  it('--history-anomalies keeps only messages that had an anomaly, their whole life', async () => {
    const out = tmp();
    expect((await cli('run', 'crash-before-ack', '--history-anomalies', '--out', out, '--no-charts', '--no-html', '--quiet')).code).toBe(0);
    const ops = history(out);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    const ids = new Set(ops.filter((o) => o.msg !== undefined).map((o) => o.msg));
    // Every anomaly example of the summary is there, from its publish on.
    for (const examples of Object.values(result.anomalies) as { messageId: number }[][]) {
      for (const { messageId } of examples) {
        expect(ids.has(messageId)).toBe(true);
        expect(ops.find((o) => o.msg === messageId)!.op).toBe('publish');
      }
    }
    expect(ids.size).toBeLessThan(result.summary.produced / 10);
  });

  it('refuses an unfiltered history above the limit, naming the filters, and writes nothing', async () => {
    const out = join(tmp(), 'never');
    const r = await cli('run', join(__dirname, '..', '..', 'bench', 'workloads', 'work-queue-10m.yaml'), '--history', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--history: this run would write about \d+ MB of history \(limit 512 MB\)/);
    for (const flag of ['--history-keys', '--history-messages', '--history-window', '--history-anomalies']) {
      expect(r.err).toContain(flag);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a bad range names the flag and the expected form', async () => {
    const r = await cli('run', 'crash-before-ack', '--history-window', '12m..10m', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.err).toBe('--history-window: 12m is after 10m (expected FROM..TO, like 10m..12m)\n');
  });

  it('--history needs a folder: with --json, --out', async () => {
    const r = await cli('run', 'crash-before-ack', '--history', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toBe('--history writes history.jsonl.gz into a folder: add --out DIR\n');
  });

  it('explain says what is missing', async () => {
    const out = tmp();
    expect((await cli('explain', out, '--message', '1')).err).toBe(
      `explain: no history.jsonl.gz in ${out}/: run the scenario with --history (docs/history.md)\n`,
    );
    expect((await cli('explain', out)).code).toBe(2);
  });
});
