/**
 * The producer's partition choice (docs/semantics.md, log): a keyed record goes where Kafka's
 * built-in partitioner puts it (murmur2 of the UTF-8 key); a record without a key goes to the
 * uniform sticky partition (KIP-794), which switches after `batch.size` bytes to a partition
 * drawn from the producer's own seeded stream, or round-robin per record as an option.
 *
 * Adaptive weighting by broker queue sizes is not modelled (no broker queues here): the next
 * sticky partition is uniform over all partitions, as Kafka's choice is without queue stats.
 */
import type { Random } from '../../sim/rng.js';
import { partitionForKey } from './murmur2.js';

export type NullKeyPartitioner = 'sticky' | 'round-robin';
export const NULL_KEY_PARTITIONERS: readonly NullKeyPartitioner[] = ['sticky', 'round-robin'];

/** Caches the partition of each key of a topic: the hash runs once per distinct key. */
export class KeyPartitionCache {
  private readonly cache: Int32Array;

  constructor(
    keyCount: number,
    private partitions: number,
    private readonly keyName: (key: number) => string | null,
  ) {
    this.cache = new Int32Array(keyCount).fill(-1);
  }

  /** The topic grew: most keys now map elsewhere (hash mod the new count). */
  resize(partitions: number): void {
    if (partitions === this.partitions) return;
    this.partitions = partitions;
    this.cache.fill(-1);
  }

  partitionOf(key: number): number {
    let p = this.cache[key];
    if (p < 0) {
      p = partitionForKey(this.keyName(key)!, this.partitions);
      this.cache[key] = p;
    }
    return p;
  }
}

export class Partitioner {
  private current = -1;
  private stickyBytes = 0;
  private nextRoundRobin = 0;

  constructor(
    private readonly keys: KeyPartitionCache,
    private partitions: number,
    private readonly nullKeys: NullKeyPartitioner,
    /** batch.size in bytes. */
    private readonly batchSize: number,
    private readonly random: Random,
  ) {}

  /** The topic grew to `partitions`: keyed records remap, null keys spread over all of them. */
  resize(partitions: number): void {
    this.partitions = partitions;
    this.keys.resize(partitions);
  }

  /** The partition for a record with key `key` (NO_KEY = −1 for none) of `sizeBytes`. */
  choose(key: number, sizeBytes: number): number {
    if (key >= 0) return this.keys.partitionOf(key);
    if (this.nullKeys === 'round-robin') {
      const p = this.nextRoundRobin;
      this.nextRoundRobin = (p + 1) % this.partitions;
      return p;
    }
    if (this.current < 0 || this.stickyBytes >= this.batchSize) {
      this.current = Math.floor(this.random() * this.partitions);
      this.stickyBytes = 0;
    }
    this.stickyBytes += sizeBytes;
    return this.current;
  }
}
