/**
 * The compare, sweep, merge and report commands behind the CLI: each takes its parsed flags,
 * does its one job and says whether it failed, so `cli.ts` stays a thin shell mapping outcomes
 * to exit codes. Results go to stdout, progress and notices to stderr.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolveScenarioFile } from '../scenarios/built-in.js';
import { InputError } from '../scenarios/issues.js';
import { unreadable } from '../scenarios/csv.js';
import { parseSavedResult, type SavedResult } from './saved-results.js';
import { compare } from './compare.js';
import { parseSet, parseVary, readBase } from './variants.js';
import { wroteFiles } from '../report/write.js';
import type { ChartSpec } from '../report/charts.js';

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  errIsTty: boolean;
  outIsTty: boolean;
}

export interface CompareFlags {
  warmup?: number;
  vary: string[];
  set: string[];
  seeds: number;
  seed?: number;
  jobs?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  charts: boolean;
  html: boolean;
  allowHuge?: boolean;
  junit?: string;
}

/** Runs a comparison; never fails on expectations (they are part of what it shows). */
export async function compareCommand(fileOrName: string, flags: CompareFlags, io: CommandIo): Promise<void> {
  const base = readBase(resolveScenarioFile(fileOrName), { allowHuge: flags.allowHuge });
  const vary = flags.vary.map(parseVary);
  const sets = flags.set.map(parseSet);
  const { checkOutputDir, exitOnInterrupt } = await import('../report/write.js');
  const outDir = flags.out ?? (flags.json ? null : `reports/${safeDirName(readName(base.source) ?? 'scenario')}-compare`);
  if (outDir !== null) checkOutputDir(outDir);
  exitOnInterrupt();
  const progress = flags.json || flags.quiet || !io.errIsTty ? null : await progressBar('runs');
  const result = await compare(base, {
    seeds: flags.seeds,
    seed: flags.seed,
    vary,
    sets,
    jobs: jobsFor(flags.jobs, io),
    warmupMs: flags.warmup,
    onDone: progress?.update,
    onNotice: io.err,
  });
  progress?.stop();
  if (flags.junit !== undefined) {
    const junit = await import('../report/junit.js');
    await junit.writeJunit(flags.junit, result.scenario, junit.compareCases(result));
  }
  const report = await import('../report/compare.js');
  await publish(outDir ?? undefined, flags, io, () => compareFiles(result, flags), JSON.stringify(result, null, 2),
    () => report.renderCompareTable(result, { color: io.outIsTty }));
}

type OutputFile = { name: string; data: string | Buffer };

/** compare.json, one PNG per chart, report.html. */
export async function compareFiles(
  result: import('./compare.js').CompareResult,
  opts: { charts: boolean; html: boolean },
): Promise<OutputFile[]> {
  const report = await import('../report/compare.js');
  return experimentFiles('compare.json', result, opts, report.compareCharts, report.renderCompareHtml);
}

/** sweep.json, one PNG per chart, report.html. */
export async function sweepFiles(
  result: import('./sweep.js').SweepResult,
  opts: { charts: boolean; html: boolean },
): Promise<OutputFile[]> {
  const report = await import('../report/sweep.js');
  return experimentFiles('sweep.json', result, opts, report.sweepCharts, report.renderSweepHtml);
}

/** An experiment's files: its JSON, one PNG per chart, report.html. */
async function experimentFiles<R>(
  jsonName: string,
  result: R,
  opts: { charts: boolean; html: boolean },
  charts: (result: R) => ChartSpec[],
  html: (result: R, specs: ChartSpec[]) => string,
): Promise<OutputFile[]> {
  const files: OutputFile[] = [{ name: jsonName, data: `${JSON.stringify(result, null, 2)}\n` }];
  if (!opts.charts && !opts.html) return files;
  const specs = charts(result);
  if (opts.charts) {
    const { renderCharts } = await import('../report/charts.js');
    for (const chart of await renderCharts(specs)) files.push({ name: `${chart.name}.png`, data: chart.png });
  }
  if (opts.html) files.push({ name: 'report.html', data: html(result, specs) });
  return files;
}

/** Writes the files into `outDir` (if any), then prints the JSON (--json) or the table. */
async function publish(
  outDir: string | undefined,
  flags: { json?: boolean; quiet?: boolean },
  io: CommandIo,
  files: () => Promise<OutputFile[]>,
  json: string,
  table: () => string,
): Promise<void> {
  let written = 0;
  if (outDir !== undefined) written = (await (await import('../report/write.js')).writeFiles(outDir, await files())).length;
  if (flags.json) io.out(`${json}\n`);
  else if (!flags.quiet) {
    io.out(table());
    if (outDir !== undefined) io.out(`\n${wroteFiles(written, outDir)}`);
  }
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** `--jobs`, or one per core; more than the cores only slows each run down, so say so. */
function jobsFor(jobs: number | undefined, io: CommandIo): number {
  if (jobs !== undefined && jobs > defaultJobs()) {
    io.err(`note: --jobs ${jobs} is more than the ${defaultJobs()} core(s) here; runs will share them\n`);
  }
  return jobs ?? defaultJobs();
}

/** A scenario name made safe as a folder name. */
export function safeDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'scenario';
}

