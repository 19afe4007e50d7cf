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
import { nextInt, type Rng } from './rng.js';

/**
 * @param weights - non-negative weight per cell (need not sum to 1)
 * @param n - how many units to allocate (integer ≥ 0)
 * @param offset - u in [0, 1), from the run's RNG
 * @returns integer count per cell, summing to n
 * @example allocateSystematic(Float64Array.of(1, 1, 2), 4, 0.5) // => Int32Array [1, 1, 2]
 */
export function allocateSystematic(weights: Float64Array, n: number, offset: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new ServiceError('STATS_INVALID_ARGUMENT', 'allocateSystematic requires an integer n ≥ 0');
  if (!(offset >= 0 && offset < 1)) throw new ServiceError('STATS_INVALID_ARGUMENT', 'allocateSystematic requires an offset in [0, 1)');
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) throw new ServiceError('STATS_INVALID_ARGUMENT', 'allocateSystematic requires positive total weight');
  const counts = new Int32Array(weights.length);
  let cumulative = 0;
  let previous = Math.floor(offset);
  let allocated = 0;
  for (let c = 0; c < weights.length; c += 1) {
    cumulative += (weights[c]! / total) * n;
    // Guard the last cell against floating-point drift so the total is exactly n.
    const upTo = c === weights.length - 1 ? n : Math.min(n, Math.floor(cumulative + offset));
    counts[c] = upTo - previous;
    allocated += counts[c]!;
    previous = upTo;
  }
  if (allocated !== n) throw new ServiceError('INTERNAL', `allocateSystematic allocated ${allocated} of ${n}`);
  return counts;
}

/** Lists each cell as many times as its count, then shuffles the list (Fisher–Yates, seeded). */
export function expandShuffled(counts: Int32Array, rng: Rng): Int32Array {
  let n = 0;
  for (const count of counts) n += count;
  const cells = new Int32Array(n);
  let at = 0;
  for (let c = 0; c < counts.length; c += 1) {
    for (let k = 0; k < counts[c]!; k += 1) cells[at++] = c;
  }
  shuffleInPlace(cells, rng);
  return cells;
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
