import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSISTENCY_RULES } from '../../../src/generation/consistency.js';
import { addCountsInPlace, emptyCounts, type ShardCounts } from '../../../src/generation/shard-counts.js';

/** Tally sizes, counted by hand from the census categories (SPEC §4) and the cross-tabs. */
const SIZES: Record<keyof ShardCounts, number> = {
  sex: 2,
  age_group: 18,
  region: 5,
  district: 35,
  residence: 2,
  ethnicity: 9,
  mother_tongue: 9,
  language_usually_spoken: 9,
  religion: 13,
  marital_status: 4,
  education_level: 6,
  employment_status: 3,
  inactivity_reason: 4,
  economic_sector: 4,
  residence_ethnicity: 2 * 9,
  region_ethnicity: 5 * 9,
  ethnicity_mother_tongue: 9 * 9,
  ethnicity_religion: 9 * 13,
  region_residence: 5 * 2,
  consistency: CONSISTENCY_RULES.length,
  // Five plausibility rules (degree before 21, married under 16 and 18, pensioner under 45, student over 35).
  plausibility_population: 5,
  plausibility_flagged: 5,
  duplicate_ids: 1,
  // The unit checks (issue #12): 35 units, 2 areas, 3 broad age groups, 6 LFS age groups, 4 LFS regions.
  district_mother_tongue: 35 * 9,
  district_religion: 35 * 13,
  district_sex: 35 * 2,
  district_broad_age: 35 * 3,
  residence_broad_age: 2 * 3,
  residence_education: 2 * 6,
  district_education: 35 * 6,
  education_sex: 6 * 2,
  working_sex_employment: 2 * 3,
  working_residence_employment: 2 * 3,
  region_lfs_employment: 4 * 3,
  unemployed_age_sex: 6 * 2,
  youth_employment: 3,
  youth_inactivity: 4,
  residence_sector: 2 * 4,
  elderly_sex: 2,
  age_sex: 18 * 2,
};

describe('emptyCounts', () => {
  it('has one zeroed Int32 tally per field and cross-tab, sized by its categories', () => {
    const counts = emptyCounts();
    expect(Object.keys(counts).sort()).toEqual(Object.keys(SIZES).sort());
    for (const [key, size] of Object.entries(SIZES)) {
      const tally = counts[key as keyof ShardCounts];
      expect(tally).toBeInstanceOf(Int32Array);
      expect({ key, length: tally.length, zero: tally.every((v) => v === 0) }).toEqual({ key, length: size, zero: true });
    }
  });

  it('gives fresh tallies each time (shards never share one)', () => {
    const a = emptyCounts();
    const b = emptyCounts();
    a.sex[0] = 5;
    expect(b.sex[0]).toBe(0);
  });
});

describe('addCountsInPlace', () => {
  const countsArbitrary = fc
    .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 21, maxLength: 21 })
    .map((seeds) => {
      const counts = emptyCounts();
      (Object.keys(SIZES) as (keyof ShardCounts)[]).forEach((key, i) => counts[key].forEach((_, k) => (counts[key][k] = (seeds[i]! * (k + 1)) % 9973)));
      return counts;
    });
  const plain = (counts: ShardCounts) => Object.fromEntries(Object.entries(counts).map(([key, tally]) => [key, Array.from(tally)]));

  it('adds every tally cell by cell, leaves the source alone, and gives the same merge in either order (property)', () => {
    fc.assert(
      fc.property(countsArbitrary, countsArbitrary, (a, b) => {
        const before = { a: plain(a), b: plain(b) };
        const ab = emptyCounts();
        addCountsInPlace(ab, a);
        addCountsInPlace(ab, b);
        const ba = emptyCounts();
        addCountsInPlace(ba, b);
        addCountsInPlace(ba, a);
        expect(plain(ab)).toEqual(plain(ba));
        for (const key of Object.keys(SIZES) as (keyof ShardCounts)[]) {
          expect(Array.from(ab[key])).toEqual(before.a[key]!.map((v, k) => v + before.b[key]![k]!));
        }
        expect(plain(a)).toEqual(before.a);
        expect(plain(b)).toEqual(before.b);
      }),
      { numRuns: 50 },
    );
  });
});