/** A progress bar with an ETA on stderr, over finished replications. */
export async function progressBar(unit: string): Promise<{ update: (done: number, total: number) => void; stop: () => void }> {
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const bar = new SingleBar(
    { format: `[{bar}] {value}/{total} ${unit} | {percentage}% | eta {eta_formatted}`, stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

export interface SweepFlags {
  warmup?: number;
  param: string[];
  set: string[];
  seeds: number;
  seed?: number;
  quantile?: string;
  headroom?: string;
  jobs?: number;
  shard?: string;
  shards?: number;
  out?: string;
  resume?: boolean;
  json?: boolean;
  quiet?: boolean;
  charts: boolean;
  html: boolean;
  allowHuge?: boolean;
  junit?: string;
}

/** Runs a sweep; returns whether the SLO failed everywhere (no point passes: exit 1). */
export async function sweepCommand(fileOrName: string, flags: SweepFlags, io: CommandIo): Promise<boolean> {
  const { sweep, parseShard } = await import('./sweep.js');
  const { parseParam } = await import('./variants.js');
  const base = readBase(resolveScenarioFile(fileOrName), { allowHuge: flags.allowHuge });
  const params = flags.param.map(parseParam);
  const sets = flags.set.map(parseSet);
  const quantile = flags.quantile === undefined ? 1 : parseQuantile(flags.quantile);
  const shard =
    flags.shard === undefined
      ? undefined
      : flags.shard === 'auto'
        ? (await import('./shard-env.js')).shardFromEnv(process.env, flags.shards)
        : parseShard(flags.shard);
  if (flags.shards !== undefined && flags.shard !== 'auto') throw new InputError('--shards goes with --shard auto');
  const name = safeDirName(readName(base.source) ?? 'scenario');
  const outDir = flags.out ?? (flags.json ? undefined : `reports/${name}-sweep${shard === undefined ? '' : `-${shard.index}of${shard.count}`}`);
  if (flags.resume && outDir === undefined) throw new InputError('--resume needs --out <dir> (where the sweep saved its points)');
  const { checkOutputDir, exitOnInterrupt } = await import('../report/write.js');
  if (outDir !== undefined) checkOutputDir(outDir);
  exitOnInterrupt();
  const progress = flags.json || flags.quiet || !io.errIsTty ? null : await progressBar('runs');
  const result = await sweep(base, {
    params,
    sets,
    seeds: flags.seeds,
    seed: flags.seed,
    quantile,
    headroom: flags.headroom === undefined ? undefined : parseHeadroom(flags.headroom),
    jobs: jobsFor(flags.jobs, io),
    warmupMs: flags.warmup,
    shard,
    outDir,
    resume: flags.resume,
    onDone: progress?.update,
    onNotice: io.err,
  });
  progress?.stop();
  if (flags.junit !== undefined) {
    const junit = await import('../report/junit.js');
    await junit.writeJunit(flags.junit, result.scenario, junit.sweepCases(result));
  }
  await publishSweep(result, outDir, flags, io);
  return result.points.length === result.gridSize && result.recommendation === null && result.points.length > 0;
}

/** `queuesim merge`: shard results → the result of the whole grid. */
export async function mergeCommand(files: string[], flags: PublishFlags, io: CommandIo): Promise<boolean> {
  const { mergeSweeps } = await import('./sweep.js');
  const parts = files.map((file) => readSaved(file, ['sweep']).result as import('./sweep.js').SweepResult);
  const result = mergeSweeps(parts);
  const outDir = flags.out ?? (flags.json ? undefined : `reports/${safeDirName(result.scenario)}-sweep`);
  await publishSweep(result, outDir, flags, io);
  return result.recommendation === null;
}

interface PublishFlags {
  out?: string;
  json?: boolean;
  quiet?: boolean;
  charts: boolean;
  html: boolean;
}

async function publishSweep(
  result: import('./sweep.js').SweepResult,
  outDir: string | undefined,
  flags: PublishFlags,
  io: CommandIo,
): Promise<void> {
  const report = await import('../report/sweep.js');
  await publish(outDir, flags, io, () => sweepFiles(result, flags), JSON.stringify(result, null, 2),
    () => report.renderSweepTable(result, { color: io.outIsTty }));
}

/**
 * `queuesim report <result.json>`: renders the charts and HTML of a saved run, compare or
 * sweep result again, without simulating, into `--out` or the folder the file is in.
 */
export async function reportCommand(file: string, flags: { out?: string; charts: boolean; html: boolean }, io: CommandIo): Promise<void> {
  const { dirname } = await import('node:path');
  const saved = readSaved(file, ['run', 'compare', 'sweep']);
  const outDir = flags.out ?? dirname(file);
  const { writeFiles, writeReport } = await import('../report/write.js');
  const written = saved.kind === 'compare'
    ? await writeFiles(outDir, await compareFiles(saved.result, flags))
    : saved.kind === 'sweep'
      ? await writeFiles(outDir, await sweepFiles(saved.result, flags))
      : await writeReport(outDir, saved.result, flags);
  io.out(wroteFiles(written.length, outDir));
}

/** A saved result file, read and checked against its schema (bad input is exit 2). */
function readSaved(file: string, kinds: readonly ('run' | 'compare' | 'sweep')[]): SavedResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read "${file}": ${unreadable(error)}`);
  }
  return parseSavedResult(text, file, kinds);
}

function parseQuantile(text: string): number {
  const q = Number(text);
  if (!(q > 0 && q <= 1)) throw new InputError(`--quantile: expected a fraction of seeds in (0, 1], like 0.9; got "${text}"`);
  return q;
}

/** `--headroom 20%` (or `20`) → 0.2. */
export function parseHeadroom(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const percent = Number(m?.[1]);
  if (m === null || !(percent < 100)) {
    throw new InputError(`--headroom: expected a percentage from 0 up to (not including) 100, like 20%; got "${text}"`);
  }
  return percent / 100;
}

/** The scenario's name, for the default output folder, before validation. */
function readName(source: string): string | null {
  const m = /^name:\s*["']?([^"'\n#]+?)["']?\s*(#.*)?$/m.exec(source);
  return m === null ? null : m[1];
}
