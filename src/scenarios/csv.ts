/**
 * CSV files that a scenario points at (empirical service times, replayed key sequences), read
 * once at load time with csv-parse. Paths are relative to the scenario file's directory.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';

/** A file that cannot be read or parsed; the message names it, the caller says who asked. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

/** Why a file cannot be read, in a few words (for scenario files and the files they name). */
export function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  return code ?? (error as Error).message;
}

/** A cell; null for an unquoted empty cell when the caller tells those from a quoted `""`. */
export type CsvCell = string | null;

/**
 * Every record of `file`, header first, cells trimmed and blank lines skipped. With `blanks:
 * 'null'` an unquoted empty cell reads as null, so that a quoted `""` (an empty string) is not
 * taken for a missing value.
 */
export function readCsv(file: string, baseDir: string): string[][];
export function readCsv(file: string, baseDir: string, blanks: 'null'): CsvCell[][];
export function readCsv(file: string, baseDir: string, blanks?: 'null'): CsvCell[][] {
  const path = resolve(baseDir, file);
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CsvError(`cannot read ${file} (${path}): ${unreadable(error)}`);
  }
  const cast = blanks === 'null'
    ? (value: string, context: { quoting: boolean }) => (value === '' && !context.quoting ? null : value)
    : undefined;
  try {
    return parse(content, { bom: true, skip_empty_lines: true, trim: true, cast }) as CsvCell[][];
  } catch (error) {
    throw new CsvError(`${file} is not valid CSV: ${(error as Error).message}`);
  }
}

type FieldProblem = { path: ['csv']; message: string };

/** readCsv for a scenario's `csv:` field: an unreadable file is a problem at that field. */
export function readCsvField(file: string, baseDir: string): string[][] | FieldProblem;
export function readCsvField(file: string, baseDir: string, blanks: 'null'): CsvCell[][] | FieldProblem;
export function readCsvField(file: string, baseDir: string, blanks?: 'null'): CsvCell[][] | FieldProblem {
  try {
    return blanks === 'null' ? readCsv(file, baseDir, blanks) : readCsv(file, baseDir);
  } catch (error) {
    if (error instanceof CsvError) return { path: ['csv'], message: error.message };
    throw error;
  }
}
