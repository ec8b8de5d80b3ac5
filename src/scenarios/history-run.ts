/**
 * `run --history`: the filters as the CLI spells them, the size check, and the run that
 * writes `history.jsonl.gz` (docs/history.md).
 *
 * `--history-anomalies` keeps the whole life of every message that had an anomaly, which is
 * known only once the run is over. A run is deterministic, so the run happens twice: the
 * first pass records nothing and only marks anomalous messages in a one-byte-per-message set;
 * the second pass, the same run again, writes the lines of the marked messages. Memory stays
 * that of the run plus the set, and no unfiltered history touches the disk, at the price of
 * twice the simulation time.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { GzipLineFile, HISTORY_FILE } from '../observe/history-file.js';
import { MessageSet, type HistoryFilter } from '../observe/history.js';
import type { Result } from '../observe/result.js';
import { parseDuration } from './units.js';
import { InputError } from './issues.js';
import type { Scenario } from './load.js';
import { runScenario, type RunOptions } from './run.js';

export interface HistoryFlags {
  history?: boolean;
  historyKeys?: string;
  historyMessages?: string;
  historyWindow?: string;
  historyAnomalies?: boolean;
}

/**
 * Compressed bytes per line, measured on the built-in scenarios (docs/history.md, "Cost"):
 * 12 to 20; the estimate takes the high end.
 */
const BYTES_PER_LINE = 20;
/** Unfiltered histories estimated above this are refused. */
export const HISTORY_LIMIT_BYTES = 512 * 2 ** 20;

/** Whether any history flag was given: each filter implies `--history`. */
export function wantsHistory(flags: HistoryFlags): boolean {
  return Boolean(flags.history || flags.historyKeys !== undefined || flags.historyMessages !== undefined
    || flags.historyWindow !== undefined || flags.historyAnomalies);
}

/** The filter of the flags, or a clear InputError naming the flag. */
export function historyFilter(flags: HistoryFlags): HistoryFilter {
  const filter: HistoryFilter = {};
  if (flags.historyKeys !== undefined) {
    const keys = flags.historyKeys.split(',').map((k) => k.trim()).filter((k) => k !== '');
    if (keys.length === 0) throw new InputError('--history-keys: expected key names separated by commas, like k1,k2');
    filter.keys = keys;
  }
  if (flags.historyMessages !== undefined) {
    const [from, to] = range('--history-messages', flags.historyMessages, (text) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) throw new Error(`"${text}" is not a message id (a whole number ≥ 0)`);
      return n;
    });
    filter.messages = { from, to };
  }
  if (flags.historyWindow !== undefined) {
    const [fromMs, toMs] = range('--history-window', flags.historyWindow, parseDuration);
    filter.window = { fromMs, toMs };
  }
  return filter;
}

function range(flag: string, text: string, parse: (part: string) => number): [number, number] {
  const parts = text.split('..');
  if (parts.length !== 2) throw new InputError(`${flag}: expected FROM..TO, like ${example(flag)}; got "${text}"`);
  try {
    const [from, to] = parts.map((part) => parse(part.trim()));
    if (from > to) throw new Error(`${parts[0]} is after ${parts[1]}`);
    return [from, to];
  } catch (error) {
    throw new InputError(`${flag}: ${(error as Error).message} (expected FROM..TO, like ${example(flag)})`);
  }
}

function example(flag: string): string {
  return flag === '--history-window' ? '10m..12m' : '1000..2000';
}

/**
 * The lines a run of `scenario` would write unfiltered: a publish and an accept, then 5 per
 * group (enqueue, deliver, process-start, process, ack).
 */
export function estimateHistoryBytes(scenario: Scenario): number {
  const linesPerMessage = 2 + 5 * scenario.spec.consumers.length;
  return scenario.plannedMessages * linesPerMessage * BYTES_PER_LINE;
}

export interface HistoryWritten {
  path: string;
  lines: number;
  bytes: number;
  /** Wall-clock seconds of the recorded run, for the operations/s figure. */
  seconds: number;
}

export interface HistoryRun {
  result: Result;
  /** The finished history under its temporary name, readable until `publish` or `abort`. */
  path: string;
  /** Renames the history into place (call once the other outputs are written). */
  publish: () => HistoryWritten;
  abort: () => void;
}

export interface HistoryPlan {
  filter: HistoryFilter;
  anomalies: boolean;
}

/** Checks the flags and the size before anything runs: bad input fails at once. */
export function planHistory(scenario: Scenario, flags: HistoryFlags): HistoryPlan {
  const filter = historyFilter(flags);
  const anomalies = flags.historyAnomalies === true;
  const filtered = Object.keys(filter).length > 0 || anomalies;
  const estimate = estimateHistoryBytes(scenario);
  if (!filtered && estimate > HISTORY_LIMIT_BYTES) {
    throw new InputError(
      `--history: this run would write about ${Math.round(estimate / 2 ** 20)} MB of history ` +
        `(limit ${HISTORY_LIMIT_BYTES / 2 ** 20} MB). Keep a part of it with --history-keys k1,k2, ` +
        '--history-messages 1000..2000, --history-window 10m..12m or --history-anomalies.',
    );
  }
  return { filter, anomalies };
}

/**
 * Runs `scenario` recording its history into `dir/history.jsonl.gz`, kept under a temporary
 * name until `publish` (called once the other outputs are written) renames it into place.
 */
export function runWithHistory(
  scenario: Scenario,
  options: RunOptions,
  plan: HistoryPlan,
  dir: string,
): HistoryRun {
  const filter = { ...plan.filter };
  if (plan.anomalies) {
    const anomalous = new MessageSet();
    runScenario(scenario, { seed: options.seed, warmupMs: options.warmupMs, history: { sink: null, anomalous } });
    filter.only = anomalous;
  }
  mkdirSync(dir, { recursive: true });
  const file = new GzipLineFile(join(dir, HISTORY_FILE));
  const started = process.hrtime.bigint();
  let result: Result;
  try {
    result = runScenario(scenario, { ...options, history: { sink: file, filter } });
    file.finish();
  } catch (error) {
    file.abort();
    throw error;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    result,
    path: file.finishedPath,
    publish: () => {
      file.commit();
      return { path: file.target, lines: file.lines, bytes: file.bytes, seconds };
    },
    abort: () => file.abort(),
  };
}
