import { describe, expect, it } from 'vitest';
import type { CensusTable, ResolvedTable } from '../../../src/census/census-table.js';
import { AGE_GROUPS, ageGroupOf } from '../../../src/domain/categories.js';
import { ageGroupOfAgeIndex, matrixOf, normalise, rowSharesOf, sharesOf, tableOf, valueAt } from '../../../src/generation/table-view.js';

/** A hand-made table: only the fields the views read matter, the rest satisfies the type. */
function table(overrides: Pick<CensusTable, 'variables' | 'categories' | 'values'> & Partial<CensusTable>): CensusTable {
  return {
    id: 'fixture',
    title: 'a hand-made table',
    measure: 'counts',
    unit_multiplier: 1,
    universe: 'persons',
    universe_min_age: 0,
    source: { publisher: 'test', title: 'test', table_id: 't', url: 'about:blank', reference_date: '2024' },
    retrieved: '2026-01-01',
    trust: 'A',
    provenance: 'official_snapshot',
    periodic: false,
    transform: '',
    ...overrides,
  };
}

const invalid = expect.objectContaining({ code: 'CENSUS_TABLE_INVALID' });

describe('sharesOf', () => {
  const sex = table({ variables: ['sex'], categories: [['male', 'female']], values: [30, 70] });

  it('returns shares in the order of the asked codes, not of the table', () => {
    expect(Array.from(sharesOf(sex, ['female', 'male']))).toEqual([0.7, 0.3]);
  });

  it('gives 0 to an asked code the table does not have', () => {
    expect(Array.from(sharesOf(sex, ['female', 'other', 'male']))).toEqual([0.7, 0, 0.3]);
  });

  it('refuses a table code that is not asked for, an unpublished cell, no mass, or two variables', () => {
    expect(() => sharesOf(sex, ['female'])).toThrow(invalid);
    expect(() => sharesOf(table({ variables: ['sex'], categories: [['male', 'female']], values: [30, null] }), ['female', 'male'])).toThrow(invalid);
    expect(() => sharesOf(table({ variables: ['sex'], categories: [['male', 'female']], values: [0, 0] }), ['female', 'male'])).toThrow(invalid);
    const twoWay = table({ variables: ['sex', 'residence'], categories: [['male'], ['urban']], values: [1] });
    expect(() => sharesOf(twoWay, ['male'])).toThrow(invalid);
  });
});

describe('matrixOf and rowSharesOf', () => {
  // residence × sex, with one unpublished cell.
  const residenceSex = table({
    variables: ['residence', 'sex'],
    categories: [
      ['urban', 'rural'],
      ['female', 'male'],
    ],
    values: [6, 4, null, 5],
    measure: 'row_share',
  });

  it('lays the cells out as asked rows × asked columns; unknown codes and unpublished cells are null', () => {
    expect(matrixOf(residenceSex, ['rural', 'urban', 'abroad'], ['male', 'female'])).toEqual([
      [5, null],
      [4, 6],
      [null, null],
    ]);
  });

  it('refuses a table that is not two-way', () => {
    expect(() => matrixOf(table({ variables: ['sex'], categories: [['male']], values: [1] }), ['male'], ['x'])).toThrow(invalid);
  });

  it('gives a row as shares, an unpublished cell counting 0; null for a row with nothing published', () => {
    expect(Array.from(rowSharesOf(residenceSex, 'urban', ['female', 'male'])!)).toEqual([0.6, 0.4]);
    expect(Array.from(rowSharesOf(residenceSex, 'rural', ['female', 'male'])!)).toEqual([0, 1]);
    expect(rowSharesOf(residenceSex, 'abroad', ['female', 'male'])).toBeNull();
    const zeros = table({ ...residenceSex, values: [0, 0, 1, 1] });
    expect(rowSharesOf(zeros, 'urban', ['female', 'male'])).toBeNull();
  });
});

describe('normalise', () => {
  it('turns masses into shares of their total, and an all-zero row into zeros', () => {
    expect(normalise(Float64Array.of(1, 3))).toEqual([0.25, 0.75]);
    expect(normalise([0, 0])).toEqual([0, 0]);
  });
});

describe('valueAt', () => {
  // sex × residence × employment status: offset = (s · 2 + r) · 3 + k.
  const cube = table({
    variables: ['sex', 'residence', 'employment_status'],
    categories: [
      ['female', 'male'],
      ['urban', 'rural'],
      ['employed', 'unemployed', 'inactive'],
    ],
    values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null],
  });

  it('finds a cell by one code per variable, the last variable fastest', () => {
    expect(valueAt(cube, ['female', 'urban', 'employed'])).toBe(0);
    expect(valueAt(cube, ['female', 'rural', 'inactive'])).toBe(5);
    expect(valueAt(cube, ['male', 'urban', 'unemployed'])).toBe(7);
  });

  it('gives null for an unpublished cell or a code the table does not have', () => {
    expect(valueAt(cube, ['male', 'rural', 'inactive'])).toBeNull();
    expect(valueAt(cube, ['male', 'abroad', 'inactive'])).toBeNull();
  });

  it('refuses a wrong number of codes', () => {
    expect(() => valueAt(cube, ['male', 'urban'])).toThrow(invalid);
  });
});

describe('ageGroupOfAgeIndex', () => {
  it('maps an age index to its 5-year group, the open group 85+ last', () => {
    expect([0, 4, 5, 17, 18, 84, 85].map(ageGroupOfAgeIndex)).toEqual([0, 0, 1, 3, 3, 16, 17]);
  });

  it("agrees with the domain's ageGroupOf for every age (85..100 share the open group's index)", () => {
    for (let age = 0; age <= 100; age += 1) expect({ age, group: AGE_GROUPS[ageGroupOfAgeIndex(Math.min(age, 85))] }).toEqual({ age, group: ageGroupOf(age) });
  });
});

describe('tableOf', () => {
  it('finds a table of the snapshot by id, and names a missing one CENSUS_TABLE_MISSING', () => {
    const sex = table({ id: 'sex', variables: ['sex'], categories: [['female']], values: [1] }) as ResolvedTable;
    expect(tableOf({ sex }, 'sex')).toBe(sex);
    expect(() => tableOf({ sex }, 'religion')).toThrow(expect.objectContaining({ code: 'CENSUS_TABLE_MISSING', details: { id: 'religion' } }));
  });
});
