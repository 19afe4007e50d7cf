import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from '../../../../src/trust/metrics/chi-square-survival.js';
import { logGamma } from '../../../../src/trust/metrics/log-gamma.js';
import { regularizedGammaQ } from '../../../../src/trust/metrics/regularized-gamma.js';

describe('chiSquareSurvival', () => {
  // Reference values: R pchisq(x, df, lower.tail = FALSE); SciPy scipy.stats.chi2.sf(x, df) agrees.
  it.each([
    { x: 1, df: 1, expected: 0.31731050786291115 }, // pchisq(1, 1, lower.tail = FALSE) = 0.3173105
    { x: 1, df: 3, expected: 0.8012519569012009 }, // pchisq(1, 3, lower.tail = FALSE) = 0.8012520
    { x: 20, df: 10, expected: 0.029252688076961124 }, // pchisq(20, 10, lower.tail = FALSE) = 0.02925269
    { x: 12, df: 2, expected: 0.002478752176666357 }, // pchisq(12, 2, lower.tail = FALSE) = exp(-6)
    { x: 1000, df: 1000, expected: 0.49405285382923964 }, // chi2.sf(1000, 1000)
    { x: 1100, df: 1000, expected: 0.014614408126295192 }, // chi2.sf(1100, 1000)
    { x: 1e5, df: 1e5, expected: 0.4994052918952067 }, // chi2.sf(1e5, 1e5): large df
  ])('gives P(chi2_$df >= $x) = $expected', ({ x, df, expected }) => {
    expect(chiSquareSurvival(x, df)).toBeCloseTo(expected, 9);
  });

  it('matches the four decimals the spec quotes', () => {
    expect(chiSquareSurvival(1, 1).toFixed(4)).toBe('0.3173');
    expect(chiSquareSurvival(1, 3).toFixed(4)).toBe('0.8013');
    expect(chiSquareSurvival(20, 10).toFixed(4)).toBe('0.0293');
  });

  it('is 1 at x = 0 and tiny but positive for a large x', () => {
    expect(chiSquareSurvival(0, 5)).toBe(1);
    // chi2.sf(200, 10) = 1.6139305336977317e-37
    expect(chiSquareSurvival(200, 10) / 1.6139305336977317e-37).toBeCloseTo(1, 8);
    // chi2.sf(1000, 3) = 1.7994208765314067e-216
    expect(chiSquareSurvival(1000, 3) / 1.7994208765314067e-216).toBeCloseTo(1, 6);
    expect(chiSquareSurvival(Infinity, 3)).toBe(0);
  });

  it('throws STATS_INVALID_ARGUMENT on df <= 0 or a negative statistic', () => {
    expect(() => chiSquareSurvival(1, 0)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => chiSquareSurvival(-1, 2)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => chiSquareSurvival(Number.NaN, 2)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });

  it('decreases in x and stays inside [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (df, x, step) => {
          const here = chiSquareSurvival(x, df);
          const further = chiSquareSurvival(x + step, df);
          return here >= 0 && here <= 1 && further <= here + 1e-12;
        },
      ),
    );
  });
});

describe('regularizedGammaQ', () => {
  // scipy.special.gammaincc(a, x)
  it.each([
    { a: 0.5, x: 0.5, expected: 0.31731050786291115 },
    { a: 5, x: 2, expected: 0.9473469826562889 },
    { a: 2.5, x: 10, expected: 0.0012497305630313773 },
    { a: 100, x: 90, expected: 0.84177901081357 },
  ])('gives Q($a, $x) = $expected', ({ a, x, expected }) => {
    expect(regularizedGammaQ(a, x)).toBeCloseTo(expected, 10);
  });

  it('keeps relative precision deep in the tail', () => {
    // scipy.special.gammaincc(0.1, 30) = 4.476766580012687e-16
    expect(regularizedGammaQ(0.1, 30) / 4.476766580012687e-16).toBeCloseTo(1, 8);
  });

  it('agrees with the closed form Q(1, x) = exp(-x) for integer shape 1', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 700, noNaN: true }), (x) => {
        const exact = Math.exp(-x);
        return Math.abs(regularizedGammaQ(1, x) - exact) <= 1e-13 + 1e-11 * exact;
      }),
    );
  });

  it('throws STATS_INVALID_ARGUMENT on a <= 0 or x < 0', () => {
    expect(() => regularizedGammaQ(0, 1)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => regularizedGammaQ(1, -0.1)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});

describe('logGamma', () => {
  // scipy.special.gammaln(x)
  it.each([
    { x: 0.5, expected: 0.5723649429247 },
    { x: 1.5, expected: -0.12078223763524526 },
    { x: 10, expected: 12.801827480081469 },
  ])('gives ln Gamma($x) = $expected', ({ x, expected }) => {
    expect(logGamma(x)).toBeCloseTo(expected, 12);
  });

  it('stays precise for a large argument', () => {
    // scipy.special.gammaln(1e6) = 12815504.569147611
    expect(logGamma(1e6)).toBeCloseTo(12815504.569147611, 6);
  });

  it('throws STATS_INVALID_ARGUMENT outside x > 0', () => {
    expect(() => logGamma(0)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});
