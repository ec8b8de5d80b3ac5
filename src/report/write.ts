/**
 * Files of a report directory (`--out DIR`): result.json, timeseries.csv, the PNG charts and
 * report.html.
 *
 * `writeReport` renders everything in memory first, then writes temporary files next to the
 * targets and renames them into place at the end: each output file is either complete or
 * absent, and a failure before the renames leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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
 * then renames. Returns the paths written. Shared by the compare and sweep reports.
 */
export async function writeFiles(
  dir: string,
  files: OutputFile[],
  beforeRename?: () => void | Promise<void>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const temps: string[] = [];
  try {
    for (const file of files) {
      const temp = join(dir, `.${file.name}.${suffix}`);
      temps.push(temp);
      await writeDurably(temp, file.data);
    }
    await beforeRename?.();
  } catch (err) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw err;
  }
  const written: string[] = [];
  for (const [i, file] of files.entries()) {
    const target = join(dir, file.name);
    try {
      await rename(temps[i], target);
    } catch (err) {
      await Promise.all(temps.slice(i).map((temp) => rm(temp, { force: true })));
      throw err;
    }
    written.push(target);
  }
  return written;
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
