/**
 * The command line: a thin shell over the library API. Each action parses its options, calls
 * one function and maps the outcome to an exit code, like diff and grep:
 * 0 success, 1 an `expect:` assertion failed, 2 invalid input (usage, scenario, file).
 *
 * Results go to stdout; progress and messages to stderr, so `--json` output stays clean.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { loadScenario } from './scenarios/load.js';
import { runScenario } from './scenarios/run.js';
import { scenarioJsonSchema } from './scenarios/scenario-schema.js';
import { InputError } from './scenarios/issues.js';
import { builtInScenarios, resolveScenarioFile } from './scenarios/built-in.js';
import { VERSION } from './version.js';
import { describeCost } from './scenarios/cost.js';
import { printable, useColour } from './report/terminal.js';
import { parseDuration } from './scenarios/units.js';
import type { CompareFlags, SweepFlags } from './experiments/commands.js';
import type { HistoryFlags, HistoryPlan, HistoryWritten, runWithHistory } from './scenarios/history-run.js';
import type { Scenario } from './scenarios/load.js';
import type { RunOptions } from './scenarios/run.js';

type MergeFlags = { out?: string; json?: boolean; quiet?: boolean; charts: boolean; html: boolean };

export const EXIT = { ok: 0, expectationFailed: 1, invalidInput: 2, internal: 3 } as const;

interface RunFlags extends HistoryFlags {
  set: string[];
  seed?: number;
  warmup?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  charts: boolean;
  html: boolean;
  allowHuge?: boolean;
  junit?: string;
}

/** Output streams, replaceable in tests. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  errIsTty: boolean;
  outIsTty: boolean;
}

/** The real streams: control characters from scenario strings never reach the terminal raw. */
const processIo: Io = {
  out: (text) => process.stdout.write(printable(text, true)),
  err: (text) => process.stderr.write(printable(text)),
  errIsTty: Boolean(process.stderr.isTTY),
  // Decides colour: a terminal, unless NO_COLOR; FORCE_COLOR colours a pipe too.
  outIsTty: useColour(Boolean(process.stdout.isTTY), process.env),
};

