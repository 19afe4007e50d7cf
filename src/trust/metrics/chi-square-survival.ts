import { regularizedGammaQ } from './regularized-gamma.js';
import { invalidArgument } from './validate.js';

/**
 * Upper tail of the chi-square distribution: the p-value of a chi-square statistic.
 *
 * P(χ²_df ≥ x) = Q(df/2, x/2), with Q the regularised upper incomplete gamma function.
 * Bounded in [0, 1], equal to 1 at x = 0, decreasing in x. Exact for every df, odd ones
 * included (the predecessor's closed form returned 0 for df = 1). O(√df) at worst.
 *
 * Reference: M. Abramowitz and I. A. Stegun, Handbook of Mathematical Functions, 1964, 26.4.19.
 *
 * @param statistic - the chi-square statistic, ≥ 0
 * @param degreesOfFreedom - df, positive (need not be an integer)
 * @returns the upper-tail probability
 * @throws ServiceError `STATS_INVALID_ARGUMENT` when df ≤ 0 or the statistic is negative or NaN
 * @example chiSquareSurvival(1, 1) // => 0.31731050786291115 (R: pchisq(1, 1, lower.tail = FALSE))
 */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  if (!Number.isFinite(degreesOfFreedom) || degreesOfFreedom <= 0) {
    throw invalidArgument('chiSquareSurvival', `requires df > 0, got ${degreesOfFreedom}`);
  }
  if (Number.isNaN(statistic) || statistic < 0) {
    throw invalidArgument('chiSquareSurvival', `requires a non-negative statistic, got ${statistic}`);
  }
  return regularizedGammaQ(degreesOfFreedom / 2, statistic / 2);
}
