/**
 * Exact-n integer allocation of a distribution over cells, then a seeded shuffle (SPEC §5.1 step 3).
 *
 * Systematic (low-discrepancy) rounding: with E_c = n·p_c and cumulative sums C_c, cell c gets
 * floor(C_c + u) − floor(C_{c−1} + u) for one offset u ∈ [0, 1). The counts sum to n exactly, each
 * is floor(E_c) or ceil(E_c), and every contiguous run of cells receives its expected total to
 * within one — so the nested cell order makes district, district × residence, … exact to within
 * one person. No cell is drawn with replacement, so no record is duplicated.
 *
 * Reference: W. G. Madow, "On the theory of systematic sampling, II", Ann. Math. Stat. 20(3), 1949.
 */
import { ServiceError } from '../errors.js';
import { nextInt, type Rng } from '../rng.js';

/**
 * Cumulative shares of the weights (the last one exactly 1), the input of `systematicCells`.
 * @throws ServiceError `STATS_INVALID_ARGUMENT` when the weights have no positive total
 */
export function cumulativeShares(weights: Float64Array): Float64Array {
  let total = 0;
  for (let c = 0; c < weights.length; c += 1) total += weights[c]!;
  if (!(total > 0)) throw new ServiceError('STATS_INVALID_ARGUMENT', 'allocateSystematic requires positive total weight');
  const cumulative = new Float64Array(weights.length);
  let running = 0;
  for (let c = 0; c < weights.length; c += 1) {
    running += weights[c]!;
    cumulative[c] = running / total;
  }
  // Guard the top against floating-point drift, so every point falls in some cell.
  for (let c = weights.length - 1; c >= 0 && cumulative[c]! >= 1 - 1e-12; c -= 1) cumulative[c] = 1;
  return cumulative;
}

/**
 * The n cells systematic sampling picks, in cell order: point k (0 ≤ k < n) is (k + 1 − u) / n,
 * and it falls in the first cell whose cumulative share reaches it. Cell c receives
 * ⌊x_c + u⌋ − ⌊x_{c−1} + u⌋ points, x = n × cumulative share: the rounding described above, found
 * by one forward walk over the cumulative shares, O(n + cells).
 *
 * @param cumulative - from `cumulativeShares`
 * @param n - how many units to allocate (integer ≥ 0)
 * @param offset - u in [0, 1), from the run's RNG
 */
export function systematicCells(cumulative: Float64Array, n: number, offset: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new ServiceError('STATS_INVALID_ARGUMENT', 'allocateSystematic requires an integer n ≥ 0');
  if (!(offset >= 0 && offset < 1)) throw new ServiceError('STATS_INVALID_ARGUMENT', 'allocateSystematic requires an offset in [0, 1)');
  const cells = new Int32Array(n);
  const last = cumulative.length - 1;
  let cell = 0;
  for (let k = 0; k < n; k += 1) {
    const point = (k + 1 - offset) / n;
    // Points increase with k, so the walk only moves forward: O(n + cells) in all.
    while (cell < last && cumulative[cell]! < point) cell += 1;
    cells[k] = cell;
  }
  return cells;
}

/**
 * @param weights - non-negative weight per cell (need not sum to 1)
 * @param n - how many units to allocate (integer ≥ 0)
 * @param offset - u in [0, 1), from the run's RNG
 * @returns integer count per cell, summing to n
 * @example allocateSystematic(Float64Array.of(1, 1, 2), 4, 0.5) // => Int32Array [1, 1, 2]
 */
export function allocateSystematic(weights: Float64Array, n: number, offset: number): Int32Array {
  const counts = new Int32Array(weights.length);
  for (const cell of systematicCells(cumulativeShares(weights), n, offset)) counts[cell]! += 1;
  return counts;
}

/** Fisher–Yates shuffle with the given RNG (Knuth, TAOCP vol. 2, Algorithm P). */
export function shuffleInPlace(values: Int32Array, rng: Rng): void {
  for (let i = values.length - 1; i > 0; i -= 1) {
    const j = nextInt(rng, i + 1);
    const held = values[i]!;
    values[i] = values[j]!;
    values[j] = held;
  }
}
