/**
 * Distribution text: `exp(20ms)` or `lognormal(mean=20ms, p99=200ms)` parsed into a sampler.
 *
 * Owns the distribution syntax and its error messages. `empirical(file=...)` reads a CSV file
 * here so that a distribution is always built from its text in one call.
 */
import { CsvError, readCsv as readCsvFile } from './csv.js';
import {
  ConstDistribution,
  EmpiricalDistribution,
  ExpDistribution,
  LognormalDistribution,
  ParetoDistribution,
  TruncatedNormalDistribution,
  UniformDistribution,
  type Distribution,
  type DistributionKind,
} from '../sim/distributions.js';
import { formatBytes, formatDuration, MAX_DURATION_MS, parseBytes, parseDuration, ParseError } from './units.js';
import { editDistance } from './suggest.js';

export interface DistributionOptions {
  /** What the values measure: 'duration' (ms, the default) or 'bytes'. */
  unit?: 'duration' | 'bytes';
  /** Directory that `empirical(file=...)` paths are relative to; defaults to the cwd. */
  baseDir?: string;
}

const KINDS: readonly DistributionKind[] = [
  'const',
  'exp',
  'uniform',
  'normal',
  'lognormal',
  'pareto',
  'empirical',
];

/** The 0.99 quantile of the standard normal. */
const Z99 = 2.326347874040841;
/** The 0.90 quantile of the standard normal. */
const Z90 = 1.2815515655446004;

/** Other names users write for a distribution: `exponential(20ms)` is `exp(20ms)`. */
const ALIASES: Readonly<Record<string, DistributionKind>> = { exponential: 'exp' };

/** Parses distribution text such as `exp(20ms)` or `lognormal(mean=20ms, p99=200ms)`. */
export function parseDistribution(text: string, opts: DistributionOptions = {}): Distribution {
  const call = parseCall(text);
  const context = new Context(text, call, opts);
  const distribution = BUILDERS[call.name as DistributionKind](context);
  // Parameters that put the bulk of the draws past the cap (lognormal(mu=1000, …), a pareto
  // with shape 0.0001) describe no real system: refuse them rather than clamp most draws.
  const p99 = distribution.quantile?.(0.99) ?? distribution.mean;
  if (context.unit === 'duration' && !(p99 <= MAX_DURATION_MS)) {
    throw context.error(
      `its 99th percentile is ${Number.isFinite(p99) ? `${p99.toExponential(2)} ms` : 'infinite'}, ` +
        'longer than 1000 years; choose parameters with a shorter tail',
    );
  }
  return distribution;
}

// ---------------------------------------------------------------------------------------------
// Syntax: name(arg, arg, key=value)

interface Argument {
  readonly key: string | undefined;
  readonly value: string;
}

interface Call {
  readonly name: string;
  readonly args: readonly Argument[];
}

const CALL = /^\s*([A-Za-z_][\w-]*)\s*\((.*)\)\s*$/s;

/** The syntax of a distribution, a known name and its arguments, as a JSON Schema pattern. */
export const DISTRIBUTION_PATTERN = String.raw`^\s*(?:${[...KINDS, ...Object.keys(ALIASES)].join('|')})\s*\([\s\S]*\)\s*$`;
const NAMED_ARGUMENT = /^([A-Za-z_]\w*)\s*=\s*(.*)$/s;
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function parseCall(text: string): Call {
  const match = CALL.exec(text);
  if (!match) {
    throw new ParseError(
      `${JSON.stringify(text)} is not a distribution: expected name(arguments), like exp(20ms), ` +
        `uniform(1ms, 5ms) or lognormal(mean=20ms, p99=200ms)`,
    );
  }
  const name = ALIASES[match[1]] ?? match[1];
  if (!(KINDS as readonly string[]).includes(name)) throw unknownName(text, name);
  const body = match[2].trim();
  const args = body === '' ? [] : splitArguments(body).map((part) => parseArgument(text, part));
  return { name, args };
}

function unknownName(text: string, name: string): ParseError {
  const closest = closestKind(name);
  const hint = closest === undefined ? '' : ` did you mean ${closest}?`;
  return new ParseError(
    `${JSON.stringify(text)}: unknown distribution "${name}";${hint} ` +
      `Valid distributions: ${KINDS.join(', ')}`,
  );
}

// Commas inside quotes belong to the value (a file name may contain one).
function splitArguments(body: string): string[] {
  const parts: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (quote !== '') {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === ',') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.map((part) => part.trim());
}

