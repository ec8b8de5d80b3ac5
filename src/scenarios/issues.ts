/**
 * Problems with a scenario, as data: each issue names the file, the path in the document
 * (`consumers[0].service`), its line:column when known, and what was expected. Everything is
 * collected first and reported at once; the run does not start.
 */
import { closest } from './suggest.js';

export type PathKey = string | number;

export interface ScenarioIssue {
  file: string;
  path: PathKey[];
  line?: number;
  column?: number;
  message: string;
}

/** Bad input: the CLI prints `message` and exits with code 2, never a stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export class ScenarioError extends InputError {
  constructor(readonly issues: ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ScenarioError';
  }
}

/** `consumers[0].service` */
export function formatPath(path: PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out === '' ? '(top level)' : out;
}

/** The value at `path` in plain data; undefined where the path leads nowhere. */
export function valueAt(data: unknown, path: PathKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathKey, unknown>)[key];
  }
  return value;
}

export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column}`;
  return `${where}: ${formatPath(issue.path)}: ${issue.message}`;
}

export function suggestion(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match === null ? '' : `; did you mean "${match}"?`;
}
