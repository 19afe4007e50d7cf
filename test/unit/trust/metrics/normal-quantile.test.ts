import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from '../../../../src/trust/metrics/chi-square-survival.js';
import { normalUpperQuantile } from '../../../../src/trust/metrics/normal-quantile.js';
import { samplingMultiplier, samplingThreshold } from '../../../../src/trust/metrics/expected-sampling-error.js';

describe('normalUpperQuantile', () => {
  it('matches Python', () => {
    // -statistics.NormalDist().inv_cdf(tail) (Wichura's AS241, exact to about 1e-16 relative)
    const cases: [number, number][] = [
      [0.4, 0.2533471031357997],
      [0.025, 1.9599639845400538],
      [0.0005, 3.2905267314918945],
      [1e-6, 4.753424308822899],
      [1.1111111111111112e-5, 4.24130670563328],
      [1e-10, 6.361340902404056],
      [1e-300, 37.0470962993612],
    ];
    for (const [tail, z] of cases) expect(Math.abs(normalUpperQuantile(tail) - z)).toBeLessThanOrEqual(1e-14 * z);
    expect(normalUpperQuantile(0.5)).toBe(0);
  });

  it('inverts the normal tail: P(Z > z) = ½·P(χ²₁ ≥ z²) = tail (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-200, max: 0.5, noNaN: true }), (tail) => {
        const z = normalUpperQuantile(tail);
        return Math.abs(chiSquareSurvival(z * z, 1) / 2 - tail) <= 1e-12 * tail;
      }),
    );
  });

  it('decreases as the tail grows', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-100, max: 0.25, noNaN: true }), fc.double({ min: 1.01, max: 2, noNaN: true }), (tail, factor) => {
        return normalUpperQuantile(tail) > normalUpperQuantile(tail * factor);
      }),
    );
  });

  it('throws STATS_INVALID_ARGUMENT outside (0, 0.5]', () => {
    for (const tail of [0, -0.1, 0.6, Number.NaN]) {
      expect(() => normalUpperQuantile(tail)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    }
  });
});

describe('samplingMultiplier', () => {
  it('is √(π/2)·Φ⁻¹(1 − α/(2M)) (Python values)', () => {
    // math.sqrt(math.pi / 2) * -NormalDist().inv_cdf(alpha / (2 * M))
    expect(samplingMultiplier(0.001, 1)).toBeCloseTo(4.124063671793356, 12);
    expect(samplingMultiplier(0.001, 18)).toBeCloseTo(5.052027036079041, 12);
    expect(samplingMultiplier(0.001, 42)).toBeCloseTo(5.296252691148301, 12);
  });

  it('gives a binary row exactly α/M: P(|Z| > c·√(2/π)) = α/M (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 0.2, noNaN: true }), fc.integer({ min: 1, max: 10_000 }), (alpha, rows) => {
        const c = samplingMultiplier(alpha, rows);
        const z = c * Math.sqrt(2 / Math.PI);
        return Math.abs(chiSquareSurvival(z * z, 1) - alpha / rows) <= 1e-10 * (alpha / rows);
      }),
    );
  });

  it('grows with the number of rows and shrinks with α', () => {
    expect(samplingMultiplier(0.001, 250)).toBeGreaterThan(samplingMultiplier(0.001, 42));
    expect(samplingMultiplier(0.01, 42)).toBeLessThan(samplingMultiplier(0.001, 42));
  });

  it('throws STATS_INVALID_ARGUMENT for α outside (0, 1) or no rows', () => {
    expect(() => samplingMultiplier(0, 5)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => samplingMultiplier(1, 5)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => samplingMultiplier(0.001, 0)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => samplingMultiplier(0.001, 1.5)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});

describe('samplingThreshold', () => {
  it('adds the floor and the allowance to c × E[TVD]', () => {
    expect(samplingThreshold({ expected_tvd: 0.002, multiplier: 5, floor: 0.0005, allowance: 0.07 })).toBeCloseTo(0.0805, 15);
    expect(samplingThreshold({ expected_tvd: 0, multiplier: 5, floor: 0, allowance: 0 })).toBe(0);
  });

  it('throws STATS_INVALID_ARGUMENT for a negative part', () => {
    expect(() => samplingThreshold({ expected_tvd: 0.01, multiplier: 5, floor: -0.001, allowance: 0 })).toThrow(
      expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }),
    );
  });
});
