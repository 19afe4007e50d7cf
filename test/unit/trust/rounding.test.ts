// The rounding unit of each shipped table, read from the table file (or its documented override),
// and the floor a row of K cells gets from it. Expected units are worked out by hand from the files.
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { decimalsOf, ROUNDING_OVERRIDES, roundingFloor, roundingHalfUnitOf } from '../../../src/trust/rounding.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let snapshot: InputSnapshot;
beforeAll(async () => {
  snapshot = await shippedSnapshot();
});

const unitOf = (id: string) => {
  const table = snapshot.tables[id];
  if (table === undefined) throw new Error(`no table ${id} in the shipped snapshot`);
  return roundingHalfUnitOf(table);
};

describe('decimalsOf', () => {
  it('counts the decimals a JSON number carries, exponent notation included', () => {
    expect([61, 18.1, 76.73, 0.000088, 8.8e-7, 1.5e-10, 1200].map(decimalsOf)).toEqual([0, 1, 2, 6, 8, 11, 0]);
  });
});

describe('roundingHalfUnitOf', () => {
  it('reads the unit from the shipped table files', () => {
    // exact counts
    for (const id of ['district', 'mother_tongue', 'religion', 'district_by_residence', 'age_single']) expect(unitOf(id)).toBe(0);
    // thousands with one decimal: half of 100 persons over the published 2,409.2k
    expect(unitOf('sex')).toBeCloseTo(50 / 2_409_200, 15);
    expect(unitOf('region')).toBeCloseTo(50 / 2_409_200, 15);
    // percent: two decimals (ethnicity, ethnicity × residence), one printed decimal (education: the
    // values are renormalised to four decimals, published_shares_percent says what was printed)
    expect(unitOf('ethnicity')).toBeCloseTo(0.00005, 15);
    expect(unitOf('ethnicity_by_residence')).toBeCloseTo(0.00005, 15);
    expect(unitOf('education_10plus')).toBeCloseTo(0.0005, 15);
    expect(unitOf('marital_status_15plus')).toBeCloseTo(0.0005, 15);
    expect(unitOf('ethnicity_by_region_partial')).toBeCloseTo(0.0005, 15);
    // overrides: where the file does not tell what was published
    expect(unitOf('labour_status_15plus')).toBe(0.0005);
    expect(unitOf('mother_tongue_by_ethnicity')).toBe(0.00005);
  });

  it('gives every shipped table a finite unit, and overrides only tables that exist, with a reason', () => {
    for (const table of Object.values(snapshot.tables)) {
      const unit = roundingHalfUnitOf(table);
      expect(Number.isFinite(unit) && unit >= 0 && unit < 0.01, table.id).toBe(true);
    }
    for (const override of ROUNDING_OVERRIDES) {
      expect(snapshot.tables[override.table_id], override.table_id).toBeDefined();
      expect(override.reason.length).toBeGreaterThan(40);
    }
  });
});

describe('roundingFloor', () => {
  it('is (K − 1)·h: a residual cell carries the error of the K − 1 others', () => {
    expect(roundingFloor(4, 0.0005)).toBeCloseTo(0.0015, 15);
    expect(roundingFloor(2, 0.0005)).toBeCloseTo(0.0005, 15);
    expect(roundingFloor(1, 0.0005)).toBe(0);
    expect(roundingFloor(9, 0)).toBe(0);
  });
});
