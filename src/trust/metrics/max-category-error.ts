import { requireNonNegative, requireSameLength } from './validate.js';

/**
 * Largest absolute share difference over the categories (the L∞ distance).
 *
 * E∞(P, Q) = maxᵢ |pᵢ − qᵢ|.
 * Symmetric, bounded in [0, 1] for distributions, never above TVD(P, Q). O(k).
 * The predecessor's `max_category_error` thresholds are on this scale.
 *
 * Reference: A. L. Gibbs and F. E. Su, "On choosing and bounding probability metrics",
 * International Statistical Review 70(3), 2002, 419–435.
 *
 * @param p - shares over k categories, each ≥ 0
 * @param q - shares over the same k categories, in the same order
 * @returns the largest absolute difference
 * @throws ServiceError `STATS_LENGTH_MISMATCH` when p and q differ in length or are empty;
 *   `STATS_INVALID_ARGUMENT` on a negative or non-finite share
 * @example maxCategoryError([0.2, 0.3, 0.5], [0.1, 0.6, 0.3]) // => 0.3
 */
export function maxCategoryError(p: readonly number[], q: readonly number[]): number {
  requireSameLength('maxCategoryError', p, q);
  requireNonNegative('maxCategoryError', p);
  requireNonNegative('maxCategoryError', q);
  let largest = 0;
  for (let i = 0; i < p.length; i += 1) largest = Math.max(largest, Math.abs((p[i] ?? 0) - (q[i] ?? 0)));
  return largest;
}
