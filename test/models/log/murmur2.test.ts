/** murmur2 against Kafka's own vectors (UtilsTest.testMurmur2) and the key → partition map. */
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from '../../../src/models/log/murmur2.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('murmur2', () => {
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['abc', 479470107],
    ['a-little-bit-long-string', -985981536],
  ])('"%s" hashes to %d, as in Kafka UtilsTest', (key, hash) => {
    expect(murmur2(utf8(key))).toBe(hash);
  });

  it('toPositive clears the sign bit instead of taking the absolute value', () => {
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(toPositive(-973932308)).not.toBe(973932308);
    expect(toPositive(-2147483648)).toBe(0);
  });
});

describe('partitionForKey', () => {
  it('is (murmur2 & 0x7fffffff) mod N', () => {
    // -973932308 & 0x7fffffff = 1173551340; mod 6 = 0, mod 7 = 5.
    expect(partitionForKey('21', 6)).toBe(1173551340 % 6);
    expect(partitionForKey('21', 7)).toBe(1173551340 % 7);
    // 479470107 mod 10 = 7.
    expect(partitionForKey('abc', 10)).toBe(7);
  });

  it('hashes the UTF-8 bytes of non-ASCII keys', () => {
    expect(partitionForKey('é', 1000)).toBe(toPositive(murmur2(new Uint8Array([0xc3, 0xa9]))) % 1000);
  });
});
