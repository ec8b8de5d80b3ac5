/**
 * The latency histogram counts values in HDR's own layout and reads percentiles from those
 * counts with HDR's rule: they must equal those of an HDR histogram that recorded every value
 * itself.
 */
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { countsIndex, LatencyHistogram, valueAtIndex } from '../../src/observe/histogram.js';

await hdr.initWebAssembly();

function reference(): hdr.Histogram {
  return hdr.build({
    useWebAssembly: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

describe('LatencyHistogram', () => {
  it('indexes values as HDR does: exact below 2048 µs, then 1024 sub-buckets per doubling', () => {
    expect(countsIndex(0)).toBe(0);
    expect(countsIndex(2047)).toBe(2047);
    // 2048..4095 step 2: bucket 1 starts at index 2048
    expect(countsIndex(2048)).toBe(2048);
    expect(countsIndex(2049)).toBe(2048);
    expect(countsIndex(2050)).toBe(2049);
    expect(countsIndex(4096)).toBe(3072);
    // 2^32 and beyond (71 minutes in µs): bucket 22, sub-bucket 1024
    expect(countsIndex(2 ** 32)).toBe(23 * 1024);
    expect(countsIndex(2 ** 32 - 1)).toBe(23 * 1024 - 1);
    for (const index of [0, 5, 2047, 2048, 3000, 23 * 1024, 40_000]) {
      expect(countsIndex(valueAtIndex(index))).toBe(index);
    }
  });

  it('gives the percentiles an HDR histogram recording every value gives', () => {
    const mine = new LatencyHistogram();
    const theirs = reference();
    let x = 12345;
    for (let i = 0; i < 50_000; i++) {
      x = (x * 16807) % 2147483647;
      // Latencies from a microsecond to about 3 hours (beyond 2^32 µs), skewed towards small.
      const ms = ((x / 2147483647) ** 6) * 1e7;
      mine.record(ms);
      theirs.recordValue(Math.round(ms * 1000));
    }
    for (const p of PERCENTILES) {
      expect(mine.percentile(p)).toBe(Math.min(theirs.getValueAtPercentile(p) / 1000, mine.maxMs));
    }
    theirs.destroy();
  });

  it('rounds the count at a percentile as HDR does, for every total and percentile', () => {
    // Totals at and around powers of two and percentiles whose product is (almost) whole are
    // where HDR's ulp correction decides which value is reported.
    const ps = [0, 0.1, 1, 12.5, 25, 33.3, 50, 66.6, 75, 87.5, 90, 95, 99, 99.5, 99.9, 99.99, 100];
    for (const total of [1, 2, 3, 7, 8, 9, 10, 100, 127, 128, 129, 1000, 1024, 4096, 4097]) {
      const mine = new LatencyHistogram();
      const theirs = reference();
      for (let i = 0; i < total; i++) {
        const us = (i * 7919) % 5_000_000;
        mine.record(us / 1000);
        theirs.recordValue(us);
      }
      for (const p of ps) {
        expect(mine.percentile(p)).toBe(Math.min(theirs.getValueAtPercentile(p) / 1000, mine.maxMs));
      }
      theirs.destroy();
    }
  });

  it('starts afresh after reset, and keeps filling between queries', () => {
    const h = new LatencyHistogram();
    expect(h.percentile(50)).toBeNull();
    for (const ms of [1, 2, 3, 4]) h.record(ms);
    expect(h.percentile(50)).toBe(2);
    h.record(100);
    h.record(100);
    h.record(100);
    // 7 values: the 50th percentile is the 4th, 4000 µs, which lies in a sub-bucket 2 µs wide
    // (2048..4095 µs): HDR reports its highest equivalent value, 4001 µs. The max is 100 ms.
    expect(h.percentile(50)).toBe(4.001);
    expect(h.percentile(100)).toBe(100);
    h.reset();
    expect(h.percentile(50)).toBeNull();
    h.record(7);
    expect(h.summary()).toMatchObject({ count: 1, p50: 7, p99: 7, max: 7, mean: 7 });
  });

  it('adds another histogram exactly, before and after either has been queried', () => {
    const whole = new LatencyHistogram();
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (const ms of [1, 2, 3]) {
      a.record(ms);
      whole.record(ms);
    }
    expect(a.percentile(50)).toBe(2);
    for (const ms of [10, 20, 30, 40, 5000]) {
      b.record(ms);
      whole.record(ms);
    }
    a.add(b);
    // 8 values 1, 2, 3, 10, 20, 30, 40, 5000 ms: the median is the 4th, 10 ms (within HDR's
    // 0.1% bucket: 10,000 µs lies in a sub-bucket 8 µs wide, reported as its top, 10,007 µs).
    expect(a.summary()).toEqual(whole.summary());
    expect(a.count).toBe(8);
    expect(a.percentile(50)).toBe(10.007);
    expect(a.maxMs).toBe(5000);
  });
});
