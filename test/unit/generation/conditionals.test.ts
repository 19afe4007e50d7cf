import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { DEFAULT_CALIBRATION, SUBFIT_OPTIONS, calibrateKeyJoint } from '../../../src/generation/calibration.js';
import { DISTRICTS, DISTRICT_REGION_INDEX } from '../../../src/domain/categories.js';
import { fitEthnolinguistic } from '../../../src/generation/ethnolinguistic.js';
import { fitReligionByUnit } from '../../../src/generation/religion-by-unit.js';
import {
  buildConditionals,
  rakeConditional,
  type ConditionalTable,
  type ConditionalTables,
  type PopulationMasses,
} from '../../../src/generation/conditionals.js';
import { fileCell, fileShares, shippedTableFile } from '../../helpers/census-files.js';
import { KEY_SIZES, sumBy } from '../../helpers/key-cells.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

const AGES = KEY_SIZES.age;
const ETHNICITIES = ['moldovan', 'romanian', 'ukrainian', 'russian', 'gagauz', 'bulgarian', 'roma', 'other', 'not_declared'];
const LANGUAGES = ['moldovan', 'romanian', 'russian', 'gagauz', 'ukrainian', 'bulgarian', 'romani', 'other', 'not_declared'];
const MARITAL = ['never_married', 'married', 'widowed', 'divorced'];
const EDUCATION = ['no_schooling', 'primary', 'lower_secondary', 'upper_secondary', 'vocational', 'tertiary'];
const EMPLOYMENT = ['employed', 'unemployed', 'inactive'];
/** Youngest age at which each level can be completed (SPEC §4; tertiary at 19). */
const EDUCATION_FROM_AGE: Record<string, number> = { no_schooling: 10, primary: 10, lower_secondary: 15, vocational: 17, upper_secondary: 18, tertiary: 19 };

const row = (table: ConditionalTable, r: number) => Array.from(table.probabilities.subarray(r * table.categories.length, (r + 1) * table.categories.length));
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
/** Σ_row mass(row) · P(k | row), normalised: the margin a raked table reproduces. */
function impliedShares(table: ConditionalTable, mass: ArrayLike<number>): number[] {
  const out = new Array<number>(table.categories.length).fill(0);
  for (let r = 0; r < table.rows; r += 1) row(table, r).forEach((p, k) => (out[k]! += mass[r]! * p));
  const total = sum(out);
  return out.map((v) => v / total);
}
/** Mother tongue mass per unit × area (the rows of the usual-language table): Σ_e mass(d, r, e) · P(m | d, r, e). */
function placeMassOf(tables: ConditionalTables): Float64Array {
  const L = LANGUAGES.length;
  const out = new Float64Array(35 * 2 * L);
  masses.unitResidenceEthnicity.forEach((mass, r) => row(tables.motherTongueByUnit, r).forEach((p, l) => (out[Math.floor(r / ETHNICITIES.length) * L + l]! += mass * p)));
  return out;
}
const sharesIn = (id: string, codes: readonly string[]) => {
  const shares = fileShares(id);
  return codes.map((code) => shares[code]!);
};
function expectShares(actual: readonly number[], expected: readonly number[], digits = 9): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((share, k) => expect({ k, share }).toEqual({ k, share: expect.closeTo(expected[k]!, digits) }));
}
/** The 5-year group code of an age index (85 = 85+). */
const groupOf = (a: number) => (a >= 85 ? '85+' : `${Math.floor(a / 5) * 5}-${Math.floor(a / 5) * 5 + 4}`);

/** The rows of each conditional table, in their documented layouts (docs/method.md §3), summed here. */
function massesOf(joint: Float64Array): PopulationMasses {
  return {
    ethnicity: sumBy(joint, 9, (at) => at.ethnicity),
    age: sumBy(joint, AGES, (at) => at.age),
    sexAge: sumBy(joint, 2 * AGES, (at) => at.sex * AGES + at.age),
    unitResidenceEthnicity: sumBy(joint, 35 * 2 * 9, (at) => (at.district * 2 + at.residence) * 9 + at.ethnicity),
    unitEthnicity: sumBy(joint, 35 * 9, (at) => at.district * 9 + at.ethnicity),
    education: sumBy(joint, 35 * 2 * 2 * AGES, (at) => (at.age >= 10 ? ((at.district * 2 + at.residence) * 2 + at.sex) * AGES + at.age : -1)),
    employment: sumBy(joint, 2 * AGES * 2 * 5, (at) => (at.age >= 15 ? ((at.sex * AGES + at.age) * 2 + at.residence) * 5 + DISTRICT_REGION_INDEX[at.district]! : -1)),
  };
}

