import { invalidArgument, requireNonNegative, requireSameLength } from './validate.js';

/**
 * Jensen–Shannon divergence between two discrete distributions, in bits.
 *
 * JSD(P‖Q) = ½·KL(P‖M) + ½·KL(Q‖M),  M = ½(P + Q),
 * KL(P‖M) = Σ pᵢ·log₂(pᵢ/mᵢ), taking 0·log 0 = 0.
 * Symmetric, bounded in [0, 1], zero only when P = Q. O(k) in the number of categories.
 * Inputs are renormalised to sum 1 first, so counts work as well as shares; the result is
 * clamped to [0, 1] against rounding.
 *
 * Reference: J. Lin, "Divergence measures based on the Shannon entropy",
 * IEEE Trans. Inf. Theory 37(1), 1991, 145–151.
 *
 * @param p - non-negative weights over k categories (shares or counts), not all zero
 * @param q - non-negative weights over the same categories, in the same order, not all zero
 * @returns the divergence in bits
 * @throws ServiceError `STATS_LENGTH_MISMATCH` when p and q differ in length or are empty;
 *   `STATS_INVALID_ARGUMENT` on a negative or non-finite value or an all-zero input
 * @example jensenShannonBits([1, 0], [0, 1]) // => 1
 */
export function jensenShannonBits(p: readonly number[], q: readonly number[]): number {
  requireSameLength('jensenShannonBits', p, q);
  requireNonNegative('jensenShannonBits', p);
  requireNonNegative('jensenShannonBits', q);
  const pTotal = p.reduce((sum, value) => sum + value, 0);
  const qTotal = q.reduce((sum, value) => sum + value, 0);
  if (pTotal === 0 || qTotal === 0) {
    throw invalidArgument('jensenShannonBits', 'requires inputs that are not all zero', { totals: [pTotal, qTotal] });
  }
  let divergence = 0;
  for (let i = 0; i < p.length; i += 1) {
    const pi = (p[i] ?? 0) / pTotal;
    const qi = (q[i] ?? 0) / qTotal;
    // pᵢ/mᵢ written as 2pᵢ/(pᵢ + qᵢ): halving a subnormal share would round mᵢ to 0.
    if (pi > 0) divergence += 0.5 * pi * Math.log2((2 * pi) / (pi + qi));
    if (qi > 0) divergence += 0.5 * qi * Math.log2((2 * qi) / (pi + qi));
  }
  return Math.min(1, Math.max(0, divergence));
}
