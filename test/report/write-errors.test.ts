/** Output folders and file-system failures: exit-2 errors with the path and the reason, never a mix of files. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputDir, writeFiles } from '../../src/report/write.js';
import { InputError } from '../../src/scenarios/issues.js';

const root = mkdtempSync(join(tmpdir(), 'queuesim-write-errors-'));
let n = 0;
const fresh = () => join(root, `case-${++n}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('the output folder is checked before anything is simulated', () => {
  it('creates a missing folder and leaves no probe behind', () => {
    const dir = join(fresh(), 'a', 'b');
    checkOutputDir(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses --out naming a file', () => {
    const file = fresh();
    writeFileSync(file, 'x');
    expect(errorOf(() => checkOutputDir(file))).toBe(`cannot write to ${file}/: it is a file, not a folder`);
  });

  it('refuses a file where a parent folder should be (/etc/passwd/x)', () => {
    const file = fresh();
    writeFileSync(file, 'x');
    expect(errorOf(() => checkOutputDir(join(file, 'x')))).toBe(
      `cannot write ${join(file, 'x')}: a file is in the way where a folder should be (ENOTDIR)`,
    );
  });

  it('refuses a folder it may not create, with the reason', () => {
    // /sys is read-only (EROFS) or closed to writes (EPERM) in every Linux we run on.
    expect(errorOf(() => checkOutputDir('/sys/queuesim-out'))).toMatch(
      /^cannot write \/sys\/queuesim-out: (permission denied \(EPERM\)|the file system is read-only \(EROFS\)|permission denied \(EACCES\))$/,
    );
  });
});

describe('writeFiles', () => {
  it('renames nothing when one target is a folder (report.html/), keeping the old files', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'report.html'), { recursive: true });
    writeFileSync(join(dir, 'result.json'), 'old');
    await expect(writeFiles(dir, [
      { name: 'result.json', data: 'new' },
      { name: 'report.html', data: '<html>' },
    ])).rejects.toThrow(`cannot write ${join(dir, 'report.html')}: a folder of that name is in the way`);
    expect(readFileSync(join(dir, 'result.json'), 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'result.json']);
  });

  it('sweeps up the temporaries a killed process left, and keeps a live one', async () => {
    const dir = fresh();
    mkdirSync(dir);
    // pid 2^22 + 1 is above Linux's pid_max ceiling (2^22): no such process can exist.
    const dead = `.result.json.${2 ** 22 + 1}.0badc0de.tmp`;
    const mine = `.result.json.${process.pid}.0badc0de.tmp`;
    writeFileSync(join(dir, dead), 'stale');
    writeFileSync(join(dir, mine), 'in use');
    await writeFiles(dir, [{ name: 'result.json', data: 'new' }]);
    expect(readdirSync(dir).sort()).toEqual([mine, 'result.json']);
  });

  it('on Ctrl-C during the write phase removes its temporaries and exits 130', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'result.json'), 'old');
    // The signal is sent from inside the write, between the temporaries and the renames: no race.
    const script = `
      import { writeFiles } from ${JSON.stringify(new URL('../../dist/report/write.js', import.meta.url).href)};
      await writeFiles(${JSON.stringify(dir)}, [{ name: 'result.json', data: 'new' }, { name: 'a.csv', data: 'x' }], async () => {
        process.kill(process.pid, 'SIGINT');
        await new Promise((resolve) => setTimeout(resolve, 60_000));
      });`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(130);
    expect(readdirSync(dir)).toEqual(['result.json']);
    expect(readFileSync(join(dir, 'result.json'), 'utf8')).toBe('old');
    expect(existsSync(join(dir, 'a.csv'))).toBe(false);
  });
});

describe('names of output files', () => {
  it('refuses a crafted chart name that would leave the folder, writing nothing', async () => {
    const dir = fresh();
    await expect(writeFiles(dir, [{ name: 'result.json', data: '{}' }, { name: '../../x.png', data: 'png' }]))
      .rejects.toThrow(`cannot write "../../x.png" into ${dir}/: not a plain file name`);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(root, 'x.png'))).toBe(false);
  });
});

/**
 * A full disk, simulated: a preloaded module makes the write of every file whose path matches
 * QUEUESIM_TEST_ENOSPC put down 100 bytes and then fail with ENOSPC, as write(2) does when the
 * disk fills (an append to it fails outright), in a real `queuesim` process.
 */
