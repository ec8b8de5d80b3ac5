/**
 * Variants of one scenario: `--set path=value`, `--vary path=v1,v2,…`, `--param path=1..32:4`
 * and the scenario's own `variants:` block, applied to the parsed YAML document before it is
 * validated. Applying to the document (not to the validated spec) keeps every schema check,
 * default and error position of an ordinary load: a variant is just another scenario file.
 *
 * Paths use the same spelling as error messages: `consumers[0].delivery`, `system.type`,
 * `expect["fulfilment.losses"]`. Values are YAML scalars (`12` is a number, `5s` a string).
 * A path is checked against the schema and the document before anything runs, and a bad one
 * names the fields that exist there, with a "did you mean".
 */
import { dirname } from 'node:path';
import { parse as parseYaml, parseDocument, type Document } from 'yaml';
import { closest } from '../scenarios/suggest.js';
import { ScenarioSchema } from '../scenarios/scenario-schema.js';
import { schemaKeysAt } from '../scenarios/schema-walk.js';
import { formatPath, InputError, type PathKey } from '../scenarios/issues.js';
import { parseScenario, readScenarioFile, type LoadOptions, type Scenario } from '../scenarios/load.js';
import { checkGridSize } from '../scenarios/cost.js';
import { mapOntoSystem } from './system-change.js';

/** One field set to one value. */
export interface Assignment {
  path: PathKey[];
  value: unknown;
}

/** A field and the values it takes across variants (`--vary`, `--param`). */
export interface Axis {
  path: PathKey[];
  values: unknown[];
}

export interface Variant {
  /** Shown in tables and legends: `delivery=at-most-once`, or the name from `variants:`. */
  label: string;
  assignments: Assignment[];
}

/** `consumers[0].delivery` → ['consumers', 0, 'delivery']. */
export function parsePath(text: string): PathKey[] {
  const path: PathKey[] = [];
  const re = /\s*(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["([^"]*)"\]|\['([^']*)'\])/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null || (m[1] !== undefined && pos === 0 && text[0] === '.')) {
      throw new InputError(`bad field path "${text}" at character ${pos + 1}: ` +
        'expected names and indexes like consumers[0].delivery or expect["group.losses"]');
    }
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else path.push(m[3] ?? m[4]);
    pos = re.lastIndex;
  }
  if (path.length === 0) throw new InputError('empty field path: expected something like system.type');
  return path;
}

