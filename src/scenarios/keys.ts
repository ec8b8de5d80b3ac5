/**
 * Producers' key spaces: a `keys:` block made concrete at load time (a CSV column is read once,
 * there, with the scenario's other files) and registered in a run's ledger, where one key name
 * is one key whichever producer uses it. Random draws come from the stream the producer hands
 * its chooser (`producer/<name>/keys`); a replayed sequence draws nothing.
 */
import { keyChooser, listChooser, sequenceChooser, type KeyChooser } from '../models/keys.js';
import { NO_KEY, type Ledger } from '../observe/ledger.js';
import { readCsvField } from './csv.js';
import { suggestion, type PathKey } from './issues.js';
import type { KeysSpec } from './schema.js';

/** A producer's keys, ready to register: a CSV file has become its column's cells, in order. */
export type KeySpace = Exclude<KeysSpec, { kind: 'csv' }> | { kind: 'sequence'; names: (string | null)[] };

/** Why a `keys:` block cannot be used, at a path inside it. */
export interface KeysProblem {
  path: PathKey[];
  message: string;
}

export function resolveKeys(keys: KeysSpec, baseDir: string): KeySpace | KeysProblem {
  if (keys.kind !== 'csv') return keys;
  const rows = readCsvField(keys.file, baseDir, 'null');
  if (!Array.isArray(rows)) return rows;
  const header = (rows[0] ?? []).map((name) => name ?? '');
  if (header.length === 0) return { path: ['csv'], message: `${keys.file} is empty; it needs a header row` };
  const columns = header.map((name) => JSON.stringify(name)).join(', ');
  if (keys.column === undefined && header.length > 1) {
    return {
      path: ['csv'],
      message: `${keys.file} has columns ${columns}; say which with column, like column: ${header[0]}`,
    };
  }
  const column = keys.column ?? header[0];
  const index = header.indexOf(column);
  if (index < 0) {
    return {
      path: ['column'],
      message: `${keys.file} has no column "${column}"; its columns: ${columns}${suggestion(column, header)}`,
    };
  }
  // An empty cell is a record without a key; a quoted "" is the empty key, hashed like any.
  const names = rows.slice(1).map((row) => row[index] ?? null);
  if (names.every((name) => name === null)) {
    return { path: ['column'], message: `column "${column}" of ${keys.file} has no values` };
  }
  return { kind: 'sequence', names };
}

/** A fresh chooser of one producer's keys: live traffic and the backlog each take their own. */
export type KeyChooserFactory = () => KeyChooser;

/**
 * Registers every producer's keys in the ledger and returns, per producer, how to make its
 * chooser (null for no keys). Prefixes go first, each as large as the largest producer using
 * it, so their KeyIds are what they were before named keys existed; names follow in producer
 * order, and a name already registered is the same key.
 */
export function addKeySpaces(
  ledger: Ledger,
  spaces: readonly (KeySpace | null)[],
): (KeyChooserFactory | null)[] {
  const counts = new Map<string, number>();
  for (const space of spaces) {
    if (space?.kind === 'prefix') counts.set(space.prefix, Math.max(counts.get(space.prefix) ?? 0, space.count));
  }
  const bases = new Map([...counts].map(([prefix, count]) => [prefix, ledger.addKeys(prefix, count)]));
  return spaces.map((space): KeyChooserFactory | null => {
    if (space === null) return null;
    if (space.kind === 'prefix') {
      const base = bases.get(space.prefix) ?? 0;
      return () => keyChooser(base, space.count, space.skew);
    }
    if (space.kind === 'list') {
      const ids = ledger.addKeyNames(space.names);
      return () => listChooser(ids, space.skew);
    }
    // An empty cell replays as a message without a key, as a record with a null key would.
    const named = ledger.addKeyNames(space.names.filter((name): name is string => name !== null));
    let next = 0;
    const ids = space.names.map((name) => (name === null ? NO_KEY : named[next++]));
    return () => sequenceChooser(ids);
  });
}
