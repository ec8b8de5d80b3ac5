/**
 * The fuzzer (`npm run fuzz -- -n 10000 --seed 1`): mutates the built-in scenarios with a
 * seeded generator, runs `validate` on each in-process and a bounded `run` on a sample in a
 * child process, and fails on a stack trace, an exit code other than 0, 1 or 2, an error
 * without line:column, a run over its time or memory bound, or a file that `validate`
 * accepts and `run` then rejects.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main } from '../cli.js';
import { builtInScenarios } from '../scenarios/built-in.js';
import { loadScenario } from '../scenarios/load.js';
import { mutate, seeded } from './mutate.js';

export interface FuzzOptions {
  files: number;
  seed: number;
  /** Run every n-th file that validate accepts (0: no runs). */
  runEvery: number;
  /** Runs estimated above this many events are not run (they would only be slow). */
  runBudgetEvents: number;
  /**
   * A run over this much CPU time is a runaway: its estimate was wrong. CPU time, not wall
   * time, so that a machine busy with other work does not make a runaway of a normal run; a
   * run that waits without end is caught at ten times this in wall time.
   */
  runCpuMs: number;
  runMemoryMb: number;
  /** Called with each finding as it happens. */
  onFinding?: (finding: Finding) => void;
}

export interface Finding {
  file: string;
  problem: string;
  output: string;
}

export interface FuzzReport {
  files: number;
  accepted: number;
  refused: number;
  runs: number;
  findings: Finding[];
}

export const FUZZ_DEFAULTS: FuzzOptions = {
  files: 10_000,
  seed: 1,
  runEvery: 20,
  runBudgetEvents: 2e6,
  runCpuMs: 60_000,
  runMemoryMb: 1024,
};

const STACK = /\n\s+at .+\(|internal error/;
const CLI = fileURLToPath(new URL('../../bin/queuesim.js', import.meta.url));

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const random = seeded(options.seed);
  const sources = builtInScenarios().map((b) => ({ name: b.name, file: b.file }));
  const { readFileSync } = await import('node:fs');
  const texts = sources.map((s) => readFileSync(s.file, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'queuesim-fuzz-'));
  const report: FuzzReport = { files: 0, accepted: 0, refused: 0, runs: 0, findings: [] };
  const found = (file: string, problem: string, output: string): void => {
    const finding = { file, problem, output: output.slice(0, 2000) };
    report.findings.push(finding);
    options.onFinding?.(finding);
  };
  try {
    for (let i = 0; i < options.files; i++) {
      const k = Math.floor(random() * texts.length);
      // Kept next to its built-in (its CSV files are relative to it) but under a fresh name.
      const file = join(dir, `${i}-${sources[k].name}.yaml`);
      const text = mutate(texts[k], random);
      writeFileSync(file, text);
      report.files++;
      const { code, output } = await validate(file);
      if (![0, 1, 2].includes(code)) found(file, `validate exited ${code}`, output);
      if (STACK.test(output)) found(file, 'validate printed a stack trace', output);
      if (code === 2 && !placed(output, file)) found(file, 'an error without its place (file:line:column)', output);
      if (code !== 0) {
        report.refused++;
        rmSync(file);
        continue;
      }
      report.accepted++;
      if (options.runEvery > 0 && report.accepted % options.runEvery === 0) {
        if (runOne(file, options, found)) report.runs++;
      }
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

async function validate(file: string): Promise<{ code: number; output: string }> {
  let output = '';
  const io = { out: (t: string) => (output += t), err: (t: string) => (output += t), errIsTty: false, outIsTty: false };
  const code = await main(['node', 'queuesim', 'validate', file], io);
  return { code, output };
}

/** Every error line names the file and a line:column. */
function placed(output: string, file: string): boolean {
  return output.trim().split('\n').every((line) => new RegExp(`^${escape(file)}:\\d+:\\d+: `).test(line) || !line.startsWith(file));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A bounded run in a child process; false when the estimate puts it over the budget. */
export function runOne(file: string, options: FuzzOptions, found: (file: string, problem: string, output: string) => void): boolean {
  const events = loadScenario(file).cost.events;
  if (events > options.runBudgetEvents) return false;
  const out = join(file, '..', `out-${Math.floor(Math.random() * 1e9)}`);
  mkdirSync(out);
  const started = process.hrtime.bigint();
  // RLIMIT_CPU: the kernel stops the child with SIGXCPU once it has used its CPU time.
  const child = spawnSync('/bin/sh', ['-c', `ulimit -t ${Math.ceil(options.runCpuMs / 1000)} && exec "$@"`, 'sh',
    process.execPath, `--max-old-space-size=${options.runMemoryMb}`, CLI, 'run', file,
    '--out', out, '--no-charts', '--no-html', '--quiet'], { encoding: 'utf8', timeout: options.runCpuMs * 10 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(out, { recursive: true, force: true });
  const output = `${child.stdout}${child.stderr}`;
  if (child.error !== undefined || child.signal !== null) {
    found(file, `run over its bound (${seconds.toFixed(1)} s, estimated ${events.toExponential(2)} events; ${child.signal ?? child.error?.message})`, output);
  } else if (child.status === 2) {
    found(file, 'validate accepted it and run rejected it', output);
  } else if (![0, 1].includes(child.status ?? -1)) {
    found(file, `run exited ${child.status}`, output);
  }
  if (STACK.test(output)) found(file, 'run printed a stack trace', output);
  return true;
}

function parseArgs(argv: string[]): FuzzOptions {
  const options = { ...FUZZ_DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    if (argv[i] === '-n') options.files = value;
    else if (argv[i] === '--seed') options.seed = value;
    else if (argv[i] === '--run-every') options.runEvery = value;
    else continue;
    if (!Number.isInteger(value) || value < 0) throw new Error(`${argv[i]}: expected a whole number`);
    i++;
  }
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const report = await fuzz({
    ...options,
    onFinding: (f) => process.stderr.write(`FINDING ${f.problem}: ${f.file}\n${f.output}\n`),
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  process.stdout.write(`fuzz -n ${options.files} --seed ${options.seed}: ${report.files} files, ${report.accepted} accepted, ` +
    `${report.refused} refused (exit 2), ${report.runs} bounded runs, ${report.findings.length} findings, ${minutes} min\n`);
  process.exitCode = report.findings.length === 0 ? 0 : 1;
}
