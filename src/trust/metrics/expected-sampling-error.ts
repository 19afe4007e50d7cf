import { logGamma } from './log-gamma.js';
import { normalUpperQuantile } from './normal-quantile.js';
import { invalidArgument, requireNonNegative, requireShares } from './validate.js';

/** ln C(n, k) through ln Γ, exact to about 1e-15 relative for any n in range. */
function logBinomialCoefficient(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * Mean absolute deviation of a binomial count, E|X − np| for X ~ Binomial(n, p), by de Moivre's
 * closed form 2·(f + 1)·C(n, f + 1)·p^(f+1)·(1 − p)^(n−f), f = ⌊np⌋.
 */
export function binomialMeanAbsoluteDeviation(n: number, p: number): number {
  if (p <= 0 || p >= 1) return 0;
  const floorMean = Math.min(Math.floor(n * p), n - 1);
  const k = floorMean + 1;
  const logValue =
    Math.log(2) + Math.log(k) + logBinomialCoefficient(n, k) + k * Math.log(p) + (n - floorMean) * Math.log1p(-p);
  return Math.exp(logValue);
}

/**
 * Expected L1 distance between the target shares and the shares of a simple random sample of
 * size n drawn from them (multinomial sampling): the drift that chance alone produces.
 *
 * E[L1] = (1/n)·Σᵢ E|Xᵢ − n·tᵢ|, Xᵢ ~ Binomial(n, tᵢ) (each count of a multinomial is binomial,
 * and expectation is linear), with de Moivre's exact mean absolute deviation
 * E|X − np| = 2·(f + 1)·C(n, f + 1)·p^(f+1)·(1 − p)^(n−f), f = ⌊np⌋.
 * For large n this tends to √(2/(πn))·Σᵢ √(tᵢ(1 − tᵢ)). The expected TVD is half of it.
 * Bounded in [0, 2), decreasing like 1/√n, zero for a one-point target. O(k) (ln Γ is O(1)).
 *
 * The trust gates derive every drift threshold from E[TVD] = E[L1]/2 (`samplingThreshold`), so
 * a sample does not fire a drift gate by chance at any n. The engine's controlled rounding makes
 * calibrated margins drift less than this; conditionally drawn fields drift about this much.
 *
 * Reference: P. Diaconis and S. Zabell, "Closed form summation for classical distributions:
 * variations on a theme of de Moivre", Statistical Science 6(3), 1991, 284–302.
 *
 * @param targetShares - shares summing to 1 (±1e-9)
 * @param sampleSize - n, a positive integer
 * @returns the expected L1 distance of the sample shares from the target
 * @throws ServiceError `STATS_INVALID_ARGUMENT` when n is not a positive integer or the shares
 *   do not sum to 1
 * @example expectedSamplingL1([0.5, 0.5], 2) // => 0.5
 */
export function expectedSamplingL1(targetShares: readonly number[], sampleSize: number): number {
  if (!Number.isSafeInteger(sampleSize) || sampleSize < 1) {
    throw invalidArgument('expectedSamplingL1', `requires a positive integer sample size, got ${sampleSize}`);
  }
  requireShares('expectedSamplingL1', targetShares);
  let total = 0;
  for (const share of targetShares) total += binomialMeanAbsoluteDeviation(sampleSize, share);
  return total / sampleSize;
}

/**
 * Expected total variation distance of a multinomial sample of size n from its target:
 * E[TVD] = E[L1] / 2 (see `expectedSamplingL1`). Bounded in [0, 1). O(k).
 *
 * @param targetShares - shares summing to 1 (±1e-9)
 * @param sampleSize - n, a positive integer
 * @returns the expected total variation distance
 * @throws ServiceError `STATS_INVALID_ARGUMENT` as `expectedSamplingL1`
 * @example expectedSamplingTvd([0.5, 0.5], 2) // => 0.25
 */
export function expectedSamplingTvd(targetShares: readonly number[], sampleSize: number): number {
  return expectedSamplingL1(targetShares, sampleSize) / 2;
}

/**
 * The multiplier c(α, M) of E[TVD] that a row's sampling drift exceeds with probability at most
 * α/M, so that M rows together raise a false alarm with probability at most α (Bonferroni):
 *
 * c(α, M) = √(π/2) · Φ⁻¹(1 − α/(2M)).
 *
 * Why: for a binary row TVD = |X/n − p| is half-normal with σ = √(p(1−p)/n) and
 * E[TVD] = σ·√(2/π), so P(TVD > c·E[TVD]) = P(|Z| > c·√(2/π)) = α/M exactly at this c. A row of
 * K > 2 categories sums K such terms, which concentrates the TVD around its mean, so the binary
 * row is the worst case (normal approximation; the chi-square test that the gates join to it
 * covers rows too small for that approximation).
 *
 * @param alpha - the family-wise false-alarm probability, in (0, 1)
 * @param rows - M, the number of rows gated together, a positive integer
 * @returns c(α, M)
 * @throws ServiceError `STATS_INVALID_ARGUMENT` when alpha is not in (0, 1) or rows < 1
 * @example samplingMultiplier(0.05, 1) // => 2.456450570453268 (√(π/2)·1.959963984540054)
 */
export function samplingMultiplier(alpha: number, rows: number): number {
  if (!(alpha > 0 && alpha < 1)) throw invalidArgument('samplingMultiplier', `requires alpha in (0, 1), got ${alpha}`);
  if (!Number.isSafeInteger(rows) || rows < 1) throw invalidArgument('samplingMultiplier', `requires a positive integer row count, got ${rows}`);
  return Math.sqrt(Math.PI / 2) * normalUpperQuantile(alpha / (2 * rows));
}

/**
 * The drift threshold of one compared row (a field, or one row of a joint check):
 *
 * T = c · E[TVD](target, n) + floor + allowance,
 *
 * c from `samplingMultiplier`, E[TVD] the exact expected TVD of a multinomial sample of the row's
 * own n from its target, `floor` the rounding of the published figures, `allowance` a reviewed
 * conflict between two official tables. As n grows T tends to floor + allowance.
 *
 * @param parts - the expected TVD, the multiplier, the rounding floor and the allowance (all ≥ 0)
 * @returns T
 * @throws ServiceError `STATS_INVALID_ARGUMENT` when a part is negative or not finite
 * @example samplingThreshold({ expected_tvd: 0.01, multiplier: 4, floor: 0.001, allowance: 0.002 }) // => 0.043
 */
export function samplingThreshold(parts: {
  readonly expected_tvd: number;
  readonly multiplier: number;
  readonly floor: number;
  readonly allowance: number;
}): number {
  requireNonNegative('samplingThreshold', [parts.expected_tvd, parts.multiplier, parts.floor, parts.allowance]);
  return parts.multiplier * parts.expected_tvd + parts.floor + parts.allowance;
}
