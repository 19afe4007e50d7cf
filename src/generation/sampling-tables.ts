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
    usualLanguage: cumulativeOf(conditionals.usualLanguageByPlace),
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
 * Rows of weights as Walker alias tables (Vose's construction), for wide rows such as name pools
 * of 40–150: a draw is one `rng.next()` and one comparison, whatever the width. Slot k of a row
 * keeps category k with probability `probability[k]`, else gives `alias[k]`.
 */
export interface AliasTable {
  readonly width: number;
  readonly probability: Float64Array;
  readonly alias: Int32Array;
}

export function aliasTableOf(rows: readonly (readonly number[])[]): AliasTable {
  const width = rows[0]!.length;
  const probability = new Float64Array(rows.length * width);
  const alias = new Int32Array(rows.length * width);
  rows.forEach((row, r) => {
    const total = row.reduce((sum, weight) => sum + weight, 0);
    const scaled = row.map((weight) => (weight * width) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((value, k) => (value < 1 ? small : large).push(k));
    while (small.length > 0 && large.length > 0) {
      const less = small.pop()!;
      const more = large[large.length - 1]!;
      probability[r * width + less] = scaled[less]!;
      alias[r * width + less] = more;
      scaled[more]! -= 1 - scaled[less]!;
      if (scaled[more]! < 1) small.push(large.pop()!);
    }
    // What is left holds (up to rounding) exactly one slot's worth: it keeps itself.
    for (const k of [...small, ...large]) {
      probability[r * width + k] = 1;
      alias[r * width + k] = k;
    }
  });
  return { width, probability, alias };
}

/** A draw from row `row` of an alias table: the slot from the integer part of one `rng.next()·width`, the choice from its fraction. */
export function drawAlias(table: AliasTable, row: number, rng: Rng): number {
  return drawAliasAt(table, row, rng.next());
}

/** The alias draw for a given uniform `uniform` ∈ [0, 1). */
export function drawAliasAt(table: AliasTable, row: number, uniform: number): number {
  const u = uniform * table.width;
  const slot = Math.floor(u);
  const at = row * table.width + slot;
  return u - slot < table.probability[at]! ? slot : table.alias[at]!;
}
