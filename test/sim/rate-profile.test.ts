/**
 * RateProfile tests: integrals and their inverse on constant and ramp segments, with answers
 * worked out by hand (slopes are powers of two where possible, so the floating point is exact).
 */
import { describe, expect, it } from 'vitest';
import { RateProfile } from '../../src/sim/rate-profile.js';
import { Rng } from '../../src/sim/rng.js';

describe('constant segments with a gap', () => {
  // 0.5/ms on [0, 100), nothing on [100, 200), 0.25/ms on [200, 300).
  const profile = new RateProfile([
    { startMs: 0, endMs: 100, rateStart: 0.5, rateEnd: 0.5 },
    { startMs: 200, endMs: 300, rateStart: 0.25, rateEnd: 0.25 },
  ]);

  it('knows the rate at each time (segments are half-open)', () => {
    const times = [-1, 0, 99, 100, 150, 200, 299, 300, 1e9];
    expect(times.map((t) => profile.rateAt(t))).toEqual([0, 0.5, 0.5, 0, 0, 0.25, 0.25, 0, 0]);
    expect(profile.endMs).toBe(300);
  });

  it('integrates across segments and the gap', () => {
    expect(profile.integral(10, 30)).toBe(10);
    expect(profile.integral(50, 250)).toBe(37.5);
    expect(profile.integral(-100, 1000)).toBe(75);
    expect(profile.integral(120, 180)).toBe(0);
    expect(profile.integral(40, 40)).toBe(0);
  });

  it('advances by an area, jumping the gap', () => {
    expect(profile.advance(10, 10)).toBe(30);
    expect(profile.advance(90, 5)).toBe(100);
    expect(profile.advance(90, 6)).toBe(204);
    expect(profile.advance(150, 1)).toBe(204);
    expect(profile.advance(-50, 1)).toBe(2);
    expect(profile.advance(250, 12.5)).toBe(300);
    expect(profile.advance(42, 0)).toBe(42);
  });

  it('returns Infinity when the profile never accumulates the area', () => {
    expect(profile.advance(0, 75.5)).toBe(Infinity);
    expect(profile.advance(300, 1)).toBe(Infinity);
    expect(profile.advance(0, Infinity)).toBe(Infinity);
  });
});

describe('ramps', () => {
  // Up from 0 to 2/ms over [0, 64): slope 1/32, rate(t) = t/32, integral(0, t) = t²/64.
  const up = new RateProfile([{ startMs: 0, endMs: 64, rateStart: 0, rateEnd: 2 }]);
  // Down from 2/ms to 0 over [0, 64).
  const down = new RateProfile([{ startMs: 0, endMs: 64, rateStart: 2, rateEnd: 0 }]);

  it('interpolates the rate linearly', () => {
    expect([0, 16, 32, 63].map((t) => up.rateAt(t))).toEqual([0, 0.5, 1, 63 / 32]);
    expect([0, 16, 32].map((t) => down.rateAt(t))).toEqual([2, 1.5, 1]);
  });

  it('integrates the trapezoid', () => {
    expect([up.integral(0, 32), up.integral(32, 64), up.integral(16, 32)]).toEqual([16, 48, 12]);
    expect([down.integral(0, 32), down.integral(32, 64)]).toEqual([48, 16]);
  });

  it('inverts the integral exactly, from the start or from inside', () => {
    expect(up.advance(0, 4)).toBe(16);
    expect(up.advance(0, 16)).toBe(32);
    expect(up.advance(16, 12)).toBe(32);
    expect(up.advance(32, 48)).toBe(64);
    expect(down.advance(0, 48)).toBe(32);
    expect(down.advance(32, 16)).toBe(64);
    expect(down.advance(32, 17)).toBe(Infinity);
  });

  it('gives evenly spaced arrivals on a 0 → 10/s ramp over 10 s: 50, at t_k = √(2k/a)', () => {
    // a = (10/s) / 10 s = 1e-6 per ms², so t_k = √(2k · 1e6) ms and the 50th lands on 10 s.
    const ramp = new RateProfile([{ startMs: 0, endMs: 10_000, rateStart: 0, rateEnd: 0.01 }]);
    const arrivals: number[] = [];
    for (let t = ramp.advance(0, 1); t !== Infinity; t = ramp.advance(t, 1)) arrivals.push(t);
    expect(arrivals).toHaveLength(50);
    arrivals.forEach((t, i) => {
      const exact = Math.sqrt((2 * (i + 1)) / 1e-6);
      expect(Math.abs(t - exact)).toBeLessThanOrEqual(1e-9 * exact);
    });
    expect(arrivals[49]).toBe(10_000);
  });
});

