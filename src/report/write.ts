/**
 * Files of a report directory (`--out DIR`): result.json, timeseries.csv, the PNG charts and
 * report.html.
 *
 * `writeReport` renders everything in memory first, then writes temporary files next to the
 * targets and renames them into place at the end: each output file is either complete or
 * absent, and a failure before the renames leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { InputError } from '../scenarios/issues.js';
import { join } from 'node:path';
import type { Result } from '../observe/result.js';
import { type ChartSpec, chartConfigs, renderCharts } from './charts.js';
import { renderHtml } from './html.js';
import { livesHtml, type MessageLives } from './lives.js';

export interface WriteReportOptions {
  charts: boolean;
  html: boolean;
  /**
   * Test seam: called once every temporary file is written, before any rename. A throw here
   * behaves like a failed write (temporaries removed, no target touched).
   */
  beforeRename?: () => void | Promise<void>;
  /** Lives of the anomaly examples from a history (`run --history`), drawn in report.html. */
  lives?: MessageLives;
}

/** The result contract as a file: stable 2-space JSON with a trailing newline. */
export function resultJson(result: Result): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * The time series in long format, `t_ms,metric,subject,value`, one row per sample, metric and
 * subject; `null` is an empty value. Rows are ordered by metric, subject (both by code unit,
 * not locale) and time, so the file is the same on every machine.
 */