let tables: InputSnapshot['tables'];
let masses: PopulationMasses;
let raked: ConditionalTables;
let plain: ConditionalTables;
beforeAll(async () => {
  tables = (await shippedSnapshot()).tables;
  const ethnolinguistic = fitEthnolinguistic(tables, SUBFIT_OPTIONS);
  masses = massesOf(calibrateKeyJoint(tables, DEFAULT_CALIBRATION, ethnolinguistic.unitEthnicity).calibrated);
  const religion = fitReligionByUnit(tables, masses.unitEthnicity, SUBFIT_OPTIONS);
  raked = buildConditionals(tables, masses, { motherTongue: ethnolinguistic.motherTongue, religion: religion.religion });
  plain = buildConditionals(tables, masses, null);
}, 60_000);

/** Which rows a table's universe covers (age index of each row layout: 10+ education, 15+ labour and marital). */
const APPLIES: Record<keyof ConditionalTables, (r: number) => boolean> = {
  motherTongueByUnit: () => true,
  usualLanguageByPlace: () => true,
  religionByUnit: () => true,
  maritalBySexAge: (r) => r % AGES >= 15,
  educationByUnit: (r) => r % AGES >= 10,
  employmentByRow: (r) => Math.floor(r / 10) % AGES >= 15,
  inactivityByAge: (r) => r >= 15,
  sector: () => true,
  age85Plus: () => true,
};

