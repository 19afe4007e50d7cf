/**
 * The shipped census tables read straight from `data/census` (plain JSON, no project code), so
 * generation tests compute their expected values from the figures, not from the code under test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CENSUS_DIR = fileURLToPath(new URL('../../data/census/', import.meta.url));

export interface ShippedTableFile {
  readonly id: string;
  readonly variables: readonly string[];
  readonly categories: readonly (readonly string[])[];
  readonly values: readonly (number | null)[];
  readonly measure: string;
  readonly unit_multiplier?: number;
}

/** `data/census/<id>.json`, or `data/census/modelled/<id>.json` for a modelled table. */
export function shippedTableFile(id: string): ShippedTableFile {
  const official = `${CENSUS_DIR}${id}.json`;
  const path = existsSync(official) ? official : `${CENSUS_DIR}modelled/${id}.json`;
  return JSON.parse(readFileSync(path, 'utf8')) as ShippedTableFile;
}

/** The cell at `codes` (one per variable, row-major, last variable fastest); null when unpublished. */
export function fileCell(file: ShippedTableFile, codes: readonly string[]): number | null {
  let offset = 0;
  codes.forEach((code, v) => {
    const at = file.categories[v]!.indexOf(code);
    if (at < 0) throw new Error(`${file.id} has no ${file.variables[v]} ${code}`);
    offset = offset * file.categories[v]!.length + at;
  });
  return file.values[offset] ?? null;
}

/** A one-variable table as shares by code (summing to 1). */
export function fileShares(id: string): Record<string, number> {
  const file = shippedTableFile(id);
  const total = file.values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
  return Object.fromEntries(file.categories[0]!.map((code, i) => [code, (file.values[i] ?? 0) / total]));
}
