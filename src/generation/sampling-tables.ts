/**
 * The conditional tables in the form the sampler draws from: each row as cumulative shares, and
 * one inverse-CDF draw. Built once per model (`model.sampling`), shared by every shard.
 */
import type { Rng } from '../rng.js';
import type { ConditionalTable, ConditionalTables } from './conditionals.js';

/** Cumulative rows of a conditional table, ready for inverse-CDF draws. */
export interface CumulativeTable {
  readonly width: number;
  readonly cumulative: Float64Array;
}

export interface SamplingTables {
  readonly motherTongue: CumulativeTable;
  readonly usualLanguage: CumulativeTable;
  readonly religion: CumulativeTable;
  readonly marital: CumulativeTable;
  readonly education: CumulativeTable;
  readonly employment: CumulativeTable;
  readonly inactivity: CumulativeTable;
  readonly sector: CumulativeTable;
  readonly age85Plus: CumulativeTable;
}

/** Running sums along each row of `table` (a row that does not apply stays all zero). */
export function cumulativeOf(table: ConditionalTable): CumulativeTable {
  const width = table.categories.length;
  const cumulative = new Float64Array(table.probabilities.length);
  for (let row = 0; row < table.rows; row += 1) {
    let sum = 0;
    for (let k = 0; k < width; k += 1) {
      sum += table.probabilities[row * width + k]!;
      cumulative[row * width + k] = sum;
    }
  }
  return { width, cumulative };
}

export function samplingTablesOf(conditionals: ConditionalTables): SamplingTables {
  return {
    motherTongue: cumulativeOf(conditionals.motherTongueByUnit),
    usualLanguage: cumulativeOf(conditionals.usualLanguageByMotherTongue),
    religion: cumulativeOf(conditionals.religionByUnit),
    marital: cumulativeOf(conditionals.maritalBySexAge),
    education: cumulativeOf(conditionals.educationByUnit),
    employment: cumulativeOf(conditionals.employmentByRow),
    inactivity: cumulativeOf(conditionals.inactivityByAge),
    sector: cumulativeOf(conditionals.sector),
    age85Plus: cumulativeOf(conditionals.age85Plus),
  };
}

/**
 * Inverse-CDF draw from row `row`: one `rng.next()` scaled to the row's total, the first category
 * whose cumulative share exceeds it; the last category absorbs rounding at the top of the row.
 */
export function draw(table: CumulativeTable, row: number, rng: Rng): number {
  const base = row * table.width;
  const total = table.cumulative[base + table.width - 1]!;
  const u = rng.next() * total;
  for (let k = 0; k < table.width - 1; k += 1) {
    if (u < table.cumulative[base + k]!) return k;
  }
  return table.width - 1;
}

/**
 * The same inverse-CDF draw by bisection, for wide rows (name pools of 40–150): one `rng.next()`,
 * the first category whose cumulative share exceeds it.
 */
export function drawBisect(table: CumulativeTable, row: number, rng: Rng): number {
  const base = row * table.width;
  const u = rng.next() * table.cumulative[base + table.width - 1]!;
  let low = 0;
  let high = table.width - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (u < table.cumulative[base + mid]!) high = mid;
    else low = mid + 1;
  }
  return low;
}
