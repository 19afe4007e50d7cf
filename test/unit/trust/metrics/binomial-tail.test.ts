import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialUpperTail } from '../../../../src/trust/metrics/binomial-tail.js';

/** [k, n, p, P(X ≥ k)] from scipy.stats.binom.sf(k - 1, n, p) (SciPy 1.17.1), computed beside. */
const SCIPY: readonly (readonly [number, number, number, number])[] = [
  [3, 10, 0.1, 0.0701908264],
  [35, 7046, 0.005, 0.5381055262274954],
  [5, 5584, 0.005, 0.9999999791137586],
  [100, 1000, 0.05, 8.410251084877321e-11],
  [1, 100, 0.01, 0.6339676587267705],
  [20, 200, 0.05, 0.0026645795498294435],
  [10, 200, 0.05, 0.5452901913191844],
  [140, 7046, 0.005, 8.384961671052657e-41],
  [1, 28, 0.005, 0.1309470044547399],
  [500, 1000, 0.5, 0.5126125090891802],
  [0, 10, 0.3, 1.0],
  [10, 10, 0.3, 5.9048999999999975e-6],
  [774, 33512, 0.1, 1.0],
  [2000, 1_000_000, 0.001, 1.853653994401358e-170],
];

describe('binomialUpperTail', () => {
  it.each(SCIPY)('P(X ≥ %d), n = %d, p = %d, as SciPy gives it', (k, n, p, expected) => {
    const actual = binomialUpperTail(k, n, p);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-11 * Math.max(expected, 1e-300) + 1e-14);
  });

  it('is exact at the edges: k ≤ 0, k > n, p = 0 and p = 1', () => {
    expect(binomialUpperTail(0, 5, 0.2)).toBe(1);
    expect(binomialUpperTail(-3, 5, 0.2)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.2)).toBe(0);
    expect(binomialUpperTail(1, 5, 0)).toBe(0);
    expect(binomialUpperTail(5, 5, 1)).toBe(1);
    expect(binomialUpperTail(0, 0, 0.5)).toBe(1);
  });

  it('equals the sum of the pmf by direct multiplication on small n, and falls as k grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, p) => {
        const pmf = Array.from({ length: n + 1 }, (_, j) => {
          let c = 1;
          for (let i = 1; i <= j; i += 1) c = (c * (n - j + i)) / i;
          return c * p ** j * (1 - p) ** (n - j);
        });
        let previous = 1;
        for (let k = 0; k <= n; k += 1) {
          const direct = pmf.slice(k).reduce((sum, value) => sum + value, 0);
          const tail = binomialUpperTail(k, n, p);
          expect(Math.abs(tail - direct)).toBeLessThanOrEqual(1e-9);
          expect(tail).toBeLessThanOrEqual(previous + 1e-15);
          previous = tail;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('throws STATS_INVALID_ARGUMENT on a non-integer n or k, a negative n or p outside [0, 1]', () => {
    const bad: readonly [number, number, number][] = [[1, 2.5, 0.5], [1.5, 3, 0.5], [1, -1, 0.5], [1, 3, 1.5], [1, 3, Number.NaN]];
    for (const [k, n, p] of bad) {
      expect(() => binomialUpperTail(k, n, p)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    }
  });
});
