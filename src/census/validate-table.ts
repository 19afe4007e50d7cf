/**
 * Validation of census data tables: the zod shape first, then the semantic rules a shape cannot
 * express (known category codes in domain order, cell count, sums, nulls only in partial tables,
 * trust matching provenance), then the set of tables against the spec list. Every failure is a
 * `ServiceError` naming the file and the problem, so a broken data file stops start-up with a
 * message that says where to look. Pure: the loader does the reading.
 */
import { z } from 'zod';
import { ServiceError } from '../errors.js';
import { CensusTableSchema, type CensusTable, type TrustLevel } from './census-table.js';
import { VARIABLE_DOMAINS } from './domains.js';
import type { TableSpec } from './table-specs.js';

/**
 * Allowed miss of a `percent` / `row_percent` sum, in percentage points. Published percentages are
 * rounded (k figures at one decimal can miss 100 by up to k × 0.05); the largest miss in the
 * shipped tables is 0.2 (the Bulgarian row of `ethnicity_age_profile`, 100.2).
 */
export const PERCENT_SUM_TOLERANCE = 0.25;
/** The same tolerance for `share` / `row_share` tables (sums to 1). */
export const SHARE_SUM_TOLERANCE = PERCENT_SUM_TOLERANCE / 100;

const OFFICIAL_TRUST: readonly TrustLevel[] = ['A', 'A-', 'B+', 'B'];
const SECONDARY_TRUST: readonly TrustLevel[] = ['B-', 'C'];

function invalid(file: string, problem: string, tableId?: string): ServiceError {
  return new ServiceError('CENSUS_TABLE_INVALID', `census table ${file}: ${problem}`, {
    details: { file, problem, ...(tableId === undefined ? {} : { table_id: tableId }) },
  });
}

/** Parses and checks one table read from `file` (a path used only in messages). */
export function validateCensusTable(raw: unknown, file: string): CensusTable {
  const parsed = CensusTableSchema.safeParse(raw);
  if (!parsed.success) throw invalid(file, `does not match the table schema:\n${z.prettifyError(parsed.error)}`);
  const table = parsed.data;
  const fail = (problem: string): ServiceError => invalid(file, problem, table.id);

  checkCategories(table, fail);
  checkCells(table, fail);
  checkSums(table, fail);
  checkProvenance(table, fail);
  return table;
}

function checkCategories(table: CensusTable, fail: (problem: string) => ServiceError): void {
  if (table.categories.length !== table.variables.length) {
    throw fail(`has ${table.variables.length} variables but ${table.categories.length} category lists`);
  }
  table.variables.forEach((variable, index) => {
    const domain: readonly string[] = VARIABLE_DOMAINS[variable];
    const codes = table.categories[index] ?? [];
    let previous = -1;
    for (const code of codes) {
      const position = domain.indexOf(code);
      if (position < 0) throw fail(`category '${code}' is not a code of variable '${variable}'`);
      if (position <= previous) {
        throw fail(`categories of '${variable}' must follow the domain order without repeats ('${code}' is out of place)`);
      }
      previous = position;
    }
  });
}

function checkCells(table: CensusTable, fail: (problem: string) => ServiceError): void {
  const cells = table.categories.reduce((product, codes) => product * codes.length, 1);
  if (table.values.length !== cells) {
    throw fail(`has ${table.values.length} values but its categories span ${cells} cells`);
  }
  if (table.values.includes(null) && table.partial !== true) {
    throw fail('has null (unpublished) cells but is not marked partial');
  }
  const published = table.published_shares_percent;
  if (published !== undefined && published.values.length !== cells) {
    throw fail(`published_shares_percent has ${published.values.length} values for ${cells} cells`);
  }
  if (table.measure === 'rate_percent') {
    const over = table.values.find((value) => value !== null && value > 100);
    if (over !== undefined) throw fail(`rate ${over} exceeds 100 percent`);
  }
  if (table.measure !== 'counts' && table.unit_multiplier !== 1) {
    throw fail(`unit_multiplier ${table.unit_multiplier} only applies to counts tables`);
  }
}

