import { invalidArgument, requireNonNegative } from './validate.js';

/**
 * Kish's effective sample size of a weighted sample: how many unweighted units carry the same
 * information as the weighted ones.
 *
 * ESS = (Σᵢ fᵢ·wᵢ)² / Σᵢ fᵢ·wᵢ², with fᵢ the frequency (mass) of unit or cell i (default 1).
 * For calibration, wᵢ = calibrated mass / prior mass of cell i and fᵢ = the prior mass, so
 * ESS / Σ fᵢ (`kishEssRatio`) measures how far the targets pulled the prior; its complement is
 * the information loss. Bounded in (0, Σ fᵢ], equal to Σ fᵢ only when all weights are equal.
 * O(k).
 *
 * Reference: L. Kish, Survey Sampling, Wiley, 1965, §11.7.
 *
 * @param weights - non-negative weights, not all zero where the frequency is positive
 * @param frequencies - optional non-negative frequencies (masses), same length as weights
 * @returns the effective sample size, in the units of the frequencies
 * @throws ServiceError `STATS_INVALID_ARGUMENT` on a negative or non-finite value, a length
 *   mismatch or a zero total weighted mass
 * @example kishEffectiveSampleSize([1, 1, 2, 4]) // => 2.909090909090909 (= 64 / 22)
 */
export function kishEffectiveSampleSize(weights: readonly number[], frequencies?: readonly number[]): number {
  requireNonNegative('kishEffectiveSampleSize', weights);
  if (frequencies !== undefined) {
    requireNonNegative('kishEffectiveSampleSize', frequencies);
    if (frequencies.length !== weights.length) {
      throw invalidArgument('kishEffectiveSampleSize', 'requires one frequency per weight', {
        lengths: [weights.length, frequencies.length],
      });
    }
  }
  let weighted = 0;
  let weightedSquares = 0;
  for (let i = 0; i < weights.length; i += 1) {
    const weight = weights[i] ?? 0;
    const frequency = frequencies === undefined ? 1 : (frequencies[i] ?? 0);
    weighted += frequency * weight;
    weightedSquares += frequency * weight * weight;
  }
  if (weightedSquares === 0) throw invalidArgument('kishEffectiveSampleSize', 'requires a positive total weighted mass');
  return (weighted * weighted) / weightedSquares;
}

/**
 * Kish ESS as a share of the total frequency: ESS / Σ fᵢ, in (0, 1]; information loss is
 * 1 − ratio. O(k).
 *
 * @param weights - as `kishEffectiveSampleSize`
 * @param frequencies - as `kishEffectiveSampleSize` (default 1 each)
 * @returns the ESS ratio
 * @throws ServiceError `STATS_INVALID_ARGUMENT` as `kishEffectiveSampleSize`
 * @example kishEssRatio([1, 1, 2, 4]) // => 0.7272727272727273 (= 64 / 22 / 4)
 */
export function kishEssRatio(weights: readonly number[], frequencies?: readonly number[]): number {
  const total = frequencies === undefined ? weights.length : frequencies.reduce((sum, value) => sum + value, 0);
  return kishEffectiveSampleSize(weights, frequencies) / total;
}
