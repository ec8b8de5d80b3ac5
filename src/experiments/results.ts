/**
 * The contract between experiments and reports: the plain-JSON results of `compare` and
 * `sweep` (`compare.json`, `sweep.json`). Reports read these types and nothing else from
 * experiments, so neither side imports the other's code. Fields may be added, never renamed:
 * scripts read these files.
 */
import type { Estimate } from './stats.js';
import type { MmcPrediction } from './theory.js';
import type { SeriesDigest } from './runner.js';

export type { Estimate, MmcPrediction, SeriesDigest };
export { PREDICTED_FIGURES } from './theory.js';

export interface VariantOutcome {
  label: string;
  /** `path` as written (`consumers[0].delivery`) → value. */
  settings: Record<string, unknown>;
  systemType: string;
  /** Figure name → mean and 95% interval over seeds. */
  figures: Record<string, Estimate>;
  /** Figure name → value per seed, in seed order. */
  perSeed: Record<string, (number | null)[]>;
  /** Seeds on which every expectation held. */
  seedsPassing: number;
  /** Per expectation: on how many seeds it held. */
  expectations: { expr: string; passing: number }[];
  /** The first seed's series, for the overlay chart. */
  series: SeriesDigest;
}

export interface CompareResult {
  kind: 'compare';
  queuesim: string;
  scenario: string;
  description: string;
  seeds: number[];
  /** Figure names in display order. */
  figureNames: string[];
  variants: VariantOutcome[];
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface SloLine {
  expr: string;
  /** The figure it reads (`g.p99LatencyMs`, `rejected`), or null for one the figures lack. */
  figure: string | null;
  op: string;
  value: number;
}

export interface SweepPoint {
  index: number;
  label: string;
  /** One value per parameter, in `params` order. */
  values: unknown[];
  /** Σ instances over consumer groups; an autoscaled group counts its `autoscale.max`. */
  instances: number;
  /** Σ instances × concurrency over consumer groups, counted as `instances` is. */
  handlers: number;
  /**
   * The smallest relative margin of any SLO figure to its threshold, on the seeds the verdict
   * needs; negative when one misses it, null when no SLO line has a margin (`== 0` lines are
   * only met or not).
   */
  margin: number | null;
  /** The busiest group's mean utilisation. */
  utilisation: number | null;
  figures: Record<string, Estimate>;
  perSeed: Record<string, (number | null)[]>;
  /** Per SLO line: on how many seeds it held. */
  slo: { expr: string; passing: number }[];
  seedsPassing: number;
  pass: boolean;
  /** Erlang C, when the point has the M/M/c shape. */
  theory: MmcPrediction | null;
}

export interface SweepResult {
  kind: 'sweep';
  queuesim: string;
  scenario: string;
  description: string;
  /** Identifies the grid, seeds and scenario: shards and resumed runs must share it. */
  fingerprint: string;
  params: { path: string; values: unknown[] }[];
  settings: Record<string, unknown>;
  seeds: number[];
  quantile: number;
  /** `--headroom`: the margin the recommended point keeps to every SLO threshold. */
  headroom: number;
  /** Grid size; `points` holds all of them, or a shard's slice. */
  gridSize: number;
  shard?: Shard;
  slo: SloLine[];
  figureNames: string[];
  points: SweepPoint[];
  recommendation: Recommendation | null;
}

export interface Recommendation {
  index: number;
  label: string;
  by: 'cost' | 'handlers';
  /** The next point in the same ranking that also keeps the headroom, if any. */
  runnerUp: { index: number; label: string } | null;
}
