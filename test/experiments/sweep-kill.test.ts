/**
 * A sweep killed outright (SIGKILL) resumes without redoing a finished replication. The kill
 * comes from inside the process, right after its third journal entry is written, so the test
 * has no timing race: a preloaded module wraps appendFileSync (the journal's only writer).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCENARIO = `name: grid
duration: 10s
system: { type: workqueue }
producers: [{ name: p, rate: 100/s, arrivals: uniform }]
consumers: [{ group: g, service: const(5ms) }]
expect: { maxLag: "< 5" }
`;

const KILL_AFTER_THIRD_ENTRY = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const append = fs.appendFileSync;
let entries = 0;
fs.appendFileSync = (file, data, ...rest) => {
  append(file, data, ...rest);
  if (String(file).endsWith('points.jsonl') && ++entries === 3) process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
`;

describe('sweep --resume after SIGKILL', () => {
  it('redoes no finished replication', () => {
    const dir = mkdtempSync(join(tmpdir(), 'queuesim-sweep-kill-'));
    const file = join(dir, 'grid.yaml');
    const hook = join(dir, 'kill.mjs');
    writeFileSync(file, SCENARIO);
    writeFileSync(hook, KILL_AFTER_THIRD_ENTRY);
    const out = join(dir, 'out');
    const cli = new URL('../../bin/queuesim.js', import.meta.url).pathname;
    // 3 points × 2 seeds = 6 replications, one at a time.
    const args = [cli, 'sweep', file, '--param', 'consumers[0].instances=1..3', '--seeds', '2', '--jobs', '1',
      '--out', out, '--no-charts', '--no-html', '--quiet'];
    const killed = spawnSync(process.execPath, ['--import', hook, ...args], { encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
    const journal = () => readFileSync(join(out, 'points.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    const before = journal();
    expect(before).toHaveLength(1 + 3); // the header and three replications

    const resumed = spawnSync(process.execPath, [...args, '--resume'], { encoding: 'utf8' });
    expect(resumed.stderr).toBe('');
    const after = journal();
    // The first four lines untouched; exactly the three missing replications appended.
    expect(after.slice(0, 4)).toEqual(before);
    expect(after).toHaveLength(1 + 6);
    const tasks = after.slice(1).map((line) => (JSON.parse(line) as { task: number }).task);
    expect(tasks.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  }, 120_000);
});
