/**
 * Seeded random streams: one root seed, one independent named stream per component.
 *
 * Owns every source of randomness in a run. A stream's sequence depends only on the seed and
 * its name (seedrandom's Alea seeded with `${seed}/${name}`), never on which other streams exist
 * or how much they were drawn. That is what gives common random numbers: adding a consumer does
 * not shift a producer's arrivals, so variants of a scenario see the same traffic.
 */
import seedrandom from 'seedrandom';

/** Uniform in [0, 1). */
export type Random = () => number;

export class Rng {
  readonly seed: number;
  private readonly names = new Set<string>();

  constructor(seed: number) {
    // The seed becomes part of each stream's key as text; only integers print unambiguously.
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be a safe integer, got ${String(seed)}`);
    }
    this.seed = seed;
  }

  /** The stream called `name`, e.g. "producer/checkout/arrivals". Each name may be taken once. */
  stream(name: string): Random {
    if (name === '') throw new Error('a random stream needs a non-empty name');
    if (this.names.has(name)) {
      throw new Error(
        `random stream "${name}" was already requested: two components would share one ` +
          'sequence; give each its own name',
      );
    }
    this.names.add(name);
    // Alea is fast, well distributed, and seeds from a string; its function is returned as is
    // so that a draw costs one call.
    return seedrandom.alea(`${this.seed}/${name}`);
  }
}
