import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { DISTRICT_CATEGORIES } from '../../../src/domain/categories.js';
import { band10OfAgeIndex, buildKeyPrior } from '../../../src/generation/prior.js';
import { fileCell, shippedTableFile } from '../../helpers/census-files.js';
import { KEY_SIZES, cellAt, forEachKeyCell, sumBy } from '../../helpers/key-cells.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

// Residence codes in catalogue order, as the key joint indexes them.
const RESIDENCES = ['urban', 'rural'];
const districtResidence = shippedTableFile('district_by_residence');
const DISTRICTS = districtResidence.categories[0]!;

let tables: InputSnapshot['tables'];
let prior: Float64Array;
beforeAll(async () => {
  tables = (await shippedSnapshot()).tables;
  prior = buildKeyPrior(tables);
});

/** Mass of the prior by (district, residence, age index), over sex and ethnicity. */
const byDistrictResidenceAge = () =>
  sumBy(prior, KEY_SIZES.district * 2 * KEY_SIZES.age, (at) => (at.district * 2 + at.residence) * KEY_SIZES.age + at.age);

describe('band10OfAgeIndex', () => {
  it('maps an age index to its 10-year band of the ethnicity age profile (80+ last)', () => {
    expect([0, 9, 10, 79, 80, 85].map(band10OfAgeIndex)).toEqual([0, 0, 1, 7, 8, 8]);
  });
});

