import { l1Distance } from './l1-distance.js';

/**
 * Total variation distance between two discrete distributions: the largest difference in the
 * probability the two assign to any one event.
 *
 * TVD(P, Q) = ½·Σᵢ |pᵢ − qᵢ| = maxₐ |P(A) − Q(A)|.
 * Symmetric, bounded in [0, 1], zero only when P = Q. O(k) in the number of categories.
 *
 * Reference: A. L. Gibbs and F. E. Su, "On choosing and bounding probability metrics",
 * International Statistical Review 70(3), 2002, 419–435.
 *
 * @param p - shares over k categories, each ≥ 0
 * @param q - shares over the same k categories, in the same order
 * @returns the total variation distance
 * @throws ServiceError `STATS_LENGTH_MISMATCH` when p and q differ in length or are empty;
 *   `STATS_INVALID_ARGUMENT` on a negative or non-finite share
 * @example totalVariationDistance([0.5, 0.5], [0.75, 0.25]) // => 0.25
 */
export function totalVariationDistance(p: readonly number[], q: readonly number[]): number {
  return l1Distance(p, q) / 2;
}
