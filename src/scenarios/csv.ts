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

/** Every record of `file`, header first, cells trimmed and blank lines skipped. */
export function readCsv(file: string, baseDir: string): string[][] {
  const path = resolve(baseDir, file);
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CsvError(`cannot read ${file} (${path}): ${unreadable(error)}`);
  }
  try {
    return parse(content, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw new CsvError(`${file} is not valid CSV: ${(error as Error).message}`);
  }
}

/** readCsv for a scenario's `csv:` field: an unreadable file is a problem at that field. */
export function readCsvField(file: string, baseDir: string): string[][] | { path: ['csv']; message: string } {
  try {
    return readCsv(file, baseDir);
  } catch (error) {
    if (error instanceof CsvError) return { path: ['csv'], message: error.message };
    throw error;
  }
}
