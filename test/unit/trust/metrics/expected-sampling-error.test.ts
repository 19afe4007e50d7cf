import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binomialMeanAbsoluteDeviation,
  expectedSamplingL1,
  expectedSamplingTvd,
} from '../../../../src/trust/metrics/expected-sampling-error.js';

/** Direct summation Σ |k − np|·C(n, k)·p^k·(1 − p)^(n−k): an independent check of de Moivre's form. */
function bruteForceMad(n: number, p: number): number {
  let total = 0;
  let logCoefficient = 0; // ln C(n, 0)
  for (let k = 0; k <= n; k += 1) {
    if (k > 0) logCoefficient += Math.log(n - k + 1) - Math.log(k);
    const logMass = logCoefficient + (k === 0 ? 0 : k * Math.log(p)) + (n - k === 0 ? 0 : (n - k) * Math.log1p(-p));
    total += Math.abs(k - n * p) * Math.exp(logMass);
  }
  return total;
}

describe('expectedSamplingL1', () => {
  it('matches SciPy', () => {
    // (abs(k - n*p) * scipy.stats.binom.pmf(k, n, p)).sum() / n over k = 0..n:
    // n=10, p=0.3 → 0.11206773143999996; n=1000, p=0.528 → 0.012592703940880329
    expect(binomialMeanAbsoluteDeviation(10, 0.3) / 10).toBeCloseTo(0.11206773143999996, 12);
    expect(binomialMeanAbsoluteDeviation(1000, 0.528) / 1000).toBeCloseTo(0.012592703940880329, 12);
    // Both categories of a binary field contribute the same deviation.
    expect(expectedSamplingL1([0.528, 0.472], 1000)).toBeCloseTo(2 * 0.012592703940880329, 12);
    expect(expectedSamplingTvd([0.528, 0.472], 1000)).toBeCloseTo(0.012592703940880329, 12);
  });

  it('agrees with direct summation of the binomial', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, p) => {
        const exact = bruteForceMad(n, p);
        return Math.abs(binomialMeanAbsoluteDeviation(n, p) - exact) <= 1e-9 * Math.max(1, exact);
      }),
    );
  });

  it('tends to the normal approximation for a large n', () => {
    const n = 1_000_000;
    const shares = [0.3, 0.7];
    const normal = Math.sqrt(2 / (Math.PI * n)) * shares.reduce((sum, t) => sum + Math.sqrt(t * (1 - t)), 0);
    expect(expectedSamplingL1(shares, n) / normal).toBeCloseTo(1, 4);
  });

  it('is zero for a one-point target and shrinks as n grows', () => {
    expect(expectedSamplingL1([1, 0, 0], 50)).toBe(0);
    expect(expectedSamplingL1([0.2, 0.8], 400)).toBeLessThan(expectedSamplingL1([0.2, 0.8], 100));
  });

  it('throws STATS_INVALID_ARGUMENT for n < 1', () => {
    expect(() => expectedSamplingL1([0.5, 0.5], 0)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});
