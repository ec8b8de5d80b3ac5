/** The producer's partition choice: keyed (murmur2), sticky by batch.size, round-robin. */
import { describe, expect, it } from 'vitest';
import { KeyPartitionCache, Partitioner } from '../../../src/models/log/partitioner.js';
import { partitionForKey } from '../../../src/models/log/murmur2.js';
import { Rng } from '../../../src/sim/rng.js';

const names = ['21', 'foobar', 'abc', 'a-little-bit-long-string'];
const cache = (partitions: number) => new KeyPartitionCache(names.length, partitions, (k) => names[k]);

describe('Partitioner', () => {
  it('sends a keyed record where Kafka would: murmur2 of the key, whatever the null-key mode', () => {
    const p = new Partitioner(cache(10), 10, 'sticky', 16_384, new Rng(1).stream('x'));
    expect(names.map((_, k) => p.choose(k, 1024))).toEqual(names.map((n) => partitionForKey(n, 10)));
    expect(p.choose(2, 1024)).toBe(7); // "abc": 479470107 mod 10
  });

  it('sticky: a partition keeps null-key records until batch.size bytes, then a seeded draw', () => {
    const random = new Rng(7).stream('producer/p/partitioner');
    const p = new Partitioner(cache(6), 6, 'sticky', 16_384, random);
    const chosen = Array.from({ length: 64 }, () => p.choose(-1, 1024));
    // 16 records of 1 KB fill 16 KB: the partition can change only every 16 records.
    for (let i = 0; i < 64; i++) expect(chosen[i]).toBe(chosen[i - (i % 16)]);
    const again = new Partitioner(cache(6), 6, 'sticky', 16_384, new Rng(7).stream('producer/p/partitioner'));
    expect(Array.from({ length: 64 }, () => again.choose(-1, 1024))).toEqual(chosen);
    expect(new Set(chosen).size).toBeGreaterThan(1);
  });

  it('round-robin: one null-key record per partition in turn', () => {
    const p = new Partitioner(cache(3), 3, 'round-robin', 16_384, new Rng(1).stream('x'));
    expect(Array.from({ length: 7 }, () => p.choose(-1, 100))).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });
});

describe('a partition-count increase', () => {
  it('remaps keys to murmur2 mod the new count', () => {
    const p = new Partitioner(cache(2), 2, 'sticky', 16_384, new Rng(1).stream('x'));
    expect(names.map((_, k) => p.choose(k, 1))).toEqual(names.map((n) => partitionForKey(n, 2)));
    p.resize(7);
    expect(names.map((_, k) => p.choose(k, 1))).toEqual(names.map((n) => partitionForKey(n, 7)));
  });
});
