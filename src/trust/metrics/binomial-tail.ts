import { logGamma } from './log-gamma.js';
import { invalidArgument } from './validate.js';

/** ln of the binomial probability P(X = k), X ~ Binomial(n, p), 0 < p < 1. */
function logPmf(n: number, p: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/**
 * Upper tail of the binomial distribution: P(X ≥ k) for X ~ Binomial(n, p), the one-sided
 * p-value of k successes in n trials against a success probability of at most p.
 *
 * Summed from the probability at the tail's start outwards, each term from the last by the pmf
 * ratio (n − j)·p / ((j + 1)·(1 − p)), which falls below 1 past the mode, until the terms stop
 * adding anything: the upper tail directly when k is above the mean (small p-values keep their
 * relative precision), else 1 − the lower tail P(X ≤ k − 1), summed downwards the same way.
 * Bounded in [0, 1], 1 at k ≤ 0, 0 for k > n, decreasing in k. O(√(n·p·(1−p)) + 1) terms at
 * worst (ln Γ is O(1)).
 *
 * Reference: W. Feller, An Introduction to Probability Theory and Its Applications I, 3rd ed.,
 * 1968, VI.3 (the ratio of successive terms and the bounds of the tails).
 *
 * @param k - successes, an integer
 * @param n - trials, a non-negative integer
 * @param p - success probability in [0, 1]
 * @returns P(X ≥ k)
 * @throws ServiceError `STATS_INVALID_ARGUMENT` when n or k is not an integer, n < 0 or p is outside [0, 1]
 * @example binomialUpperTail(3, 10, 0.1) // => 0.0701908264 (scipy.stats.binom.sf(2, 10, 0.1))
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw invalidArgument('binomialUpperTail', `requires a non-negative integer n, got ${n}`);
  if (!Number.isSafeInteger(k)) throw invalidArgument('binomialUpperTail', `requires an integer k, got ${k}`);
  if (!(p >= 0 && p <= 1)) throw invalidArgument('binomialUpperTail', `requires p in [0, 1], got ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const odds = p / (1 - p);
  if (k > n * p) {
    // Past the mean: terms fall from the first, so the sum stops once a term adds nothing.
    let term = 1;
    let sum = 1;
    for (let j = k; j < n; j += 1) {
      term *= ((n - j) / (j + 1)) * odds;
      sum += term;
      if (term <= sum * 1e-17) break;
    }
    return Math.min(1, Math.exp(logPmf(n, p, k)) * sum);
  }
  // At or below the mean: 1 − P(X ≤ k − 1), the lower tail summed downwards from k − 1.
  let term = 1;
  let sum = 1;
  for (let j = k - 1; j > 0; j -= 1) {
    term *= (j / (n - j + 1)) / odds;
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  return Math.max(0, 1 - Math.exp(logPmf(n, p, k - 1)) * sum);
}