describe('Poisson arrivals', () => {
  it('a constant 100/s over 1000 s gives 100,000 arrivals within 5 SE (√100,000 = 316)', () => {
    // Seeded, so deterministic; 5 SE keeps it meaningful for any seed (see distributions tests).
    const profile = new RateProfile([{ startMs: 0, endMs: 1e6, rateStart: 0.1, rateEnd: 0.1 }]);
    const random = new Rng(7).stream('rate-profile-test/poisson');
    let count = 0;
    for (let t = profile.advance(0, -Math.log(1 - random())); t < Infinity; count++) {
      t = profile.advance(t, -Math.log(1 - random()));
    }
    expect(Math.abs(count - 100_000)).toBeLessThanOrEqual(5 * Math.sqrt(100_000));
  });
});

describe('lookup', () => {
  it('agrees with the definition for times in any order (cursor and binary search)', () => {
    const random = new Rng(11).stream('rate-profile-test/lookup');
    const segments = Array.from({ length: 100 }, (_, i) => ({
      startMs: i * 10,
      endMs: i * 10 + (i % 3 === 0 ? 5 : 10), // every third segment leaves a gap
      rateStart: random(),
      rateEnd: random(),
    }));
    const profile = new RateProfile(segments);
    for (let k = 0; k < 2000; k++) {
      const t = random() * 1100 - 50;
      const segment = segments.find((s) => s.startMs <= t && t < s.endMs);
      const expected = segment
        ? segment.rateStart +
          ((segment.rateEnd - segment.rateStart) * (t - segment.startMs)) /
            (segment.endMs - segment.startMs)
        : 0;
      expect(profile.rateAt(t)).toBeCloseTo(expected, 12);
      const area = random() * 20;
      const next = profile.advance(t, area);
      if (next < Infinity) expect(profile.integral(t, next)).toBeCloseTo(area, 9);
      else expect(profile.integral(t, Infinity)).toBeLessThan(area);
    }
  });
});

describe('validation', () => {
  const segment = { startMs: 0, endMs: 10, rateStart: 1, rateEnd: 1 };

  it('accepts no segments: the rate is 0 everywhere', () => {
    const empty = new RateProfile([]);
    expect([empty.endMs, empty.rateAt(5), empty.integral(0, 10), empty.advance(0, 1)]).toEqual([
      0, 0, 0, Infinity,
    ]);
  });

  it('rejects overlapping, unsorted, empty or negative segments', () => {
    expect(() => new RateProfile([segment, { ...segment, startMs: 5, endMs: 20 }])).toThrow(
      'rate segment 1 [5, 20): starts before the previous segment ends (10); segments must be ' +
        'sorted and must not overlap',
    );
    expect(() => new RateProfile([{ ...segment, endMs: 0 }])).toThrow(
      'rate segment 0 [0, 0): needs finite times with startMs < endMs',
    );
    expect(() => new RateProfile([{ ...segment, rateEnd: -1 }])).toThrow(
      'rate segment 0 [0, 10): rates must be finite and >= 0, got 1, -1',
    );
    expect(() => new RateProfile([{ ...segment, endMs: Infinity }])).toThrow(RangeError);
  });

  it('rejects a negative area, a NaN time and a backwards interval', () => {
    const profile = new RateProfile([segment]);
    expect(() => profile.advance(0, -1)).toThrow('advance: area must be >= 0, got -1');
    expect(() => profile.advance(NaN, 1)).toThrow('advance: time is NaN');
    expect(() => profile.integral(5, 1)).toThrow('integral: t1 (1) must be >= t0 (5)');
  });
});