describe.each([
  ['raked', () => raked],
  ['not raked (use_ipf: false)', () => plain],
] as const)('buildConditionals, %s', (_, tablesOf) => {
  it('has rows that sum to 1 where the universe applies and are all zero below it', () => {
    const built = tablesOf();
    const bad: string[] = [];
    for (const name of Object.keys(APPLIES) as (keyof ConditionalTables)[]) {
      const table = built[name];
      expect(table.probabilities).toHaveLength(table.rows * table.categories.length);
      for (let r = 0; r < table.rows; r += 1) {
        const values = row(table, r);
        const total = sum(values);
        // Fitted rows meet 1 to within the fits' tolerance, relative to a small row's mass.
        const ok = APPLIES[name](r) ? Math.abs(total - 1) < 1e-8 : total === 0;
        if (!ok || values.some((p) => p < 0)) bad.push(`${name} row ${r}: ${total}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has no widows under 20 (a modelling assumption, docs/data.md): widowed is exactly 0 for ages 15-19, both sexes', () => {
    const { maritalBySexAge } = tablesOf();
    expect(maritalBySexAge.categories).toEqual(MARITAL);
    for (let s = 0; s < 2; s += 1)
      for (let a = 15; a < 20; a += 1) expect({ s, a, widowed: row(maritalBySexAge, s * AGES + a)[2] }).toEqual({ s, a, widowed: 0 });
    expect(row(maritalBySexAge, 20)[2]).toBeGreaterThan(0);
  });

  it('completes no education level before the youngest age it can be completed at, in every unit, area and sex', () => {
    const { educationByUnit } = tablesOf();
    expect(educationByUnit.categories).toEqual(EDUCATION);
    for (let r = 0; r < educationByUnit.rows; r += 1) {
      const a = r % AGES;
      EDUCATION.forEach((level, k) => {
        if (a < EDUCATION_FROM_AGE[level]! && row(educationByUnit, r)[k] !== 0) expect({ r, a, level, p: row(educationByUnit, r)[k] }).toEqual({ r, a, level, p: 0 });
      });
    }
    // The 15-19 group of the modelled table has vocational and upper secondary: from 17 and 18 only.
    expect(row(educationByUnit, 16)[4]).toBe(0);
    expect(row(educationByUnit, 17)[4]).toBeGreaterThan(0);
    expect(row(educationByUnit, 18)[3]).toBeGreaterThan(0);
    expect(row(educationByUnit, 20)[5]).toBeGreaterThan(0);
  });

  it('draws the single ages of 85+ from their table as published', () => {
    const built = tablesOf();
    expectShares(row(built.age85Plus, 0), sharesIn('age_85_plus_modelled', built.age85Plus.categories), 12);
  });
});

/** Sub-fits stop at 1e-6 / 1e-7 of their total: shares agree to 5 digits. */
const FIT_DIGITS = 5;

describe('buildConditionals, raked: each table reproduces its official margin over the calibrated population', () => {
  it('marital status 15+, labour status 15+, education 10+', () => {
    expectShares(impliedShares(raked.maritalBySexAge, masses.sexAge), sharesIn('marital_status_15plus', MARITAL));
    expectShares(impliedShares(raked.employmentByRow, masses.employment), sharesIn('labour_status_15plus', EMPLOYMENT), FIT_DIGITS);
    expectShares(impliedShares(raked.educationByUnit, masses.education), sharesIn('education_10plus', EDUCATION), FIT_DIGITS);
  });

  it('inactivity reason, over the inactive persons the labour table implies', () => {
    const inactiveByAge = new Float64Array(AGES);
    for (let r = 0; r < raked.employmentByRow.rows; r += 1) inactiveByAge[Math.floor(r / 10) % AGES]! += masses.employment[r]! * row(raked.employmentByRow, r)[2]!;
    expectShares(impliedShares(raked.inactivityByAge, inactiveByAge), sharesIn('inactivity_reason', raked.inactivityByAge.categories), FIT_DIGITS);
  });

  it('sector meets the national LFS sectors over the employed by area and sex', () => {
    const employed = new Float64Array(4);
    for (let r = 0; r < raked.employmentByRow.rows; r += 1) {
      const sex = Math.floor(r / (AGES * 10));
      const area = Math.floor(r / 5) % 2;
      employed[area * 2 + sex]! += masses.employment[r]! * row(raked.employmentByRow, r)[0]!;
    }
    expectShares(impliedShares(raked.sector, employed), sharesIn('economic_sector', raked.sector.categories), 9);
  });

  it('religion by unit and ethnicity meets the national religion counts', () => {
    expect(raked.religionByUnit.rows).toBe(35 * ETHNICITIES.length);
    expectShares(impliedShares(raked.religionByUnit, masses.unitEthnicity), sharesIn('religion', raked.religionByUnit.categories), FIT_DIGITS);
  });

  it('mother tongue by unit, area and ethnicity meets the national counts', () => {
    expect(raked.motherTongueByUnit.categories).toEqual(LANGUAGES);
    expectShares(impliedShares(raked.motherTongueByUnit, masses.unitResidenceEthnicity), sharesIn('mother_tongue', LANGUAGES), FIT_DIGITS);
  });

  it('usual language by unit, area and mother tongue meets the five published languages and the published residual', () => {
    const implied = impliedShares(raked.usualLanguageByPlace, placeMassOf(raked));
    const published = shippedTableFile('language_usually_spoken');
    const percent = (code: string) => fileCell(published, [code])! / sum(published.values as number[]);
    const residual = ['bulgarian', 'romani', 'other', 'not_declared'].reduce((s, code) => s + implied[LANGUAGES.indexOf(code)]!, 0);
    expectShares(
      [...['moldovan', 'romanian', 'russian', 'gagauz', 'ukrainian'].map((code) => implied[LANGUAGES.indexOf(code)]!), residual],
      [...['moldovan', 'romanian', 'russian', 'gagauz', 'ukrainian'].map(percent), percent('other_residual')],
      FIT_DIGITS,
    );
  });
});

describe('buildConditionals, not raked: the priors as the model assumptions state them', () => {
  it('takes the marital row of each 5-year group at its middle age, from 20-24 on, and interpolates between', () => {
    const modelled = shippedTableFile('marital_by_sex_age_modelled');
    const groupRow = (sex: string, a: number) => {
      const cells = MARITAL.map((status) => fileCell(modelled, [sex, groupOf(a), status])!);
      return cells.map((v) => v / sum(cells));
    };
    ['female', 'male'].forEach((sex, s) => {
      for (const middle of [22, 27, 42, 62, 82]) expectShares(row(plain.maritalBySexAge, s * AGES + middle), groupRow(sex, middle), 12);
      // Age 24 is 2/5 of the way from the 20-24 middle (22) to the 25-29 middle (27).
      const lo = groupRow(sex, 22);
      const hi = groupRow(sex, 27);
      expectShares(row(plain.maritalBySexAge, s * AGES + 24), lo.map((v, k) => 0.6 * v + 0.4 * hi[k]!), 6);
    });
  });

  it('marries nobody under 16, hardly anyone at 16-17, and widows nobody under 20 (Family Code art. 14)', () => {
    const MARRIED = MARITAL.indexOf('married');
    const NEVER = MARITAL.indexOf('never_married');
    const WIDOWED = MARITAL.indexOf('widowed');
    for (let s = 0; s < 2; s += 1) {
      expect(row(plain.maritalBySexAge, s * AGES + 15)[NEVER]).toBe(1);
      for (const a of [16, 17]) expect(row(plain.maritalBySexAge, s * AGES + a)[MARRIED]).toBeLessThanOrEqual(0.003);
      for (let a = 15; a < 20; a += 1) expect(row(plain.maritalBySexAge, s * AGES + a)[WIDOWED]).toBe(0);
    }
  });

  it('takes each sector row from the modelled area × sex table', () => {
    const modelled = shippedTableFile('sector_by_residence_sex_modelled');
    ['urban', 'rural'].forEach((area, r) =>
      ['female', 'male'].forEach((sex, s) => {
        const cells = plain.sector.categories.map((code) => fileCell(modelled, [area, sex, code])!);
        expectShares(row(plain.sector, r * 2 + s), cells.map((v) => v / sum(cells)), 12);
      }),
    );
  });

  it('starts every ethnicity at the national named-religion share, in every unit', () => {
    const religion = plain.religionByUnit;
    const named = shippedTableFile('religion_by_ethnicity').categories[1]!;
    const nationalNamed = named.reduce((s, code) => s + fileShares('religion')[code]!, 0);
    for (let d = 0; d < 35; d += 1)
      for (let e = 0; e < ETHNICITIES.length; e += 1) {
        const namedShare = religion.categories.reduce((s, code, k) => s + (named.includes(code) ? row(religion, d * 9 + e)[k]! : 0), 0);
        if (Math.abs(namedShare - nationalNamed) > 1e-12) expect({ d, e, namedShare }).toEqual({ d, e, namedShare: nationalNamed });
      }
    // No by-ethnicity row for "not declared": the national distribution.
    expectShares(row(religion, 8), sharesIn('religion', religion.categories), 12);
  });

  it('splits the merged Moldovan-or-Romanian mother tongue 95:5 towards Romanian for ethnic Romanians, evenly for others', () => {
    const table = plain.motherTongueByUnit;
    ETHNICITIES.slice(0, 8).forEach((ethnicity, e) => {
      const [moldovan, romanian] = row(table, e);
      expect({ ethnicity, romanianShare: romanian! / (moldovan! + romanian!) }).toEqual({
        ethnicity,
        romanianShare: expect.closeTo(ethnicity === 'romanian' ? 0.95 : 0.5, 12),
      });
    });
    expectShares(row(table, 8), sharesIn('mother_tongue', LANGUAGES), 12);
  });

  it('has four in five people speak their mother tongue at home, the fifth the mother tongues of their place', () => {
    const table = plain.usualLanguageByPlace;
    const places = placeMassOf(plain);
    const L = LANGUAGES.length;
    for (const place of [0, 1, 2 * 34, 2 * 34 + 1]) {
      const mass = sum(Array.from(places.subarray(place * L, place * L + L)));
      for (let m = 0; m < L; m += 1) {
        const local = places[place * L + m]! / mass;
        expect(row(table, place * L + m)[m]).toBeCloseTo(0.8 + 0.2 * local, 12);
        expect(row(table, place * L + ((m + 1) % L))[m]).toBeCloseTo(0.2 * local, 12);
      }
    }
  });

  it('has most of UTA Găgăuzia usually speak Russian or Gagauz, and few Romanian or Moldovan', () => {
    const places = placeMassOf(raked);
    const L = LANGUAGES.length;
    const gagauzia = DISTRICTS.indexOf('gagauzia');
    const spoken = new Array<number>(L).fill(0);
    for (const r of [0, 1]) {
      const place = gagauzia * 2 + r;
      for (let m = 0; m < L; m += 1) row(raked.usualLanguageByPlace, place * L + m).forEach((p, l) => (spoken[l]! += places[place * L + m]! * p));
    }
    const total = sum(spoken);
    const share = (code: string) => spoken[LANGUAGES.indexOf(code)]! / total;
    expect(share('russian') + share('gagauz')).toBeGreaterThan(0.8);
    expect(share('romanian') + share('moldovan')).toBeLessThan(0.1);
  });
});

describe('raking any population', () => {
  const positive = (length: number) => fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: length, maxLength: length });

  // Marital status is raked two-way, which is feasible for any masses. The labour fit's LFS rates
  // can contradict each other on arbitrary masses (then it reports non-convergence), so it is
  // tested on the calibrated population above.
  it('meets the official margin of marital status over whatever masses it is given (property)', () => {
    fc.assert(
      fc.property(positive(2 * AGES), (sexAge) => {
        // Spread each sex × age mass evenly over the area × region rows of the labour table.
        const employment = new Float64Array(2 * AGES * 10);
        for (let r = 0; r < employment.length; r += 1) {
          const sa = Math.floor(r / 10);
          employment[r] = sa % AGES >= 15 ? sexAge[sa]! / 10 : 0;
        }
        const given: PopulationMasses = { ...masses, sexAge: Float64Array.from(sexAge), employment };
        const built = buildConditionals(tables, given, { motherTongue: raked.motherTongueByUnit.probabilities, religion: raked.religionByUnit.probabilities });
        expectShares(impliedShares(built.maritalBySexAge, given.sexAge), sharesIn('marital_status_15plus', MARITAL), 8);
        for (let s = 0; s < 2; s += 1) for (let a = 15; a < 20; a += 1) expect(row(built.maritalBySexAge, s * AGES + a)[2]).toBe(0);
      }),
      { numRuns: 5 },
    );
  });
});

describe('rakeConditional', () => {
  it('rakes a 2 × 2 table to its column shares, keeping rows as shares (worked by hand)', () => {
    // Uniform prior, row masses 1 and 3, column targets 0.5/0.5 of 4 persons: the solution keeps
    // the odds ratio 1, so both rows become [0.5, 0.5].
    const result = rakeConditional(Float64Array.of(1, 3), Float64Array.of(1, 1, 1, 1), Float64Array.of(0.5, 0.5), true);
    expect(Array.from(result).map((v) => Number(v.toFixed(9)))).toEqual([0.5, 0.5, 0.5, 0.5]);
    // A structural zero: prior rows [1, 0] and [1, 1], row masses 1 and 3, columns 2 and 2. Row 0
    // must stay [1, 0] and fills 1 of column 0, so row 1 gives it 1 of its 3: [1/3, 2/3].
    const zero = rakeConditional(Float64Array.of(1, 3), Float64Array.of(1, 0, 1, 1), Float64Array.of(0.5, 0.5), true);
    expect(Array.from(zero).map((v) => Number(v.toFixed(9)))).toEqual([1, 0, 0.333333333, 0.666666667]);
  });

  it('without IPF only normalises the prior rows; a row with no prior stays zero', () => {
    const result = rakeConditional(Float64Array.of(5, 5), Float64Array.of(1, 3, 0, 0), Float64Array.of(0.9, 0.1), false);
    expect(Array.from(result)).toEqual([0.25, 0.75, 0, 0]);
  });
});
