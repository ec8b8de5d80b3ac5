/**
 * Kafka's 32-bit MurmurHash2 (`Utils.murmur2`) and the keyed partition choice built on it
 * (`BuiltInPartitioner.partitionForKey`), so a key lands in the partition a real Kafka producer
 * would choose. All arithmetic is 32-bit: `Math.imul`, never floating-point multiplication.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's murmur2 of `data`, as a signed 32-bit integer (Java's int). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The 1–3 byte tail, mixed as Java's fall-through switch does.
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

const utf8 = new TextEncoder();

/** The partition of a string key: `toPositive(murmur2(UTF-8 bytes)) % partitions`. */
export function partitionForKey(key: string, partitions: number): number {
  return toPositive(murmur2(utf8.encode(key))) % partitions;
}