export function createProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('queuesim')
    .description('Deterministic discrete-event simulator of message-queue systems')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showSuggestionAfterError(true);

  program
    .command('run')
    .description('run a scenario and write its report (a file, or a built-in name like flash-sale)')
    .argument('<file>', 'scenario file (YAML or JSON) or built-in scenario name')
    .option('--seed <n>', 'override the scenario seed', parseSeed)
    .option('--out <dir>', 'output directory (default: reports/<scenario-name>/)')
    .option('--json', 'print the result JSON to stdout and nothing else')
    .option('--quiet', 'print no summary')
    .option('--no-charts', 'skip the PNG charts')
    .option('--no-html', 'skip the HTML report')
    .option('--allow-huge', 'allow runs estimated at more than 3·10^9 events')
    .option('--warmup <duration>', 'leave the first part of the run out of latency and max-lag figures', parseWarmup)
    .option('--set <path=value>', 'override one field, like consumers[0].instances=8 (repeatable)', collect, [])
    .option('--history', 'write history.jsonl.gz: every step of every message (docs/history.md)')
    .option('--history-keys <k1,k2>', 'history of these keys only')
    .option('--history-messages <from..to>', 'history of these message ids only, like 1000..2000')
    .option('--history-window <from..to>', 'history of this simulated-time window only, like 10m..12m')
    .option('--history-anomalies', 'history of the messages that had an anomaly (runs the scenario twice)')
    .option('--junit <file>', 'also write the expectations as JUnit XML for CI')
    .action(async (file: string, flags: RunFlags) => setExit(await run(file, flags, io)));

  program
    .command('explain')
    .description("print a message's life, or a key's messages, from a run's history.jsonl.gz")
    .argument('<run>', 'output folder of run --history, or its result.json')
    .option('--message <id>', 'one message id', parseMessageId)
    .option('--key <key>', 'every message of a key, in order, with ordering violations marked')
    .action(async (target: string, flags: { message?: number; key?: string }) => {
      const { explainCommand } = await import('./report/explain.js');
      io.out(await explainCommand(target, flags));
      setExit(EXIT.ok);
    });

  program
    .command('validate')
    .description('check scenario files without running them')
    .argument('<files...>', 'scenario files')
    .action((files: string[]) => setExit(validate(files, io)));

  program
    .command('list')
    .description('list the built-in scenarios')
    .option('--json', 'print them as JSON: [{ name, file, description }]')
    .action((flags: { json?: boolean }) => {
      const all = builtInScenarios();
      if (flags.json) io.out(`${JSON.stringify(all, null, 2)}\n`);
      else for (const s of all) io.out(`${s.name.padEnd(34)} ${s.description}\n`);
    });

  program
    .command('schema')
    .description('print the scenario JSON Schema (for editor autocompletion)')
    .action(() => io.out(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`));

  program
    .command('compare')
    .description('run a scenario as several variants over several seeds, side by side')
    .argument('<file>', 'scenario file or built-in scenario name')
    .option('--vary <path=v1,v2>', 'a field and its values; twice for the cross product', collect, [])
    .option('--set <path=value>', 'override one field in every variant', collect, [])
    .option('--seeds <n>', 'replications per variant (seeds: seed, seed+1, …)', countOption('--seeds', MAX_SEEDS), 5)
    .option('--seed <n>', 'first seed (default: the scenario seed)', parseSeed)
    .option('--jobs <n>', 'worker threads (default: the number of cores)', countOption('--jobs'))
    .option('--out <dir>', 'output directory (default: reports/<scenario-name>-compare/)')
    .option('--json', 'print the comparison JSON to stdout and nothing else')
    .option('--quiet', 'print no table')
    .option('--no-charts', 'skip the PNG charts')
    .option('--no-html', 'skip the HTML report')
    .option('--allow-huge', 'allow runs estimated at more than 3·10^9 events')
    .option('--warmup <duration>', 'leave the first part of each run out of latency and max-lag figures', parseWarmup)
    .option('--junit <file>', 'also write each variant\'s expectations as JUnit XML for CI')
    .action(async (file: string, flags: CompareFlags) => {
      const { compareCommand } = await import('./experiments/commands.js');
      await compareCommand(file, flags, io);
      setExit(EXIT.ok); // expectations are part of what a comparison shows, not a failure
    });

  program
    .command('sweep')
    .description('find the capacity needed: run a grid of settings over seeds against the expect: SLO')
    .argument('<file>', 'scenario file or built-in scenario name')
    .option('--param <path=values>', 'a swept field: 1..32, 1..32:4 or 6,12,24; several give a grid', collect, [])
    .option('--set <path=value>', 'override one field at every point', collect, [])
    .option('--seeds <n>', 'replications per point (seeds: seed, seed+1, …)', countOption('--seeds', MAX_SEEDS), 3)
    .option('--seed <n>', 'first seed (default: the scenario seed)', parseSeed)
    .option('--quantile <q>', 'a point passes when the SLO holds on this fraction of seeds (default 1: all)')
    .option('--headroom <percent>', 'margin the recommended point keeps to every SLO threshold, like 20% (default)')
    .option('--jobs <n>', 'worker threads (default: the number of cores)', countOption('--jobs'))
    .option('--shard <i/n|auto>', 'run only the i-th of n slices of the grid (merge them with queuesim merge); auto: from a Kubernetes Indexed Job, AWS Batch or Slurm array')
    .option('--shards <n>', 'with --shard auto: how many shards (a Kubernetes Indexed Job\'s completions)', countOption('--shards'))
    .option('--out <dir>', 'output directory (default: reports/<scenario-name>-sweep/)')
    .option('--resume', 'skip the replications already saved in the output directory')
    .option('--json', 'print the sweep JSON to stdout and nothing else')
    .option('--quiet', 'print no table')
    .option('--no-charts', 'skip the PNG charts')
    .option('--no-html', 'skip the HTML report')
    .option('--allow-huge', 'allow runs estimated at more than 3·10^9 events')
    .option('--warmup <duration>', 'leave the first part of each run out of latency and max-lag figures', parseWarmup)
    .option('--junit <file>', 'also write each point\'s SLO lines as JUnit XML for CI')
    .action(async (file: string, flags: SweepFlags) => {
      const { sweepCommand } = await import('./experiments/commands.js');
      setExit((await sweepCommand(file, flags, io)) ? EXIT.expectationFailed : EXIT.ok);
    });

  program
    .command('merge')
    .description('combine the sweep.json files of sweep shards into the result of the whole grid')
    .argument('<results...>', 'sweep.json of every shard')
    .option('--out <dir>', 'output directory (default: reports/<scenario-name>-sweep/)')
    .option('--json', 'print the merged JSON to stdout and nothing else')
    .option('--quiet', 'print no table')
    .option('--no-charts', 'skip the PNG charts')
    .option('--no-html', 'skip the HTML report')
    .action(async (files: string[], flags: MergeFlags) => {
      const { mergeCommand } = await import('./experiments/commands.js');
      setExit((await mergeCommand(files, flags, io)) ? EXIT.expectationFailed : EXIT.ok);
    });

  program
    .command('report')
    .description('render the charts and HTML of a saved result.json, compare.json or sweep.json again')
    .argument('<result>', 'a saved result')
    .option('--out <dir>', 'output directory (default: the folder of the result)')
    .option('--no-charts', 'skip the PNG charts')
    .option('--no-html', 'skip the HTML report')
    .action(async (file: string, flags: { out?: string; charts: boolean; html: boolean }) => {
      const { reportCommand } = await import('./experiments/commands.js');
      await reportCommand(file, flags, io);
      setExit(EXIT.ok);
    });

  return program;
}

/** `--warmup 5m` → ms. */
function parseWarmup(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
}

/** Repeatable options collect into a list. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Replications per point at most: every replication keeps its figures in memory. */
const MAX_SEEDS = 10_000;

function countOption(flag: string, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${flag}: expected a whole number from 1 to ${max.toLocaleString('en-US')}.`);
    }
    return n;
  };
}