function parseArgument(text: string, part: string): Argument {
  if (part === '') throw new ParseError(`${JSON.stringify(text)}: an argument is empty`);
  const named = NAMED_ARGUMENT.exec(part);
  if (named) return { key: named[1], value: unquote(named[2].trim()) };
  return { key: undefined, value: unquote(part) };
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/s.exec(value);
  return quoted ? quoted[2] : value;
}

/** The valid name nearest to a misspelt one, if any is plausibly meant. */
function closestKind(name: string): DistributionKind | undefined {
  const lower = name.toLowerCase();
  let best: DistributionKind | undefined;
  let bestDistance = Infinity;
  for (const kind of KINDS) {
    const distance = editDistance(lower, kind);
    const related = lower.startsWith(kind) || (lower.length >= 2 && kind.startsWith(lower));
    if ((distance <= 2 || related) && distance < bestDistance) {
      best = kind;
      bestDistance = distance;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Binding arguments to parameters, with the error messages users see

class Context {
  readonly unit: 'duration' | 'bytes';

  constructor(
    readonly text: string,
    readonly call: Call,
    readonly opts: DistributionOptions,
  ) {
    this.unit = opts.unit ?? 'duration';
  }

  error(problem: string): ParseError {
    return new ParseError(`${JSON.stringify(this.text)}: ${problem}`);
  }

  /** Assigns positional arguments in order and named ones by name. */
  bind(params: readonly string[], example: string): Map<string, string> {
    const bound = new Map<string, string>();
    let position = 0;
    for (const { key, value } of this.call.args) {
      const param = key ?? params[position++];
      if (param === undefined) {
        throw this.error(
          `${this.call.name} takes ${params.length} argument${params.length === 1 ? '' : 's'} ` +
            `(${params.join(', ')}), like ${example}`,
        );
      }
      if (!params.includes(param)) {
        throw this.error(
          `${this.call.name} has no parameter "${param}"; its parameters are ` +
            `${params.join(', ')}, like ${example}`,
        );
      }
      if (bound.has(param)) throw this.error(`${param} is given twice`);
      bound.set(param, value);
    }
    return bound;
  }

  required(bound: Map<string, string>, param: string, example: string): string {
    const value = bound.get(param);
    if (value === undefined) throw this.error(`${this.call.name} needs ${param}, like ${example}`);
    return value;
  }

  /** A duration (ms) or a size (bytes), per the unit option. */
  amount(param: string, value: string): number {
    try {
      return this.unit === 'bytes' ? parseBytes(value) : parseDuration(value);
    } catch (error) {
      if (error instanceof ParseError) throw this.error(`${param}: ${error.message}`);
      throw error;
    }
  }

  /** A plain number with no unit (a shape, or mu and sigma of a lognormal). */
  number(param: string, value: string, example: string): number {
    if (!PLAIN_NUMBER.test(value)) {
      throw this.error(`${param} must be a plain number without a unit, like ${example}`);
    }
    return Number(value);
  }

  format(amount: number): string {
    return this.unit === 'bytes' ? formatBytes(amount) : formatDuration(amount);
  }
}

// ---------------------------------------------------------------------------------------------
// Builders: one per kind, each validating its parameters

const BUILDERS: Record<DistributionKind, (context: Context) => Distribution> = {
  const: buildConst,
  exp: buildExp,
  uniform: buildUniform,
  normal: buildNormal,
  lognormal: buildLognormal,
  pareto: buildPareto,
  empirical: buildEmpirical,
};

function buildConst(context: Context): Distribution {
  const example = 'const(5ms)';
  const bound = context.bind(['value'], example);
  const value = context.amount('value', context.required(bound, 'value', example));
  return new ConstDistribution(`const(${context.format(value)})`, value);
}

function buildExp(context: Context): Distribution {
  const example = 'exp(20ms)';
  const bound = context.bind(['mean'], example);
  const mean = context.amount('mean', context.required(bound, 'mean', example));
  if (!(mean > 0)) throw context.error('the mean of exp must be above 0 (for none, use const(0))');
  return new ExpDistribution(`exp(${context.format(mean)})`, mean);
}

function buildUniform(context: Context): Distribution {
  const example = 'uniform(1ms, 5ms)';
  const bound = context.bind(['min', 'max'], example);
  const min = context.amount('min', context.required(bound, 'min', example));
  const max = context.amount('max', context.required(bound, 'max', example));
  if (min > max) {
    throw context.error(
      `min (${context.format(min)}) must not be above max (${context.format(max)})`,
    );
  }
  const text = `uniform(${context.format(min)}, ${context.format(max)})`;
  return new UniformDistribution(text, min, max);
}

function buildNormal(context: Context): Distribution {
  const example = 'normal(mean=20ms, sd=5ms)';
  const bound = context.bind(['mean', 'sd'], example);
  const mean = context.amount('mean', context.required(bound, 'mean', example));
  const sd = context.amount('sd', context.required(bound, 'sd', example));
  if (!(sd > 0)) {
    const fixed = `const(${context.format(mean)})`;
    throw context.error(`sd must be above 0 (for a fixed value, use ${fixed})`);
  }
  const text = `normal(mean=${context.format(mean)}, sd=${context.format(sd)})`;
  return new TruncatedNormalDistribution(text, mean, sd);
}

function buildLognormal(context: Context): Distribution {
  const forms =
    'lognormal(mean=20ms, p99=200ms), lognormal(p50=15ms, p99=200ms), lognormal(p50=15ms, p90=60ms) ' +
    'or lognormal(mu=3, sigma=0.5)';
  const keys = context.call.args.map((arg) => arg.key);
  if (keys.includes(undefined)) throw context.error(`lognormal takes named parameters: ${forms}`);
  const byShape = keys.includes('mu') || keys.includes('sigma');
  const byMedian = keys.includes('p50');
  if ((byShape && keys.some((k) => k !== 'mu' && k !== 'sigma')) || (byMedian && keys.includes('mean'))) {
    throw context.error(`lognormal takes one of these forms: ${forms}`);
  }
  if (byShape) return lognormalFromShape(context, forms);
  return byMedian ? lognormalFromMedian(context, forms) : lognormalFromMean(context, forms);
}

/** From the median and one upper percentile: mu = ln(p50), sigma = ln(pq / p50) / z_q. */
function lognormalFromMedian(context: Context, forms: string): Distribution {
  const upper = context.call.args.some((arg) => arg.key === 'p90') ? 'p90' : 'p99';
  const bound = context.bind(['p50', upper], forms);
  const example = `lognormal(p50=15ms, ${upper}=${upper === 'p90' ? '60ms' : '200ms'})`;
  const p50 = context.amount('p50', context.required(bound, 'p50', example));
  const pq = context.amount(upper, context.required(bound, upper, example));
  const [p50Text, pqText] = [context.format(p50), context.format(pq)];
  if (!(p50 > 0)) throw context.error('p50 must be above 0');
  if (!(pq > p50)) throw context.error(`${upper} (${pqText}) must be above p50 (${p50Text})`);
  const sigma = Math.log(pq / p50) / (upper === 'p90' ? Z90 : Z99);
  return new LognormalDistribution(`lognormal(p50=${p50Text}, ${upper}=${pqText})`, Math.log(p50), sigma);
}

function lognormalFromShape(context: Context, forms: string): Distribution {
  const bound = context.bind(['mu', 'sigma'], forms);
  const example = 'lognormal(mu=3, sigma=0.5)';
  const mu = context.number('mu', context.required(bound, 'mu', example), example);
  const sigma = context.number('sigma', context.required(bound, 'sigma', example), example);
  if (!(sigma > 0)) throw context.error('sigma must be above 0');
  return new LognormalDistribution(`lognormal(mu=${mu}, sigma=${sigma})`, mu, sigma);
}

function lognormalFromMean(context: Context, forms: string): Distribution {
  const bound = context.bind(['mean', 'p99'], forms);
  const example = 'lognormal(mean=20ms, p99=200ms)';
  const mean = context.amount('mean', context.required(bound, 'mean', example));
  const p99 = context.amount('p99', context.required(bound, 'p99', example));
  const [meanText, p99Text] = [context.format(mean), context.format(p99)];
  if (!(mean > 0)) throw context.error('the mean must be above 0');
  if (!(p99 > mean)) throw context.error(`p99 (${p99Text}) must be above the mean (${meanText})`);
  // ln(p99/mean) = sigma·z − sigma²/2; the smaller root keeps the mean and p99 as given.
  const logRatio = Math.log(p99 / mean);
  const discriminant = Z99 * Z99 - 2 * logRatio;
  if (discriminant < 0) throw infeasibleLognormal(context, p99 / mean);
  const sigma = Z99 - Math.sqrt(discriminant);
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const text = `lognormal(mean=${meanText}, p99=${p99Text})`;
  return new LognormalDistribution(text, mu, sigma);
}

function infeasibleLognormal(context: Context, ratio: number): ParseError {
  const maxRatio = Math.exp((Z99 * Z99) / 2);
  return context.error(
    `no lognormal has this mean and p99: p99/mean is ${round(ratio, 2)}, but a lognormal's ` +
      `p99 is at most ${round(maxRatio, 2)} times its mean (e^(z²/2), z = 2.326 the 0.99 normal ` +
      'quantile); lower the p99, raise the mean, or use pareto(...) for a heavier tail',
  );
}

function buildPareto(context: Context): Distribution {
  const example = 'pareto(scale=10ms, shape=2.5)';
  const bound = context.bind(['scale', 'shape'], example);
  const scale = context.amount('scale', context.required(bound, 'scale', example));
  const shape = context.number('shape', context.required(bound, 'shape', example), example);
  if (!(scale > 0)) throw context.error('scale must be above 0');
  if (!(shape > 0 && shape < Infinity)) throw context.error('shape must be above 0');
  const text = `pareto(scale=${context.format(scale)}, shape=${shape})`;
  return new ParetoDistribution(text, scale, shape);
}

function buildEmpirical(context: Context): Distribution {
  const args = context.call.args;
  const fromFile = args.some((arg) => arg.key === 'file' || arg.key === 'column');
  if (fromFile) return empiricalFromFile(context);
  const example = 'empirical(1ms, 5ms, 7ms) or empirical(file=latency.csv, column=latency_ms)';
  const named = args.find((arg) => arg.key !== undefined);
  if (named !== undefined) {
    throw context.error(`empirical has no parameter "${named.key}"; write ${example}`);
  }
  if (args.length === 0) throw context.error(`empirical needs at least one value, like ${example}`);
  const values = args.map((arg, i) => context.amount(`value ${i + 1}`, arg.value));
  const text = `empirical(${values.map((value) => context.format(value)).join(', ')})`;
  return new EmpiricalDistribution(text, values);
}

function empiricalFromFile(context: Context): Distribution {
  const example = 'empirical(file=latency.csv, column=latency_ms)';
  const bound = context.bind(['file', 'column'], example);
  const file = context.required(bound, 'file', example);
  const column = bound.get('column');
  const values = readColumn(context, file, column);
  const text = `empirical(file=${file}${column === undefined ? '' : `, column=${column}`})`;
  return new EmpiricalDistribution(text, values);
}

function readColumn(context: Context, file: string, column: string | undefined): number[] {
  const rows = readCsv(context, file);
  const header = rows[0];
  if (header === undefined) throw context.error(`${file} is empty; it needs a header row`);
  const index = columnIndex(context, file, header, column);
  const name = header[index];
  if (rows.length < 2) throw context.error(`${file} has no values under "${name}"`);
  return rows.slice(1).map((row, i) => {
    const cell = row[index] ?? '';
    try {
      return parseCell(context.unit, cell);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      throw context.error(`${file}, data row ${i + 1}, column "${name}": ${error.message}`);
    }
  });
}

function readCsv(context: Context, file: string): string[][] {
  try {
    return readCsvFile(file, context.opts.baseDir ?? '.');
  } catch (error) {
    if (error instanceof CsvError) throw context.error(error.message);
    throw error;
  }
}

function columnIndex(context: Context, file: string, header: string[], column?: string): number {
  const columns = header.map((name) => JSON.stringify(name)).join(', ');
  if (column === undefined) {
    if (header.length === 1) return 0;
    throw context.error(
      `${file} has columns ${columns}; say which with column=NAME, like ` +
        `empirical(file=${file}, column=${header[0]})`,
    );
  }
  const index = header.indexOf(column);
  if (index < 0) throw context.error(`${file} has no column "${column}"; its columns: ${columns}`);
  return index;
}

// In a file, a bare number is in the base unit (ms or bytes): exported measurements rarely
// carry units in every cell.
function parseCell(unit: 'duration' | 'bytes', cell: string): number {
  if (unit === 'bytes') return parseBytes(cell);
  if (/^\d+(?:\.\d+)?$/.test(cell)) return Number(cell);
  return parseDuration(cell);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
