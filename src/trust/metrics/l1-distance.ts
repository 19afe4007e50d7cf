import { requireNonNegative, requireSameLength } from './validate.js';

/**
 * L1 distance between two discrete distributions (the sum of absolute share differences).
 *
 * L1(P, Q) = Σᵢ |pᵢ − qᵢ|.
 * Symmetric, bounded in [0, 2] for distributions, zero only when P = Q. O(k) in the number of
 * categories. The predecessor's `max_mean_l1_error` thresholds are on this scale.
 *
 * Reference: A. L. Gibbs and F. E. Su, "On choosing and bounding probability metrics",
 * International Statistical Review 70(3), 2002, 419–435 (section 2, total variation).
 *
 * @param p - shares over k categories
 * @param q - shares over the same k categories, in the same order
 * @returns the L1 distance
 * @throws ServiceError `STATS_LENGTH_MISMATCH` when p and q differ in length or are empty;
 *   `STATS_INVALID_ARGUMENT` on a negative or non-finite share
 * @example l1Distance([0.5, 0.5], [0.75, 0.25]) // => 0.5
 */
export function l1Distance(p: readonly number[], q: readonly number[]): number {
  requireSameLength('l1Distance', p, q);
  requireNonNegative('l1Distance', p);
  requireNonNegative('l1Distance', q);
  let sum = 0;
  for (let i = 0; i < p.length; i += 1) sum += Math.abs((p[i] ?? 0) - (q[i] ?? 0));
  return sum;
}