/** The scenario as written, or with `--set` overrides applied as compare and sweep apply them. */
async function loadWithSets(file: string, flags: RunFlags): Promise<Scenario> {
  if (flags.set.length === 0) return loadScenario(file, { allowHuge: flags.allowHuge });
  const { applyVariant, parseSet, readBase } = await import('./experiments/variants.js');
  return applyVariant(readBase(file, { allowHuge: flags.allowHuge }), flags.set.map(parseSet));
}

async function run(fileOrName: string, flags: RunFlags, io: Io): Promise<number> {
  const scenario = await loadWithSets(resolveScenarioFile(fileOrName), flags);
  const seed = flags.seed ?? scenario.spec.seed;
  const outDir = flags.out ?? (flags.json ? null : `reports/${safeDirName(scenario.spec.name)}`);
  // Refuse bad history flags before the output folder is made.
  const historyPlan = await planHistory(scenario, flags, outDir);
  const report = await import('./report/index.js');
  if (outDir !== null) report.checkOutputDir(outDir);
  const progress = flags.json || flags.quiet || !io.errIsTty ? null : await progressBar(io);
  if (!flags.json && !flags.quiet) {
    io.err(`queuesim ${VERSION}: ${scenario.spec.name}, seed ${seed}\n`);
  }
  const runOptions = {
    seed,
    warmupMs: flags.warmup,
    onProgress: progress === null ? undefined : (now: number, end: number) => progress.update(now, end),
  };
  const history = historyPlan === null ? null : await startHistory(scenario, runOptions, historyPlan, outDir!);
  const result = history?.result ?? runScenario(scenario, runOptions);
  progress?.stop();
  let written: string[];
  try {
    const lives = history !== null && flags.html ? await report.collectLives(history.path, report.exampleIds(result)) : undefined;
    written = outDir === null ? [] : await report.writeReport(outDir, result, { charts: flags.charts, html: flags.html, lives });
  } catch (error) {
    history?.abort();
    throw error;
  }
  if (history !== null) {
    const recorded = history.publish();
    written.push(recorded.path);
    if (!flags.json && !flags.quiet) io.err(historyNote(recorded));
  }
  if (flags.json) {
    io.out(report.resultJson(result));
  } else if (!flags.quiet) {
    io.out(report.renderSummary(result, { color: io.outIsTty }));
    if (outDir !== null) io.out(`\n${report.wroteFiles(written.length, outDir)}`);
  }
  if (flags.junit !== undefined) {
    const junit = await import('./report/junit.js');
    await junit.writeJunit(flags.junit, result.scenario, junit.runCases(result));
  }
  const failed = result.expectations.filter((e) => !e.pass);
  if (failed.length > 0 && !flags.json) {
    // The --set flags too: without them the command would run another scenario.
    const sets = flags.set.map((a) => ` --set '${a.replace(/'/g, "'\\''")}'`).join('');
    io.err(`${failed.length} expectation(s) failed; reproduce with: queuesim run ${fileOrName}${sets} --seed ${seed}\n`);
  }
  return failed.length > 0 ? EXIT.expectationFailed : EXIT.ok;
}