/** A value as YAML reads it: `12` → 12, `true` → true, `5s` → '5s', `[a, b]` → a list. */
export function parseValue(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new InputError(`bad value "${text}": ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Splits on commas outside brackets: `uniform(1ms, 5ms),const(2ms)` is two values. */
export function splitValues(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  if (parts.some((p) => p === '')) throw new InputError(`empty value in "${text}"`);
  return parts;
}

function splitAssignment(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) {
    throw new InputError(`${flag} "${text}": expected path=value, like consumers[0].instances=4`);
  }
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
}

/** `--set path=value`. */
export function parseSet(text: string): Assignment {
  const [path, value] = splitAssignment(text, '--set');
  return { path: parsePath(path), value: parseValue(value) };
}

/** `--vary path=v1,v2,…`. */
export function parseVary(text: string): Axis {
  const [path, values] = splitAssignment(text, '--vary');
  return { path: parsePath(path), values: splitValues(values).map(parseValue) };
}

/** `--param path=1..32`, `path=1..32:4` or `path=6,12,24`. */
export function parseParam(text: string): Axis {
  const [path, values] = splitAssignment(text, '--param');
  const range = /^(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(values);
  if (range === null) return { path: parsePath(path), values: splitValues(values).map(parseValue) };
  const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? 1)];
  if (!(step > 0) || to < from) {
    throw new InputError(`--param "${text}": a range goes up, like 1..32 or 1..32:4 (step > 0)`);
  }
  // Count before listing: 1..1e9 must not build a billion values first.
  checkGridSize([Math.floor((to - from) / step + 1e-9) + 1], `--param "${text}"`);
  const list: number[] = [];
  // Integer steps count exactly; a fractional step is rounded to 9 digits against drift.
  for (let k = 0; from + k * step <= to + 1e-9; k++) list.push(Number((from + k * step).toFixed(9)));
  return { path: parsePath(path), values: list };
}

/** The cross product of axes, the first axis varying slowest. */
export function crossProduct(axes: Axis[]): Variant[] {
  checkGridSize(axes.map((a) => a.values.length), axes.length > 1 ? 'the grid' : 'the axis');
  let variants: Variant[] = [{ label: '', assignments: [] }];
  for (const axis of axes) {
    variants = variants.flatMap((v) =>
      axis.values.map((value) => ({
        label: [v.label, `${lastName(axis.path)}=${formatValue(value)}`].filter((s) => s !== '').join(' '),
        assignments: [...v.assignments, { path: axis.path, value }],
      })),
    );
  }
  return variants;
}

export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function lastName(path: PathKey[]): string {
  const names = path.filter((k): k is string => typeof k === 'string');
  return names[names.length - 1] ?? formatPath(path);
}

/** A scenario document ready for variants: the parsed YAML and its source label. */
export interface BaseDocument {
  source: string;
  file: string;
  options: LoadOptions & { baseDir?: string };
}

/** The `variants:` block of a scenario file, as named variants. */
export function fileVariants(base: BaseDocument): Variant[] {
  const data = parseDocument(base.source).toJS() as { variants?: unknown } | null;
  const block = data?.variants;
  if (!Array.isArray(block)) return [];
  return block.map((entry: { name: string; set?: Record<string, unknown> }) => ({
    label: entry.name,
    assignments: Object.entries(entry.set ?? {}).map(([path, value]) => ({ path: parsePath(path), value })),
  }));
}

/**
 * The scenario with `assignments` applied and validated. Errors name the variant; a path that
 * the schema does not have is an InputError naming the fields that exist there. A change of
 * `system.type` maps the old system's settings onto the new one (system-change.ts), adding
 * to `notices` the ones that end by design.
 */
export function applyVariant(base: BaseDocument, assignments: Assignment[], label = '', notices: string[] = []): Scenario {
  const doc = parseDocument(base.source, { uniqueKeys: true });
  if (doc.errors.length > 0) return parseScenario(base.source, base.file, base.options);
  for (const { path, value } of assignments) {
    checkPath(doc, path);
    const systemType = path.length === 2 && path[0] === 'system' && path[1] === 'type';
    const from = String(doc.getIn(['system', 'type']));
    doc.setIn(path, doc.createNode(value));
    if (systemType) {
      try {
        notices.push(...mapOntoSystem(doc, from, String(value)));
      } catch (error) {
        if (error instanceof InputError && label !== '') throw new InputError(`${base.file} [${label}]: ${error.message}`);
        throw error;
      }
    }
  }
  // The `variants:` block stays: it is validated with the rest, and `run` ignores it.
  const file = label === '' ? base.file : `${base.file} [${label}]`;
  return parseScenario(doc.toString(), file, base.options);
}

/** Every variant validated, `sets` first; each notice of a system change goes to `onNotice`. */
export function applyVariants(base: BaseDocument, sets: Assignment[], variants: Variant[], onNotice?: (message: string) => void): Scenario[] {
  return variants.map((v) => {
    const notices: string[] = [];
    const scenario = applyVariant(base, [...sets, ...v.assignments], v.label, notices);
    for (const notice of notices) onNotice?.(`${v.label}: ${notice}\n`);
    return scenario;
  });
}

/**
 * Checks that `path` names a field the schema has, walking the document as it is. Indexes
 * must exist (a variant changes fields, it does not add list entries).
 */
export function checkPath(doc: Document, path: PathKey[]): void {
  const data = doc.toJS() as unknown;
  let value: unknown = data;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const here = path.slice(0, i);
    const where = i === 0 ? 'at the top level' : `in ${formatPath(here)}`;
    if (typeof key === 'number') {
      if (!Array.isArray(value)) throw new InputError(`${formatPath(path)}: ${formatPath(here)} is not a list`);
      if (key >= value.length) {
        throw new InputError(`${formatPath(path)}: ${formatPath(here)} has ${value.length} entr` +
          `${value.length === 1 ? 'y' : 'ies'}, numbered from 0`);
      }
    } else {
      if (Array.isArray(value)) {
        throw new InputError(`${formatPath(path)}: ${formatPath(here)} is a list; index it, like ${formatPath(here)}[0]`);
      }
      const known = schemaKeysAt(ScenarioSchema, here, data);
      if (known.length > 0 && !known.includes(key)) {
        const guess = closest(key, known);
        throw new InputError(`${formatPath(path)}: no field "${key}" ${where}` +
          `${guess === null ? '' : `; did you mean "${guess}"?`} (fields: ${known.join(', ')})`);
      }
      if (known.length === 0 && i > 0 && !isRecordPath(here)) {
        throw new InputError(`${formatPath(path)}: ${formatPath(here)} has no fields`);
      }
    }
    value = value !== null && typeof value === 'object' ? (value as Record<PathKey, unknown>)[key] : undefined;
  }
}

/** Maps with free keys (`expect`) take any key. */
function isRecordPath(path: PathKey[]): boolean {
  return path.length === 1 && path[0] === 'expect';
}

/** Reads a scenario file as the base of variants (the same errors as `loadScenario`). */
export function readBase(file: string, options: LoadOptions = {}): BaseDocument {
  return { source: readScenarioFile(file), file, options: { ...options, baseDir: dirname(file) } };
}
