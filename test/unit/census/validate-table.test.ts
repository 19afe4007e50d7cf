import { describe, expect, it } from 'vitest';
import type { CensusTable } from '../../../src/census/census-table.js';
import { PERCENT_SUM_TOLERANCE, validateCensusTable } from '../../../src/census/validate-table.js';

const BASE: CensusTable = {
  id: 'ethnicity_by_region_partial',
  title: 'test',
  variables: ['region', 'ethnicity'],
  categories: [['chisinau', 'gagauzia'], ['moldovan', 'russian', 'gagauz']],
  values: [72.9, 5.9, null, null, null, 81.9],
  measure: 'row_percent',
  unit_multiplier: 1,
  partial: true,
  universe: 'test',
  universe_min_age: 0,
  source: { publisher: 'NBS', title: 't', table_id: 'x', url: 'https://example.org', reference_date: '2024-04-08' },
  retrieved: '2026-11-24',
  trust: 'B-',
  provenance: 'secondary',
  periodic: false,
  transform: 'none',
};

const problem = (table: unknown): string => {
  try {
    validateCensusTable(table, 'test.json');
  } catch (error) {
    expect(error).toMatchObject({ code: 'CENSUS_TABLE_INVALID' });
    return (error as Error).message;
  }
  throw new Error('expected CENSUS_TABLE_INVALID');
};

describe('validateCensusTable', () => {
  it('accepts a partial table whose published cells stay within each row', () => {
    expect(validateCensusTable(BASE, 'test.json').values).toEqual(BASE.values);
  });

  it('rejects a partly published row whose cells exceed 100', () => {
    expect(problem({ ...BASE, values: [72.9, 40, null, null, null, 81.9] })).toMatch(/published cells of row 1 sum to 112.9/);
  });

  it('allows the documented rounding tolerance and nothing beyond it', () => {
    const full = { ...BASE, partial: false, values: [60, 40 + PERCENT_SUM_TOLERANCE, 0, 50, 25, 25] };
    expect(() => validateCensusTable(full, 'test.json')).not.toThrow();
    expect(problem({ ...full, values: [60, 40 + PERCENT_SUM_TOLERANCE + 0.01, 0, 50, 25, 25] })).toMatch(/row 1 sums to/);
  });

  it('rejects a unit multiplier on a table that is not counts', () => {
    expect(problem({ ...BASE, unit_multiplier: 1000 })).toMatch(/only applies to counts/);
  });

  it('rejects secondary provenance with official trust', () => {
    expect(problem({ ...BASE, trust: 'A' })).toMatch(/belongs to official_snapshot/);
  });

  it('rejects a modelled table without a method', () => {
    expect(problem({ ...BASE, provenance: 'modelled' })).toMatch(/must state its method/);
  });
});
