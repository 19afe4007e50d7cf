import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kishEffectiveSampleSize, kishEssRatio } from '../../../../src/trust/metrics/kish-ess.js';

describe('kishEffectiveSampleSize', () => {
  it('computes (sum w)^2 / sum w^2', () => {
    // numpy: w = np.array([1, 1, 2, 4]); w.sum()**2 / (w**2).sum() = 64 / 22
    expect(kishEffectiveSampleSize([1, 1, 2, 4])).toBeCloseTo(64 / 22, 12);
  });

  it('weights cells by their frequency (prior mass)', () => {
    // Two cells of mass 3 and 1 with weights 1 and 3 equal four units (1, 1, 1, 3): 36 / 12 = 3
    expect(kishEffectiveSampleSize([1, 3], [3, 1])).toBeCloseTo(3, 12);
    expect(kishEssRatio([1, 3], [3, 1])).toBeCloseTo(0.75, 12);
  });

  it('equals the total frequency exactly when the weights are equal, and never exceeds it', () => {
    expect(kishEssRatio([2, 2, 2])).toBeCloseTo(1, 12);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }), (weights) => {
        const ratio = kishEssRatio(weights);
        return ratio > 0 && ratio <= 1 + 1e-12;
      }),
    );
  });

  it('throws STATS_INVALID_ARGUMENT on negative weights, mismatched frequencies or zero mass', () => {
    expect(() => kishEffectiveSampleSize([1, -1])).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => kishEffectiveSampleSize([1, 1], [1])).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => kishEffectiveSampleSize([0, 0])).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});