describe('buildKeyPrior on the shipped snapshot', () => {
  it('gives every one of the 108,360 cells a finite, non-negative mass', () => {
    expect(prior).toHaveLength(108_360);
    expect(prior.every((mass) => Number.isFinite(mass) && mass >= 0)).toBe(true);
  });

  it('gives each district × residence exactly its census persons, so the prior sums to the census total 2,409,207', () => {
    const sums = sumBy(prior, KEY_SIZES.district * 2, (at) => at.district * 2 + at.residence);
    DISTRICTS.forEach((district, d) =>
      RESIDENCES.forEach((residence, r) => {
        const persons = fileCell(districtResidence, [district, residence])!;
        expect({ district, residence, persons: sums[d * 2 + r]! }).toEqual({ district, residence, persons: expect.closeTo(persons, 6) });
      }),
    );
    expect(prior.reduce((a, b) => a + b, 0)).toBeCloseTo(2_409_207, 4);
  });

  it('keeps the structural zero of the census: no urban persons in Dubăsari, in any cell', () => {
    expect(fileCell(districtResidence, ['dubasari', 'urban'])).toBe(0);
    const d = DISTRICTS.indexOf('dubasari');
    const urbanDubasari: number[] = [];
    forEachKeyCell((cell, at) => {
      if (at.district === d && at.residence === 0) urbanDubasari.push(prior[cell]!);
    });
    expect(urbanDubasari).toHaveLength(2 * 9 * 86);
    expect(urbanDubasari.every((mass) => mass === 0)).toBe(true);
  });

  it('splits each age by sex with the modelled female share of its 5-year group (no age × sex × residence table offline)', () => {
    expect(tables['age_sex_residence']).toBeUndefined();
    const modelled = shippedTableFile('sex_by_age_modelled');
    const groups = modelled.categories[0]!;
    // The group whose printed bounds hold the age ('85+' holds the open group).
    const groupOf = (age: number) =>
      groups.find((code) => {
        const [min, max] = code.endsWith('+') ? [Number(code.slice(0, -1)), Infinity] : code.split('-').map(Number);
        return age >= min! && age <= max!;
      })!;
    const bySex = sumBy(prior, KEY_SIZES.district * 2 * 2 * KEY_SIZES.age, (at) =>
      ((at.district * 2 + at.residence) * 2 + at.sex) * KEY_SIZES.age + at.age,
    );
    for (let d = 0; d < KEY_SIZES.district; d += 1)
      for (let r = 0; r < 2; r += 1)
        for (let a = 0; a < KEY_SIZES.age; a += 1) {
          const female = bySex[((d * 2 + r) * 2 + 0) * KEY_SIZES.age + a]!;
          const male = bySex[((d * 2 + r) * 2 + 1) * KEY_SIZES.age + a]!;
          // 60-62: women are over working age, men not: the broad-group tilts differ by sex there.
          if (female + male === 0 || (a >= 60 && a <= 62)) continue;
          const group = groupOf(a);
          const expected = fileCell(modelled, [group, 'female'])! / (fileCell(modelled, [group, 'female'])! + fileCell(modelled, [group, 'male'])!);
          if (Math.abs(female / (female + male) - expected) > 1e-12) {
            expect({ district: DISTRICTS[d], residence: RESIDENCES[r], age: a, share: female / (female + male) }).toEqual({
              district: DISTRICTS[d],
              residence: RESIDENCES[r],
              age: a,
              share: expected,
            });
          }
        }
  });

  it('gives every district the national single-age shape within each broad age class (0-15, 16-59, 63+; 60-62 straddle the sex-specific bounds)', () => {
    const national = shippedTableFile('age_single').values as number[];
    const mass = byDistrictResidenceAge();
    const districtAge = (d: number, a: number) => mass[(d * 2) * KEY_SIZES.age + a]! + mass[(d * 2 + 1) * KEY_SIZES.age + a]!;
    const pairs = [
      [3, 12],
      [0, 15],
      [16, 40],
      [25, 59],
      [63, 85],
      [70, 80],
    ] as const;
    for (let d = 0; d < KEY_SIZES.district; d += 1) {
      for (const [a, b] of pairs) {
        const ratio = districtAge(d, a) / districtAge(d, b);
        expect({ district: DISTRICTS[d], a, b, ratio }).toEqual({ district: DISTRICTS[d], a, b, ratio: expect.closeTo(national[a]! / national[b]!, 9) });
      }
    }
  });

  it("tilts each district's broad age groups by its census broad-age mix: between two units of one area, the group odds follow the census", () => {
    // Within one area everything but the unit tilt t_d(k) is the same, so for units d1, d2
    // [M(d1, k) / M(d1, 0)] / [M(d2, k) / M(d2, 0)] = [s(k | d1) / s(0 | d1)] / [s(k | d2) / s(0 | d2)],
    // s the census broad-age shares; groups with the bounds of docs/method.md §1.1 (sex 0 = female).
    const broad = shippedTableFile('district_by_broad_age');
    const classes = broad.categories[1]!;
    const groupOf = (age: number, sex: number) => (age <= 15 ? 0 : age >= (sex === 0 ? 60 : 63) ? 2 : 1);
    const rural = 1;
    const mass = sumBy(prior, KEY_SIZES.district * 3, (at) => (at.residence === rural ? at.district * 3 + groupOf(at.age, at.sex) : -1));
    const census = DISTRICTS.map((district) => classes.map((k) => fileCell(broad, [district, k])!));
    for (let d = 1; d < KEY_SIZES.district; d += 1)
      for (const k of [1, 2]) {
        const prior2 = mass[d * 3 + k]! / mass[d * 3]! / (mass[k]! / mass[0]!);
        const census2 = census[d]![k]! / census[d]![0]! / (census[0]![k]! / census[0]![0]!);
        expect({ district: DISTRICTS[d], k, ratio: prior2 }).toEqual({ district: DISTRICTS[d], k, ratio: expect.closeTo(census2, 9) });
      }
  });

  it('draws ethnicity from region, residence and 10-year age band only: same shares across the districts of a region, sexes and ages of a band', () => {
    const regionOf = DISTRICT_CATEGORIES.map((district) => district.region);
    const band = (a: number) => Math.min(8, Math.floor(a / 10));
    const reference = new Map<string, number[]>();
    let compared = 0;
    for (let d = 0; d < KEY_SIZES.district; d += 1)
      for (let r = 0; r < 2; r += 1)
        for (let s = 0; s < 2; s += 1)
          for (let a = 0; a < KEY_SIZES.age; a += 1) {
            const row = Array.from({ length: 9 }, (_, e) => prior[cellAt({ district: d, residence: r, sex: s, ethnicity: e, age: a })]!);
            const total = row.reduce((x, y) => x + y, 0);
            if (total === 0) continue;
            const shares = row.map((v) => v / total);
            const key = `${regionOf[d]}|${r}|${band(a)}`;
            const first = reference.get(key);
            if (!first) {
              reference.set(key, shares);
              continue;
            }
            compared += 1;
            shares.forEach((share, e) => {
              if (Math.abs(share - first[e]!) > 1e-12) expect({ key, e, share }).toEqual({ key, e, share: first[e] });
            });
          }
    expect(compared).toBeGreaterThan(10_000);
  });
});
