/**
 * Typed reads of census tables: a snapshot's table by id, shares aligned to a list of codes, rows
 * of conditional tables, and the age group of a key-joint age index (how tables by age group are
 * read per single age); plus `normalise`, masses to shares. The generator never indexes `values`
 * by hand; it asks for a variable's codes in catalogue order.
 */
import type { CensusTable, InputSnapshot } from '../census/census-table.js';
import { AGE_GROUPS } from '../domain/categories.js';
import { ServiceError } from '../errors.js';

/** The snapshot's table `id`. @throws ServiceError `CENSUS_TABLE_MISSING` when it has none */
export function tableOf(tables: InputSnapshot['tables'], id: string) {
  const table = tables[id];
  if (!table) throw new ServiceError('CENSUS_TABLE_MISSING', `the input snapshot has no table ${id}`, { details: { id } });
  return table;
}

/** 5-year age group index of an age index (85+ is the last group). */
export function ageGroupOfAgeIndex(ageIndex: number): number {
  return Math.min(AGE_GROUPS.length - 1, Math.floor(ageIndex / 5));
}

function missing(table: CensusTable, what: string): never {
  throw new ServiceError('CENSUS_TABLE_INVALID', `table ${table.id}: ${what}`, { details: { table: table.id } });
}

/** Shares (summing to 1) of a one-variable table, aligned to `codes`; codes absent from the table get 0. */
export function sharesOf(table: CensusTable, codes: readonly string[]): Float64Array {
  if (table.variables.length !== 1) missing(table, 'expected one variable');
  const tableCodes = table.categories[0]!;
  const shares = new Float64Array(codes.length);
  let total = 0;
  tableCodes.forEach((code, i) => {
    const at = codes.indexOf(code);
    const value = table.values[i];
    if (at < 0) missing(table, `category ${code} is not among the expected codes`);
    if (value === null || value === undefined) missing(table, `category ${code} has no value`);
    shares[at] = value;
    total += value;
  });
  if (!(total > 0)) missing(table, 'no mass');
  for (let i = 0; i < shares.length; i += 1) shares[i]! /= total;
  return shares;
}

/**
 * The cells of a two-variable table as rows over the second variable, aligned to `rowCodes` ×
 * `colCodes`; unpublished cells are `null`, codes absent from the table give a null row/cell.
 */
export function matrixOf(
  table: CensusTable,
  rowCodes: readonly string[],
  colCodes: readonly string[],
): (number | null)[][] {
  if (table.variables.length !== 2) missing(table, 'expected two variables');
  const [tableRows, tableCols] = [table.categories[0]!, table.categories[1]!];
  return rowCodes.map((row) => {
    const r = tableRows.indexOf(row);
    return colCodes.map((col) => {
      const c = tableCols.indexOf(col);
      if (r < 0 || c < 0) return null;
      const value = table.values[r * tableCols.length + c];
      return value === undefined ? null : value;
    });
  });
}

/** Row `rowCode` of a conditional table as shares over `colCodes` (null cells count as 0). */
export function rowSharesOf(table: CensusTable, rowCode: string, colCodes: readonly string[]): Float64Array | null {
  const [row] = matrixOf(table, [rowCode], colCodes);
  if (!row || row.every((value) => value === null)) return null;
  const shares = Float64Array.from(row, (value) => value ?? 0);
  const total = shares.reduce((sum, value) => sum + value, 0);
  if (!(total > 0)) return null;
  return shares.map((value) => value / total);
}

/** Masses as shares of their total (all zero when the total is not positive). */
export function normalise(values: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i]!;
  return Array.from(values, (v) => (total > 0 ? v / total : 0));
}

/** The value of the cell at `codes` (one code per variable); null when unpublished or absent. */
export function valueAt(table: CensusTable, codes: readonly string[]): number | null {
  if (codes.length !== table.variables.length) missing(table, `expected ${table.variables.length} codes`);
  let offset = 0;
  for (let v = 0; v < codes.length; v += 1) {
    const categories = table.categories[v]!;
    const at = categories.indexOf(codes[v]!);
    if (at < 0) return null;
    offset = offset * categories.length + at;
  }
  return table.values[offset] ?? null;
}
