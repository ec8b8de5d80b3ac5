/**
 * Distributions: the samplers and their analytic means and quantiles.
 *
 * Values carry units: durations (ms) or byte sizes. Every sampler draws from the Random it is
 * given and allocates nothing, and every sample is >= 0. Scenario text such as `exp(20ms)`
 * becomes one of these in src/scenarios/distribution-text.ts.
 *
 * Normals are truncated at 0 (a negative service time is meaningless) and sampled exactly by
 * inverting the CDF of the truncated distribution: one uniform per sample, no rejection loop, and
 * the reported mean is the mean of the truncated distribution.
 *
 * Every draw is finite and at most 1000 years (MAX_DRAW_MS): scenario parameters whose 99th
 * percentile lies beyond that are refused, and the rare draw of a long tail past it is clamped.
 */
import type { Random } from './rng.js';

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

/**
 * The longest draw: 1000 years (of 365 days) in ms. The far tails of exp, normal, lognormal
 * and pareto would otherwise reach Infinity, which no clock can schedule.
 */
export const MAX_DRAW_MS = 1000 * 365 * 86_400_000;
const CAP = MAX_DRAW_MS;

// ---------------------------------------------------------------------------------------------
// The distributions

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
}

export class ConstDistribution implements Distribution {
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

export class ExpDistribution implements Distribution {
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

export class UniformDistribution implements Distribution {
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
export class TruncatedNormalDistribution implements Distribution {
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

export class LognormalDistribution implements Distribution {
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
export class ParetoDistribution implements Distribution {
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
export class EmpiricalDistribution implements Distribution {
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
