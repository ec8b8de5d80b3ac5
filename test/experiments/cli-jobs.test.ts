/**
 * Sweeps through the built CLI (bin/queuesim.js runs dist/, where the worker threads' compiled
 * worker.js lives; npm test builds first): --jobs 1 and --jobs 2 write byte-identical results,
 * and a sweep killed mid-way finishes with --resume exactly as an uninterrupted one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = process.env.QUEUESIM_BIN ?? join(__dirname, '..', '..', 'bin', 'queuesim.js');

const tmp = (): string => mkdtempSync(join(tmpdir(), 'queuesim-jobs-'));

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SCENARIO = `name: jobs
seed: 5
duration: 20s
system: { type: workqueue }
producers:
  - { name: p, rate: 300/s, arrivals: poisson }
consumers:
  - { group: g, instances: 1, service: exp(10ms) }
faults:
  - { kind: crash, group: g, instance: 0, at: 10s, point: mid-process, restartAfter: 2s }
expect:
  p99LatencyMs: "< 200"
`;

function scenario(): string {
  const file = join(tmp(), 'jobs.yaml');
  writeFileSync(file, SCENARIO);
  return file;
}

const GRID = ['--param', 'consumers[0].instances=3..5', '--param', 'consumers[0].concurrency=1,2', '--seeds', '3'];

describe('sweep --jobs', () => {
  it('writes byte-identical results with --jobs 1 and --jobs 2', () => {
    const file = scenario();
    const [one, two] = [tmp(), tmp()];
    const a = cli('sweep', file, ...GRID, '--jobs', '1', '--out', one, '--no-charts', '--no-html', '--quiet');
    const b = cli('sweep', file, ...GRID, '--jobs', '2', '--out', two, '--no-charts', '--no-html', '--quiet');
    expect([a.code, b.code, a.err, b.err]).toEqual([0, 0, '', '']);
    const json = readFileSync(join(one, 'sweep.json'), 'utf8');
    expect(readFileSync(join(two, 'sweep.json'), 'utf8')).toBe(json);
    expect(JSON.parse(json).points).toHaveLength(6);
    // stdout with --json is the same bytes too.
    const c = cli('sweep', file, ...GRID, '--jobs', '2', '--json');
    expect(c.out).toBe(json);
  });

  it('a sweep killed mid-way and resumed ends with the uninterrupted result', async () => {
    const file = scenario();
    const [whole, killed] = [tmp(), tmp()];
    expect(cli('sweep', file, ...GRID, '--jobs', '1', '--out', whole, '--no-charts', '--no-html', '--quiet').code).toBe(0);
    const child = spawn(process.execPath, [BIN, 'sweep', file, ...GRID, '--jobs', '1', '--out', killed, '--no-charts', '--no-html', '--quiet']);
    const journal = join(killed, 'points.jsonl');
    // Kill it once a few replications are saved (header + at least 3 lines), well before 18.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const lines = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0;
        if (lines >= 4) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the sweep finished before it could be killed'));
      });
    });
    await new Promise((resolve) => child.on('close', resolve));
    const saved = readFileSync(journal, 'utf8').trim().split('\n').length - 1;
    expect(saved).toBeLessThan(18);
    expect(existsSync(join(killed, 'sweep.json'))).toBe(false);
    const resumed = cli('sweep', file, ...GRID, '--jobs', '2', '--out', killed, '--resume', '--no-charts', '--no-html', '--quiet');
    expect(resumed.code).toBe(0);
    expect(readFileSync(join(killed, 'sweep.json'), 'utf8')).toBe(readFileSync(join(whole, 'sweep.json'), 'utf8'));
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(19);
  });

  it('merge of two shards run through the CLI equals the unsharded sweep.json', () => {
    const file = scenario();
    const [whole, s1, s2, merged] = [tmp(), tmp(), tmp(), tmp()];
    cli('sweep', file, ...GRID, '--jobs', '2', '--out', whole, '--no-charts', '--no-html', '--quiet');
    expect(cli('sweep', file, ...GRID, '--jobs', '1', '--shard', '1/2', '--out', s1, '--no-charts', '--no-html', '--quiet').code).toBe(0);
    expect(cli('sweep', file, ...GRID, '--jobs', '1', '--shard', '2/2', '--out', s2, '--no-charts', '--no-html', '--quiet').code).toBe(0);
    const m = cli('merge', join(s1, 'sweep.json'), join(s2, 'sweep.json'), '--out', merged, '--no-charts', '--no-html', '--quiet');
    expect(m.code).toBe(0);
    expect(readFileSync(join(merged, 'sweep.json'), 'utf8')).toBe(readFileSync(join(whole, 'sweep.json'), 'utf8'));
  });

  it('report re-renders a saved sweep without simulating', () => {
    const file = scenario();
    const out = tmp();
    cli('sweep', file, '--param', 'consumers[0].instances=3,4', '--seeds', '1', '--jobs', '1', '--out', out, '--no-charts', '--no-html', '--quiet');
    const r = cli('report', join(out, 'sweep.json'), '--no-charts');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('sweep: jobs');
  });
});
