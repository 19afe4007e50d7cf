import { regularizedGammaQ } from './regularized-gamma.js';
import { invalidArgument } from './validate.js';

/** P(Z > z) for z ≥ 0: ½·Q(½, z²/2), accurate far into the tail (no 1 − Φ cancellation). */
function upperTail(z: number): number {
  return 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Upper quantile of the standard normal distribution: the z ≥ 0 with P(Z > z) = tail.
 *
 * The tail is ½·Q(½, z²/2) (Q the regularised upper incomplete gamma function, so the tail is
 * exact to about 1e-15 relative even at 1e-300). The root is found by Newton's method on
 * ln P(Z > z), whose derivative is −φ(z)/P(Z > z), inside a bracket kept by bisection, so it
 * cannot diverge. Monotone decreasing in tail; 0 at tail = ½. O(1) (a few dozen iterations).
 *
 * @param tail - the upper-tail probability, in (0, 0.5]
 * @returns z with P(Z > z) = tail
 * @throws ServiceError `STATS_INVALID_ARGUMENT` when tail is not in (0, 0.5]
 * @example normalUpperQuantile(0.025) // => 1.959963984540054 (Python: statistics.NormalDist().inv_cdf(0.975))
 */
export function normalUpperQuantile(tail: number): number {
  if (!(tail > 0 && tail <= 0.5)) throw invalidArgument('normalUpperQuantile', `requires a tail in (0, 0.5], got ${tail}`);
  if (tail === 0.5) return 0;
  let low = 0;
  let high = 40; // P(Z > 40) ≈ 4e-350, below the smallest double
  let z = Math.sqrt(-2 * Math.log(tail)); // a start above the root (Chernoff bound)
  const target = Math.log(tail);
  for (let i = 0; i < 200; i += 1) {
    const p = upperTail(z);
    const gap = Math.log(p) - target;
    if (gap > 0) low = z;
    else high = z;
    const step = gap / ((Math.exp(-(z * z) / 2) * INV_SQRT_2PI) / p);
    let next = z + step;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - z) <= 1e-15 * Math.max(1, z)) return next;
    z = next;
  }
  return z;
}