/** The sum rule of the measure: whole table (`percent`, `share`) or each row over the last variable. */
function checkSums(table: CensusTable, fail: (problem: string) => ServiceError): void {
  const perRow = table.measure === 'row_percent' || table.measure === 'row_share';
  const target = table.measure === 'percent' || table.measure === 'row_percent' ? 100 : 1;
  const tolerance = target === 100 ? PERCENT_SUM_TOLERANCE : SHARE_SUM_TOLERANCE;
  if (!perRow && table.measure !== 'percent' && table.measure !== 'share') return;

  const rowLength = perRow ? (table.categories.at(-1)?.length ?? 1) : table.values.length;
  for (let start = 0; start < table.values.length; start += rowLength) {
    const row = table.values.slice(start, start + rowLength);
    const sum = row.reduce<number>((total, value) => total + (value ?? 0), 0);
    const where = perRow ? `row ${start / rowLength + 1}` : 'the table';
    if (row.includes(null)) {
      // A partly published row can only be checked from above.
      if (sum > target + tolerance) throw fail(`published cells of ${where} sum to ${sum}, more than ${target}`);
    } else if (Math.abs(sum - target) > tolerance) {
      throw fail(`${where} sums to ${sum}, expected ${target} ± ${tolerance}`);
    }
  }
}

function checkProvenance(table: CensusTable, fail: (problem: string) => ServiceError): void {
  if (table.provenance === 'official_snapshot' && !OFFICIAL_TRUST.includes(table.trust)) {
    throw fail(`trust ${table.trust} is too low for official_snapshot (needs ${OFFICIAL_TRUST.join('/')})`);
  }
  if (table.provenance === 'secondary' && !SECONDARY_TRUST.includes(table.trust)) {
    throw fail(`trust ${table.trust} belongs to official_snapshot, not secondary (needs ${SECONDARY_TRUST.join('/')})`);
  }
  if (table.provenance === 'modelled' && (table.method === undefined || table.method.trim() === '')) {
    throw fail('a modelled table must state its method');
  }
}

export interface TableFile {
  readonly file: string;
  readonly table: CensusTable;
}

/**
 * Checks a set of validated tables against the spec list: each file is named `<id>.json`, no id
 * twice, no id the spec list does not know, variables and provenance as specified, and every
 * required id present (`CENSUS_TABLE_MISSING` otherwise).
 */
export function checkTablesAgainstSpecs(files: readonly TableFile[], specs: readonly TableSpec[]): void {
  const seen = new Map<string, string>();
  for (const { file, table } of files) {
    const fail = (problem: string): ServiceError => invalid(file, problem, table.id);
    const baseName = file.split(/[\\/]/).at(-1);
    if (baseName !== `${table.id}.json`) throw fail(`file name must be '${table.id}.json' for table id '${table.id}'`);
    const earlier = seen.get(table.id);
    if (earlier !== undefined) throw fail(`table id '${table.id}' is already defined in ${earlier}`);
    seen.set(table.id, file);

    const spec = specs.find((candidate) => candidate.id === table.id);
    if (spec === undefined) throw fail(`unknown table id '${table.id}' (not in the table spec list)`);
    if (spec.variables.join(',') !== table.variables.join(',')) {
      throw fail(`variables [${table.variables.join(', ')}] differ from the spec [${spec.variables.join(', ')}]`);
    }
    if (spec.expected_provenance !== table.provenance) {
      throw fail(`provenance '${table.provenance}' differs from the spec's '${spec.expected_provenance}'`);
    }
  }
  const missing = specs.filter((spec) => spec.required && !seen.has(spec.id));
  if (missing.length > 0) {
    const names = missing.map((spec) => `${spec.id}.json`);
    throw new ServiceError('CENSUS_TABLE_MISSING', `census data is missing required table file(s): ${names.join(', ')}`, {
      details: { files: names, table_ids: missing.map((spec) => spec.id) },
    });
  }
}
