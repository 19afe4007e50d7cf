import { chiSquareSurvival } from './chi-square-survival.js';
import { requireNonNegative, requireSameLength, requireShares } from './validate.js';

export interface ChiSquareResult {
  /** Pearson's X² over the cells after pooling. */
  readonly statistic: number;
  /** Cells after pooling minus one; 0 when no test is possible. */
  readonly degrees_of_freedom: number;
  /** P(χ²_df ≥ X²); 1 when df = 0 (no evidence of drift can exist). */
  readonly p_value: number;
  /** How many categories were pooled because their expected count was below `minExpected`. */
  readonly pooled_categories: number;
}

/** Cochran's rule of thumb: expected counts of at least 5 per cell. */
const DEFAULT_MIN_EXPECTED = 5;

interface Cell {
  observed: number;
  expected: number;
}

/** Pools the small cells into one; a pool still too small joins the smallest large cell. */
function poolSmallCells(cells: readonly Cell[], minExpected: number): Cell[] {
  const large = cells.filter((cell) => cell.expected >= minExpected).map((cell) => ({ ...cell }));
  const small = cells.filter((cell) => cell.expected < minExpected);
  const pool = small.reduce((acc, cell) => ({ observed: acc.observed + cell.observed, expected: acc.expected + cell.expected }), {
    observed: 0,
    expected: 0,
  });
  if (pool.observed === 0 && pool.expected === 0) return large;
  if (pool.expected >= minExpected) return [...large, pool];
  const smallest = large.reduce<Cell | undefined>((min, cell) => (min === undefined || cell.expected < min.expected ? cell : min), undefined);
  if (smallest === undefined) return [pool];
  smallest.observed += pool.observed;
  smallest.expected += pool.expected;
  return large;
}

/**
 * Pearson's chi-square goodness-of-fit test of observed counts against target shares.
 *
 * X² = Σᵢ (Oᵢ − Eᵢ)² / Eᵢ,  Eᵢ = n·tᵢ,  n = Σ Oᵢ,  df = (cells − 1),  p = Q(df/2, X²/2).
 * Categories whose expected count is below `minExpected` are pooled into one cell (Cochran's
 * rule); if the pool is itself too small it joins the smallest remaining cell, so an observed
 * count in a zero-target category still counts against the fit. With fewer than two cells
 * left, no test is possible: statistic 0, df 0, p 1. X² ≥ 0, p in [0, 1]. O(k).
 *
 * Reference: K. Pearson, Philosophical Magazine 50(302), 1900, 157–175; W. G. Cochran, "Some
 * methods for strengthening the common χ² tests", Biometrics 10(4), 1954, 417–451.
 *
 * @param observedCounts - counts per category, each ≥ 0
 * @param targetShares - target shares over the same categories, summing to 1 (±1e-9)
 * @param options - `minExpected`: smallest expected count a cell may have (default 5)
 * @returns the statistic, degrees of freedom, p-value and number of pooled categories
 * @throws ServiceError `STATS_LENGTH_MISMATCH` when the arrays differ in length or are empty;
 *   `STATS_INVALID_ARGUMENT` on a negative count or shares not summing to 1
 * @example chiSquareGoodnessOfFit([48, 52], [0.5, 0.5]) // => { statistic: 0.16, degrees_of_freedom: 1, p_value: 0.6891565167793516, pooled_categories: 0 }
 */
export function chiSquareGoodnessOfFit(
  observedCounts: readonly number[],
  targetShares: readonly number[],
  options: { readonly minExpected?: number } = {},
): ChiSquareResult {
  requireSameLength('chiSquareGoodnessOfFit', observedCounts, targetShares);
  requireNonNegative('chiSquareGoodnessOfFit', observedCounts);
  requireShares('chiSquareGoodnessOfFit', targetShares);
  const minExpected = options.minExpected ?? DEFAULT_MIN_EXPECTED;
  const n = observedCounts.reduce((sum, count) => sum + count, 0);
  const cells = observedCounts.map((observed, i) => ({ observed, expected: n * (targetShares[i] ?? 0) }));
  const pooledCategories = cells.filter((cell) => cell.expected < minExpected && (cell.expected > 0 || cell.observed > 0)).length;
  const tested = n === 0 ? [] : poolSmallCells(cells, minExpected);
  if (tested.length < 2) return { statistic: 0, degrees_of_freedom: 0, p_value: 1, pooled_categories: pooledCategories };
  const statistic = tested.reduce((sum, cell) => sum + (cell.observed - cell.expected) ** 2 / cell.expected, 0);
  const degreesOfFreedom = tested.length - 1;
  return {
    statistic,
    degrees_of_freedom: degreesOfFreedom,
    p_value: chiSquareSurvival(statistic, degreesOfFreedom),
    pooled_categories: pooledCategories,
  };
}