/** The checked history flags, or null when none was given. */
async function planHistory(scenario: Scenario, flags: RunFlags, outDir: string | null): Promise<HistoryPlan | null> {
  const history = await import('./scenarios/history-run.js');
  if (!history.wantsHistory(flags)) return null;
  if (outDir === null) throw new InputError('--history writes history.jsonl.gz into a folder: add --out DIR');
  return history.planHistory(scenario, flags);
}

async function startHistory(
  scenario: Scenario,
  options: RunOptions,
  plan: HistoryPlan,
  outDir: string,
): Promise<ReturnType<typeof runWithHistory>> {
  const { runWithHistory } = await import('./scenarios/history-run.js');
  return runWithHistory(scenario, options, plan, outDir);
}

/** `history: 170,034 lines, 1.2 MB in reports/x/history.jsonl.gz`. */
function historyNote(recorded: HistoryWritten): string {
  const mb = (recorded.bytes / 2 ** 20).toFixed(1);
  return `history: ${recorded.lines.toLocaleString('en-US')} lines, ${mb} MB in ${recorded.path}\n`;
}

function validate(files: string[], io: Io): number {
  let code: number = EXIT.ok;
  for (const file of files) {
    try {
      const scenario = loadScenario(resolveScenarioFile(file));
      io.out(`${file}: ok (${scenario.spec.name}, about ${Math.round(scenario.plannedMessages)} messages, ${describeCost(scenario.cost)})\n`);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.err(`${error.message}\n`);
      code = EXIT.invalidInput;
    }
  }
  return code;
}

async function progressBar(io: Io): Promise<{ update(now: number, end: number): void; stop(): void }> {
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const { formatDuration } = await import('./scenarios/units.js');
  const bar = new SingleBar(
    { format: 'simulating [{bar}] {percentage}% | {sim} simulated | eta {eta_formatted}', stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(now, end) {
      if (!started) bar.start(end, 0, { sim: '0ms' });
      started = true;
      bar.update(now, { sim: formatDuration(now) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function parseMessageId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 0) throw new InvalidArgumentError('expected a message id (a whole number ≥ 0).');
  return id;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new InvalidArgumentError('expected a whole number from 0 to 4294967295.');
  }
  return seed;
}

/** A scenario name made safe as a folder name. */
function safeDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'scenario';
}

/** Runs the CLI; resolves to the exit code. Never throws for bad input. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    }
    if (error instanceof InputError) {
      io.err(`${error.message}\n`);
      return EXIT.invalidInput;
    }
    io.err(`queuesim: internal error (a bug in queuesim, please report it):\n${(error as Error).stack}\n`);
    return EXIT.internal;
  }
}
