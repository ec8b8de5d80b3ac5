/**
 * Distributions: parsed from scenario text like `exp(20ms)`, sampled from a seeded stream.
 *
 * Owns the distribution syntax, its error messages, the analytic means and quantiles, and fast
 * samplers. Values carry units: durations (ms) by default, or byte sizes. Every sampler draws
 * from the Random it is given and allocates nothing, and every sample is >= 0.
 *
 * Normals are truncated at 0 (a negative service time is meaningless) and sampled exactly by
 * inverting the CDF of the truncated distribution: one uniform per sample, no rejection loop, and
 * the reported mean is the mean of the truncated distribution.
 *
 * Every draw is finite and at most 1000 years (MAX_DURATION_MS): parameters whose 99th
 * percentile lies beyond that are refused, and the rare draw of a long tail past it is clamped.
 *
 * `empirical(file=...)` reads a CSV file (through csv.ts, the one place src/sim touches the file
 * system); it happens here so that a distribution is always built from its text in one call.
 */
import { CsvError, readCsv as readCsvFile } from './csv.js';
import type { Random } from './rng.js';
import { formatBytes, formatDuration, MAX_DURATION_MS, parseBytes, parseDuration, ParseError } from './units.js';
import { editDistance } from './suggest.js';

export type DistributionKind =
  | 'const'
  | 'exp'
  | 'uniform'
  | 'normal'
  | 'lognormal'
  | 'pareto'
  | 'empirical';

export interface Distribution {
  readonly kind: DistributionKind;
  /** Analytic mean in the distribution's unit (ms or bytes); Infinity where it diverges. */
  readonly mean: number;
  /** Canonical text, e.g. "exp(20ms)". */
  readonly text: string;
  /** One draw, >= 0. Allocates nothing. */
  sample(random: Random): number;
  /** Inverse CDF, where known in closed form. */
  quantile?(p: number): number;
}

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

/**
 * Every draw is at most this (1000 years in ms): the far tails of exp, normal, lognormal and
 * pareto would otherwise reach Infinity, which no clock can schedule.
 */
const CAP = MAX_DURATION_MS;

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
  const name = match[1];
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
  const forms = 'lognormal(mean=20ms, p99=200ms) or lognormal(mu=3, sigma=0.5)';
  const keys = context.call.args.map((arg) => arg.key);
  if (keys.includes(undefined)) throw context.error(`lognormal takes named parameters: ${forms}`);
  const byShape = keys.includes('mu') || keys.includes('sigma');
  if (byShape && (keys.includes('mean') || keys.includes('p99'))) {
    throw context.error(`lognormal takes either mean and p99, or mu and sigma: ${forms}`);
  }
  return byShape ? lognormalFromShape(context, forms) : lognormalFromMean(context, forms);
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

// ---------------------------------------------------------------------------------------------
// The distributions

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
}

class ConstDistribution implements Distribution {
  readonly kind = 'const';

  constructor(
    readonly text: string,
    readonly mean: number,
  ) {}

  sample(): number {
    return this.mean;
  }

  quantile(p: number): number {
    checkProbability(p);
    return this.mean;
  }
}

class ExpDistribution implements Distribution {
  readonly kind = 'exp';

  constructor(
    readonly text: string,
    readonly mean: number,
  ) {}

  sample(random: Random): number {
    // 1 − U is in (0, 1], so the logarithm is finite.
    return Math.min(-this.mean * Math.log(1 - random()), CAP);
  }

  quantile(p: number): number {
    checkProbability(p);
    return -this.mean * Math.log(1 - p);
  }
}

class UniformDistribution implements Distribution {
  readonly kind = 'uniform';
  readonly mean: number;
  private readonly width: number;

  constructor(
    readonly text: string,
    private readonly min: number,
    max: number,
  ) {
    this.mean = (min + max) / 2;
    this.width = max - min;
  }

  sample(random: Random): number {
    return this.min + this.width * random();
  }

  quantile(p: number): number {
    checkProbability(p);
    return this.min + this.width * p;
  }
}

/** Normal(mu, sd) conditioned on being >= 0, sampled by inverting its CDF. */
class TruncatedNormalDistribution implements Distribution {
  readonly kind = 'normal';
  readonly mean: number;
  // The truncated CDF maps [0, ∞) onto [lower, 1) of the untruncated one.
  private readonly lower: number;
  private readonly span: number;

  constructor(
    readonly text: string,
    private readonly mu: number,
    private readonly sd: number,
  ) {
    const alpha = -mu / sd;
    this.lower = normalCdf(alpha);
    this.span = 1 - this.lower;
    // Mean of a normal truncated below at 0: mu + sd·φ(α)/(1 − Φ(α)), with 1 − Φ(α) = Φ(−α).
    this.mean = mu + (sd * normalPdf(alpha)) / normalCdf(-alpha);
  }

  sample(random: Random): number {
    return Math.min(this.at(this.lower + this.span * random()), CAP);
  }

  quantile(p: number): number {
    checkProbability(p);
    return this.at(this.lower + this.span * p);
  }