const FULL_DISK = `
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const realOpen = fsp.open;
const realAppend = fs.appendFileSync;
const target = new RegExp(process.env.QUEUESIM_TEST_ENOSPC);
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
fs.appendFileSync = (path, ...rest) => {
  if (target.test(String(path))) throw enospc();
  return realAppend(path, ...rest);
};
fsp.open = async (path, ...rest) => {
  const handle = await realOpen(path, ...rest);
  if (!target.test(String(path))) return handle;
  const write = handle.writeFile.bind(handle);
  handle.writeFile = async (data) => {
    await write(data.slice(0, 100));
    throw enospc();
  };
  return handle;
};
syncBuiltinESMExports();
`;

describe('a full disk (ENOSPC) while writing the report', () => {
  const bin = fileURLToPath(new URL('../../bin/queuesim.js', import.meta.url));
  const queuesim = (args: string[], env: Record<string, string> = {}) => {
    const preload = join(root, 'full-disk.mjs');
    writeFileSync(preload, FULL_DISK);
    const flags = env.QUEUESIM_TEST_ENOSPC === undefined ? [] : ['--import', pathToFileURL(preload).href];
    return spawnSync(process.execPath, [...flags, bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  };

  it('exits 2 with the path and the reason, keeps the old files whole and renames none of the new ones', () => {
    const dir = fresh();
    const first = queuesim(['run', 'crash-before-ack', '--out', dir, '--no-charts', '--quiet']);
    expect(first.status).toBe(0);
    const names = ['report.html', 'result.json', 'timeseries.csv'];
    expect(readdirSync(dir).sort()).toEqual(names);
    const before = names.map((name) => readFileSync(join(dir, name)));
    // Another seed: every new file differs from the old one, so a renamed subset would show.
    const full = queuesim(['run', 'crash-before-ack', '--seed', '8', '--out', dir, '--no-charts', '--quiet'],
      { QUEUESIM_TEST_ENOSPC: '/\\.report\\.html\\.[^/]*\\.tmp$' });
    expect(full.stderr).toBe(`cannot write ${join(dir, 'report.html')}: no space left on the device (ENOSPC)\n`);
    expect(full.status).toBe(2);
    expect(full.stdout).toBe('');
    // No temporary (the partial report.html's and the complete result.json's) is left.
    expect(readdirSync(dir).sort()).toEqual(names);
    names.forEach((name, i) => expect(readFileSync(join(dir, name)).equals(before[i]), name).toBe(true));
    const again = queuesim(['run', 'crash-before-ack', '--seed', '8', '--out', dir, '--no-charts', '--quiet']);
    expect(again.status).toBe(0);
    expect(readFileSync(join(dir, 'result.json')).equals(before[1])).toBe(false);
  }, 120_000);

  it("a sweep whose journal cannot grow exits 2 with the journal's path, not an internal error", () => {
    const dir = fresh();
    const r = queuesim(['sweep', 'crash-before-ack', '--param', 'consumers[0].instances=2,4', '--seeds', '1',
      '--set', 'duration=3m', '--jobs', '1', '--out', dir, '--quiet', '--no-charts', '--no-html'],
    { QUEUESIM_TEST_ENOSPC: 'points\\.jsonl$' });
    expect(r.stderr).toBe(`cannot write ${join(dir, 'points.jsonl')}: no space left on the device (ENOSPC)\n`);
    expect(r.status).toBe(2);
    // The header went in before the disk filled; no replication line, no sweep.json.
    expect(readdirSync(dir)).toEqual(['points.jsonl']);
    expect(readFileSync(join(dir, 'points.jsonl'), 'utf8')).toMatch(/^\{"fingerprint":"[0-9a-f]{16}"\}\n$/);
  }, 120_000);
});