export function timeseriesCsv(result: Result): string {
  const { tMs } = result.series;
  const lines = ['t_ms,metric,subject,value'];
  const metrics = Object.keys(result.series).filter((k) => k !== 'tMs').sort(byCodeUnit);
  for (const metric of metrics) {
    const series = result.series[metric];
    // A metric without subjects (a plain array) gets an empty subject.
    const bySubject: Record<string, (number | null)[]> = Array.isArray(series)
      ? { '': series }
      : series;
    for (const subject of Object.keys(bySubject).sort(byCodeUnit)) {
      const values = bySubject[subject];
      const prefix = `,${csvField(metric)},${csvField(subject)},`;
      for (let i = 0; i < tMs.length; i++) {
        const v = values[i];
        lines.push(`${tMs[i]}${prefix}${v === null || v === undefined ? '' : String(v)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: quote a field holding a comma, quote or line break; double inner quotes. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface OutputFile {
  name: string;
  data: string | Buffer;
}

/**
 * Writes the report files into `dir` (created if missing) and returns their paths:
 * result.json, timeseries.csv, one PNG per chart if `charts`, report.html if `html`.
 */
export async function writeReport(
  dir: string,
  result: Result,
  opts: WriteReportOptions,
): Promise<string[]> {
  return writeFiles(dir, await renderFiles(result, opts), opts.beforeRename);
}

/**
 * Writes `files` into `dir` (created if missing), each complete or absent: temporaries first,
 * then renames, and no rename unless every temporary was written and every target can take
 * its file, so a failure never leaves a mix of old and new files. File-system failures are
 * InputErrors naming the path and the reason. Returns the paths written.
 */
export async function writeFiles(
  dir: string,
  files: OutputFile[],
  beforeRename?: () => void | Promise<void>,
): Promise<string[]> {
  // Names come from results, which `report` reads from disk: a crafted chart name like
  // ../../x must not write outside the folder.
  for (const file of files) {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(file.name)) {
      throw new InputError(`cannot write "${file.name}" into ${dir}/: not a plain file name (letters, digits, ".", "_", "-")`);
    }
  }
  checkOutputDir(dir);
  sweepTemporaries(dir);
  const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const temps: string[] = [];
  const stopWatching = exitOnInterrupt();
  try {
    for (const file of files) {
      const temp = join(dir, `.${file.name}.${suffix}`);
      temps.push(temp);
      live.add(temp);
      await writeDurably(temp, file.data).catch((error: unknown) => {
        throw cannotWrite(join(dir, file.name), error);
      });
    }
    for (const file of files) checkTarget(join(dir, file.name));
    await beforeRename?.();
    const written: string[] = [];
    for (const [i, file] of files.entries()) {
      const target = join(dir, file.name);
      await rename(temps[i], target).catch((error: unknown) => {
        throw cannotWrite(target, error);
      });
      live.delete(temps[i]);
      written.push(target);
    }
    return written;
  } finally {
    await Promise.all(temps.filter((temp) => live.has(temp)).map((temp) => rm(temp, { force: true })));
    for (const temp of temps) live.delete(temp);
    stopWatching();
  }
}

/**
 * Checks that `dir` exists as a writable folder, creating it if missing, by writing and
 * removing a probe file: run, compare and sweep call it before simulating, so a bad `--out`
 * is exit 2 at once, not after the run.
 */
export function checkOutputDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InputError(`cannot write to ${dir}/: it is a file, not a folder`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw cannotWrite(dir, error);
  }
  const probe = join(dir, `.queuesim-probe.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(probe, '');
  } catch (error) {
    throw cannotWrite(dir, error);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** A target that exists as a folder (report.html/) cannot be replaced by a rename. */
function checkTarget(target: string): void {
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new InputError(`cannot write ${target}: a folder of that name is in the way`);
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a file is in the way where a folder should be',
  EEXIST: 'a file is in the way where a folder should be',
  EISDIR: 'a folder of that name is in the way',
  ENAMETOOLONG: 'the name is too long',
};

/** A failed write as exit-2 input: the path and the reason in words (`no space left on the device (ENOSPC)`). */
export function cannotWrite(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new InputError(`cannot write ${path}: ${REASONS[code] ?? (error as Error).message}${code === '' ? '' : ` (${code})`}`);
}

/** Temporaries of this process still being written: removed if it is interrupted. */
const live = new Set<string>();

function removeLiveTemporaries(): void {
  for (const temp of live) rmSync(temp, { force: true });
  live.clear();
}

function interrupted(): void {
  removeLiveTemporaries();
  process.exit(130);
}

/**
 * Until the returned function is called, Ctrl-C (SIGINT) removes this process's temporaries
 * and exits 130, leaving only complete files. The CLI holds it over compare and sweep, whose
 * simulations yield to the event loop; a synchronous `run` is killed outright by Ctrl-C
 * before its write phase, when it has written nothing.
 */
export function exitOnInterrupt(): () => void {
  if (process.listeners('SIGINT').includes(interrupted)) return () => {};
  process.on('SIGINT', interrupted);
  return () => process.off('SIGINT', interrupted);
}

/** Hidden temporaries (`.result.json.<pid>.<hex>.tmp`) left by a killed process: removed. */
function sweepTemporaries(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
    if (m !== null && !isAlive(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function renderFiles(result: Result, opts: WriteReportOptions): Promise<OutputFile[]> {
  const files: OutputFile[] = [
    { name: 'result.json', data: resultJson(result) },
    { name: 'timeseries.csv', data: timeseriesCsv(result) },
  ];
  if (!opts.charts && !opts.html) return files;
  const specs: ChartSpec[] = chartConfigs(result);
  if (opts.charts) {
    for (const chart of await renderCharts(specs)) {
      files.push({ name: `${chart.name}.png`, data: chart.png });
    }
  }
  if (opts.html) {
    const lives = opts.lives === undefined ? undefined : livesHtml(result, opts.lives);
    files.push({ name: 'report.html', data: renderHtml(result, specs, lives) });
  }
  return files;
}

/** Writes a new file and flushes it to disk, so the rename that follows publishes whole data. */
async function writeDurably(path: string, data: string | Buffer): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The line the CLI prints after writing a report: `wrote 3 files to reports/x/`. */
export function wroteFiles(count: number, dir: string): string {
  return `wrote ${count} ${count === 1 ? 'file' : 'files'} to ${dir}/\n`;
}