  private at(u: number): number {
    const x = this.mu + this.sd * normalQuantile(u);
    // Rounding can land a hair below 0 at the truncation point.
    return x > 0 ? x : 0;
  }
}

class LognormalDistribution implements Distribution {
  readonly kind = 'lognormal';
  readonly mean: number;

  constructor(
    readonly text: string,
    private readonly mu: number,
    private readonly sigma: number,
  ) {
    this.mean = Math.exp(mu + (sigma * sigma) / 2);
  }

  sample(random: Random): number {
    return Math.min(Math.exp(this.mu + this.sigma * normalQuantile(random())), CAP);
  }

  quantile(p: number): number {
    checkProbability(p);
    return Math.exp(this.mu + this.sigma * normalQuantile(p));
  }
}

/** Pareto type I: P(X > x) = (scale/x)^shape for x >= scale. */
class ParetoDistribution implements Distribution {
  readonly kind = 'pareto';
  readonly mean: number;
  private readonly exponent: number;

  constructor(
    readonly text: string,
    private readonly scale: number,
    shape: number,
  ) {
    this.mean = shape > 1 ? (shape * scale) / (shape - 1) : Infinity;
    this.exponent = -1 / shape;
  }

  sample(random: Random): number {
    return Math.min(this.scale * Math.pow(1 - random(), this.exponent), CAP);
  }

  quantile(p: number): number {
    checkProbability(p);
    return this.scale * Math.pow(1 - p, this.exponent);
  }
}

/** Uniform choice among the given values. */
class EmpiricalDistribution implements Distribution {
  readonly kind = 'empirical';
  readonly mean: number;
  private readonly values: Float64Array;
  private readonly sorted: Float64Array;

  constructor(
    readonly text: string,
    values: number[],
  ) {
    this.values = Float64Array.from(values);
    this.sorted = Float64Array.from(values).sort();
    let sum = 0;
    for (const value of values) sum += value;
    this.mean = sum / values.length;
  }

  sample(random: Random): number {
    return this.values[Math.floor(random() * this.values.length)];
  }

  /** The smallest value v with P(X <= v) >= p. */
  quantile(p: number): number {
    checkProbability(p);
    const n = this.sorted.length;
    return this.sorted[Math.max(0, Math.ceil(p * n) - 1)];
  }
}

// ---------------------------------------------------------------------------------------------
// Standard normal functions

const SQRT_2PI = 2.5066282746310002;

function normalPdf(x: number): number {
  return Math.exp((-x * x) / 2) / SQRT_2PI;
}

/**
 * Standard normal CDF, Hart (1968) as given by West, "Better approximations to cumulative
 * normal functions" (2005): absolute error below 1e-15. Only used when building distributions.
 */
function normalCdf(x: number): number {
  const z = Math.abs(x);
  let tail: number;
  if (z > 37) {
    tail = 0;
  } else if (z < 7.07106781186547) {
    const e = Math.exp((-z * z) / 2);
    const n =
      ((((((0.0352624965998911 * z + 0.700383064443688) * z + 6.37396220353165) * z +
        33.912866078383) * z + 112.079291497871) * z + 221.213596169931) * z + 220.206867912376);
    const d =
      (((((((0.0883883476483184 * z + 1.75566716318264) * z + 16.064177579207) * z +
        86.7807322029461) * z + 296.564248779674) * z + 637.333633378831) * z +
        793.826512519948) * z + 440.413735824752);
    tail = (e * n) / d;
  } else {
    const e = Math.exp((-z * z) / 2);
    const fraction = z + 1 / (z + 2 / (z + 3 / (z + 4 / (z + 0.65))));
    tail = e / fraction / SQRT_2PI;
  }
  return x > 0 ? 1 - tail : tail;
}

/**
 * Standard normal inverse CDF: Wichura's AS 241 (PPND16), relative error about 1e-16. Exact
 * enough that inverse-CDF sampling is as good as the uniform it is fed.
 */
function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * centralNumerator(r)) / centralDenominator(r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = nearTailNumerator(r) / nearTailDenominator(r);
  } else {
    r -= 5;
    x = farTailNumerator(r) / farTailDenominator(r);
  }
  return q < 0 ? -x : x;
}

function centralNumerator(r: number): number {
  return (((((((2509.0809287301226727 * r + 33430.575583588128105) * r +
    67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r +
    1971.5909503065514427) * r + 133.14166789178437745) * r + 3.387132872796366608);
}

function centralDenominator(r: number): number {
  return (((((((5226.495278852854561 * r + 28729.085735721942674) * r +
    39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r +
    687.1870074920579083) * r + 42.313330701600911252) * r + 1);
}

function nearTailNumerator(r: number): number {
  return (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r +
    0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r +
    5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734);
}

function nearTailDenominator(r: number): number {
  return (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r +
    0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r +
    1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
}

function farTailNumerator(r: number): number {
  return (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
    0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r +
    1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772);
}

function farTailDenominator(r: number): number {
  return (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r +
    1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
    0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
}
