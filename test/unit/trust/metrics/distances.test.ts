import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jensenShannonBits } from '../../../../src/trust/metrics/jensen-shannon.js';
import { l1Distance } from '../../../../src/trust/metrics/l1-distance.js';
import { maxCategoryError } from '../../../../src/trust/metrics/max-category-error.js';
import { totalVariationDistance } from '../../../../src/trust/metrics/total-variation.js';

/** Random distributions over k categories (k shared by both). */
const distributionPair = fc.integer({ min: 1, max: 12 }).chain((k) =>
  fc
    .tuple(
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k }),
    )
    .filter(([p, q]) => p.reduce((a, b) => a + b, 0) > 1e-6 && q.reduce((a, b) => a + b, 0) > 1e-6)
    .map(([p, q]) => {
      const ps = p.reduce((a, b) => a + b, 0);
      const qs = q.reduce((a, b) => a + b, 0);
      return [p.map((v) => v / ps), q.map((v) => v / qs)] as const;
    }),
);

describe('jensenShannonBits', () => {
  it('is 0 for identical distributions and 1 bit for disjoint ones', () => {
    expect(jensenShannonBits([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(jensenShannonBits([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75])).toBeCloseTo(1, 12);
  });

  it('matches SciPy', () => {
    // scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2 (SciPy returns the square root)
    expect(jensenShannonBits([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.14679310243605215, 12);
    expect(jensenShannonBits([0.2, 0.3, 0.5], [0.1, 0.6, 0.3])).toBeCloseTo(0.06724889839732029, 12);
  });

  it('stays finite for subnormal shares (fast-check counterexample)', () => {
    const p = [0, 0, 0, 0, 0, 1, 0, 0, 5e-324, 0, 0, 0];
    const q = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    expect(jensenShannonBits(p, q)).toBeCloseTo(1, 12);
  });

  it('renormalises counts', () => {
    expect(jensenShannonBits([50, 50], [90, 10])).toBeCloseTo(0.14679310243605215, 12);
  });

  it('is symmetric and bounded in [0, 1]', () => {
    fc.assert(
      fc.property(distributionPair, ([p, q]) => {
        const forward = jensenShannonBits(p, q);
        return Math.abs(forward - jensenShannonBits(q, p)) < 1e-12 && forward >= 0 && forward <= 1;
      }),
    );
  });

  it('throws on mismatched lengths or an all-zero input', () => {
    expect(() => jensenShannonBits([1], [0.5, 0.5])).toThrow(expect.objectContaining({ code: 'STATS_LENGTH_MISMATCH' }));
    expect(() => jensenShannonBits([0, 0], [0.5, 0.5])).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});

describe('l1Distance, totalVariationDistance, maxCategoryError', () => {
  it('compute the hand-worked example', () => {
    const p = [0.2, 0.3, 0.5];
    const q = [0.1, 0.6, 0.3];
    expect(l1Distance(p, q)).toBeCloseTo(0.6, 12);
    expect(totalVariationDistance(p, q)).toBeCloseTo(0.3, 12);
    expect(maxCategoryError(p, q)).toBeCloseTo(0.3, 12);
  });

  it('order as max <= TVD <= L1 <= 2 and are symmetric', () => {
    fc.assert(
      fc.property(distributionPair, ([p, q]) => {
        const l1 = l1Distance(p, q);
        const tvd = totalVariationDistance(p, q);
        const max = maxCategoryError(p, q);
        return (
          max <= tvd + 1e-12 &&
          tvd <= l1 + 1e-12 &&
          l1 <= 2 + 1e-12 &&
          Math.abs(l1 - l1Distance(q, p)) < 1e-12 &&
          Math.abs(max - maxCategoryError(q, p)) < 1e-12
        );
      }),
    );
  });

  it('throws STATS_LENGTH_MISMATCH and STATS_INVALID_ARGUMENT', () => {
    expect(() => l1Distance([], [])).toThrow(expect.objectContaining({ code: 'STATS_LENGTH_MISMATCH' }));
    expect(() => maxCategoryError([1, 0], [1])).toThrow(expect.objectContaining({ code: 'STATS_LENGTH_MISMATCH' }));
    expect(() => totalVariationDistance([-0.1, 1.1], [0.5, 0.5])).toThrow(
      expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }),
    );
  });
});
