/**
 * The exact-age shapes (issue 13) against values worked out by hand from the stated facts: entry
 * at exact age uniform over [6, 8), the June before the 8 April count, completed school years.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGE_COUNT, completedShare, educationByExactAge, interpolateGroups, maritalByExactAge } from '../../../src/generation/age-schedules.js';
import { AGE_GROUPS, EDUCATION_LEVELS, MARITAL_STATUSES } from '../../../src/domain/categories.js';

const K = EDUCATION_LEVELS.length;
const at = (code: (typeof EDUCATION_LEVELS)[number]) => EDUCATION_LEVELS.indexOf(code);

/** Every group a cohort whose final level is `final` (one-hot). */
function oneLevel(final: (typeof EDUCATION_LEVELS)[number]): Float64Array {
  const rows = new Float64Array(AGE_GROUPS.length * K);
  for (let g = 0; g < AGE_GROUPS.length; g += 1) rows[g * K + at(final)] = 1;
  return rows;
}

describe('completedShare: who has finished T school years at the count', () => {
  it('matches the hand computation: primary (4 years) at 10 is (10.5 − 4 + 0.2 − 6) / 2 = 0.35', () => {
    expect(completedShare(10, 4)).toBeCloseTo(0.35, 12);
    // At 11 the share is (X − 9.8) / 2 capped at 1: 0.8 of the year averages 0.8, the rest is 1.
    expect(completedShare(11, 4)).toBeCloseTo(0.84, 12);
    expect(completedShare(12, 4)).toBe(1);
    expect(completedShare(8, 4)).toBe(0);
    // A 3-year bachelor's (15 years) at 20: only X in [20.8, 21) with an entry at 6.0–6.2: 0.01.
    expect(completedShare(20, 15)).toBeCloseTo(0.01, 12);
  });

  it('never falls with age and never rises with the years needed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 84 }), fc.integer({ min: 1, max: 20 }), (a, years) => {
        expect(completedShare(a + 1, years)).toBeGreaterThanOrEqual(completedShare(a, years));
        expect(completedShare(a, years + 1)).toBeLessThanOrEqual(completedShare(a, years));
      }),
    );
  });
});

describe('educationByExactAge', () => {
  const tertiary = educationByExactAge(oneLevel('tertiary'));

  it('gives future graduates no degree before 20 and at most 2% at 20; by 25 all hold one', () => {
    for (let a = 10; a < 20; a += 1) expect(tertiary[a * K + at('tertiary')]).toBe(0);
    expect(tertiary[20 * K + at('tertiary')]).toBeLessThanOrEqual(0.02);
    expect(tertiary[25 * K + at('tertiary')]).toBeCloseTo(1, 12);
  });

  it('counts pupils who have not finished primary as no schooling, and 12-13-year-olds as primary', () => {
    // 10-year-olds: 35% have finished grade IV.
    expect(tertiary[10 * K + at('no_schooling')]).toBeCloseTo(0.65, 12);
    for (const a of [12, 13]) expect(tertiary[a * K + at('primary')]).toBeCloseTo(1, 12);
    // At 14, those of exact age 14.8+ who entered at 6.0 have finished the gymnasium: 1%.
    expect(tertiary[14 * K + at('lower_secondary')]).toBeCloseTo(0.01, 12);
    // 15-year-olds: 35% have finished the gymnasium (9 years).
    expect(tertiary[15 * K + at('lower_secondary')]).toBeCloseTo(0.35, 12);
  });

  it('keeps each row a distribution, and a final level never shows before its path allows', () => {
    for (const final of EDUCATION_LEVELS) {
      const rows = educationByExactAge(oneLevel(final));
      for (let a = 10; a < AGE_COUNT; a += 1) {
        const row = Array.from(rows.subarray(a * K, a * K + K));
        expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      }
      expect(rows[40 * K + at(final)]).toBeCloseTo(1, 12);
    }
  });
});

describe('interpolateGroups', () => {
  it('is exact at group middles and linear between them', () => {
    const rows = new Float64Array(AGE_GROUPS.length * 2);
    AGE_GROUPS.forEach((_, g) => rows.set([g / 20, 1 - g / 20], g * 2));
    const out = interpolateGroups(rows, 2, 0, () => true);
    expect(out[22 * 2]).toBeCloseTo(4 / 20, 12);
    expect(out[24 * 2]).toBeCloseTo(4 / 20 + (2 / 5) * (1 / 20), 12);
    expect(out[0 * 2]).toBeCloseTo(0, 12);
  });
});

describe('maritalByExactAge', () => {
  const NEVER = MARITAL_STATUSES.indexOf('never_married');
  const MARRIED = MARITAL_STATUSES.indexOf('married');
  const rows = new Float64Array(AGE_GROUPS.length * 4);
  for (let g = 3; g < AGE_GROUPS.length; g += 1) rows.set([0.3, 0.5, 0.1, 0.1], g * 4);

  it('marries nobody under 16 and 0.1% / 0.3% of women at 16 / 17; the 15-19 row is not read', () => {
    const women = maritalByExactAge(rows, 'female');
    expect(women[15 * 4 + NEVER]).toBe(1);
    expect(women[16 * 4 + MARRIED]).toBeCloseTo(0.001, 12);
    expect(women[17 * 4 + MARRIED]).toBeCloseTo(0.003, 12);
    expect(women[22 * 4 + MARRIED]).toBeCloseTo(0.5, 12);
  });
});
