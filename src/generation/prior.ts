/**
 * The prior of the key joint: what we believe before calibration, built from official cross-tabs
 * where they exist and labelled model assumptions elsewhere (docs/method.md §Prior):
 *
 *   prior(d, r, s, e, a) = N(d, r) · A(a | d) · S(s | a, r) · E(e | region(d), r, a)
 *
 * - N(d, r): census persons by district × residence (official; keeps structural zeros such as
 *   urban Dubăsari).
 * - A(a | d): the national single-age shape, tilted per district by the census broad age groups
 *   (district share of 0-15, 16-61, 62+ over the national share). 62 stands in for the
 *   sex-specific statutory retirement age (modelled approximation).
 * - S(s | a, r): PxWeb's age × sex × residence table when the snapshot has it, else the modelled
 *   female share by age band.
 * - E(e | g, r, a) ∝ P(e | r) · ρ(e | g) · α(e, a): ethnicity by residence (official), a region
 *   effect ρ from the published region × ethnicity cells (unpublished cells share the rest of
 *   the region in national proportions; ρ is taken relative to what the region's urban/rural mix
 *   alone predicts, so the residence effect is not counted twice), and an age effect α from the
 *   ethnicity age profile (secondary; ratio of an ethnicity's 10-year band share to the national one).
 */
import type { InputSnapshot } from '../census/census-table.js';
import { AGE_SINGLE_CODES, VARIABLE_DOMAINS } from '../census/domains.js';
import { ServiceError } from '../errors.js';
import {
  AGE_GROUPS,
  DISTRICTS,
  ETHNICITIES,
  REGIONS,
  RESIDENCES,
  SEXES,
  DISTRICT_REGION_INDEX,
} from '../domain/categories.js';
import { KEY_CELL_COUNT, KEY_DIMENSIONS, keyCellIndex } from './key-joint.js';
import { fitIpf } from './ipf.js';
import { ageGroupOfAgeIndex, matrixOf, rowSharesOf, sharesOf, tableOf } from './table-view.js';

type Tables = InputSnapshot['tables'];

/** 10-year band index (0-9 … 80+) of an age index. */
export function band10OfAgeIndex(ageIndex: number): number {
  return Math.min(8, Math.floor(ageIndex / 10));
}

/**
 * Bounds of the census broad age groups (docs/method.md §1.1): under working age 0-15 for both
 * sexes; over working age from the statutory retirement age at the census date in completed
 * years, 63 for men and 60 for women (60 years 6 months on 8 April 2024, so women aged 60 straddle
 * the bound; 60 is what the national counts fit). One constant: changing it changes the output.
 */
export const BROAD_AGE_BOUNDS = { underWorkingAgeMax: 15, retirement: { female: 60, male: 63 } } as const;

/** Broad age group (0 under, 1 working, 2 over working age) of an age index for sex index `sex` (SEXES order). */
export function broadAgeClass(ageIndex: number, sex: number): number {
  if (ageIndex <= BROAD_AGE_BOUNDS.underWorkingAgeMax) return 0;
  const retirement = SEXES[sex] === 'male' ? BROAD_AGE_BOUNDS.retirement.male : BROAD_AGE_BOUNDS.retirement.female;
  return ageIndex < retirement ? 1 : 2;
}

/**
 * The broad-group tilt of the national single-age shape, w(a | d, r, s) = P(a) · t_d(k) · t_r(k),
 * k the broad group of (a, s) (sex-aware bounds, `broadAgeClass`), t_d and t_r the unit's and the
 * area's share of the group over the national share. Not normalised per sex: the sexes of one age
 * share a factor outside the straddled 60-62, so the modelled female share by age survives.
 */
function ageWeights(tables: Tables): (d: number, r: number, s: number, a: number) => number {
  const national = sharesOf(tableOf(tables, 'age_single'), AGE_SINGLE_CODES);
  const broad = matrixOf(tableOf(tables, 'district_by_broad_age'), DISTRICTS, VARIABLE_DOMAINS.broad_age);
  const byArea = matrixOf(tableOf(tables, 'residence_by_broad_age'), RESIDENCES, VARIABLE_DOMAINS.broad_age);
  const nationalBroad = [0, 0, 0];
  for (const row of broad) row.forEach((v, k) => (nationalBroad[k]! += v ?? 0));
  const nationalTotal = nationalBroad.reduce((a, b) => a + b, 0);
  const tiltOf = (row: readonly (number | null)[]) => {
    const rowTotal = row.reduce<number>((a, b) => a + (b ?? 0), 0);
    return row.map((v, k) => ((v ?? 0) / rowTotal) / (nationalBroad[k]! / nationalTotal));
  };
  const unitTilt = broad.map(tiltOf);
  const areaTilt = byArea.map(tiltOf);
  return (d, r, s, a) => {
    const k = broadAgeClass(a, s);
    return national[a]! * unitTilt[d]![k]! * areaTilt[r]![k]!;
  };
}

/** S(female | a, r) for every age index and residence. */
function femaleShare(tables: Tables): (ageIndex: number, residence: number) => number {
  const official = tables['age_sex_residence'];
  if (official) {
    const cols = official.categories;
    const sexCodes = cols[1]!;
    const resCodes = cols[2]!;
    const perCell = (a: number, s: string, r: string) =>
      official.values[(a * sexCodes.length + sexCodes.indexOf(s)) * resCodes.length + resCodes.indexOf(r)] ?? 0;
    return (a, r) => {
      const female = perCell(a, 'female', RESIDENCES[r]!);
      const male = perCell(a, 'male', RESIDENCES[r]!);
      return female + male > 0 ? female / (female + male) : 0.5;
    };
  }
  const modelled = matrixOf(tableOf(tables, 'sex_by_age_modelled'), AGE_GROUPS, SEXES);
  return (a) => {
    const [female, male] = modelled[ageGroupOfAgeIndex(a)]!;
    return (female ?? 0) / ((female ?? 0) + (male ?? 0));
  };
}

/**
 * P_reg(e | g): the published region × ethnicity cells kept as published, the other cells filled
 * by raking the residence-mix expectation (`expected[g][e]`) so that every region keeps its
 * population and every ethnicity its national total. Without this, ethnicities concentrated in
 * one region (Gagauz in UTA Găgăuzia) would be spread again over the others.
 */
function ethnicityByRegion(
  tables: Tables,
  national: Float64Array,
  regionPersons: readonly number[],
  expected: readonly Float64Array[],
): Float64Array[] {
  const partial = matrixOf(tableOf(tables, 'ethnicity_by_region_partial'), REGIONS, ETHNICITIES);
  const notDeclared = ETHNICITIES.indexOf('not_declared');
  const k = ETHNICITIES.length;
  const total = regionPersons.reduce((a, b) => a + b, 0);
  const fixed = new Float64Array(REGIONS.length * k);
  const free = new Float64Array(REGIONS.length * k);
  partial.forEach((row, g) => {
    const declared = regionPersons[g]! * (1 - national[notDeclared]!);
    row.forEach((value, e) => {
      if (e === notDeclared) fixed[g * k + e] = regionPersons[g]! * national[notDeclared]!;
      else if (value !== null) fixed[g * k + e] = (value / 100) * declared;
      else free[g * k + e] = expected[g]![e]! * declared;
    });
  });
  const rowTargets = Float64Array.from(REGIONS, (_, g) => {
    let rest = regionPersons[g]!;
    for (let e = 0; e < k; e += 1) rest -= fixed[g * k + e]!;
    return Math.max(0, rest);
  });
  const colTargets = Float64Array.from(ETHNICITIES, (_, e) => {
    let rest = national[e]! * total;
    for (let g = 0; g < REGIONS.length; g += 1) rest -= fixed[g * k + e]!;
    return Math.max(0, rest);
  });
  // Rounding in the published percentages can leave the two totals a hair apart; align them.
  const rowSum = rowTargets.reduce((a, b) => a + b, 0);
  const colSum = colTargets.reduce((a, b) => a + b, 0);
  for (let e = 0; e < k; e += 1) colTargets[e]! *= rowSum / colSum;
  const fit = fitIpf(
    free,
    [
      { name: 'region', cellCategory: Uint16Array.from(free, (_, c) => Math.floor(c / k)), targets: rowTargets },
      { name: 'ethnicity', cellCategory: Uint16Array.from(free, (_, c) => c % k), targets: colTargets },
    ],
    { tolerance: 1e-12, maxIterations: 1000 },
  );
  return REGIONS.map((_, g) => {
    const row = Float64Array.from(ETHNICITIES, (_, e) => fixed[g * k + e]! + fit.fitted[g * k + e]!);
    const rowTotal = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / rowTotal);
  });
}

/** α(e, band10): ethnicity's age-band share over the national band share (1 where unpublished). */
function ethnicityAgeEffect(tables: Tables): Float64Array[] {
  const national = sharesOf(tableOf(tables, 'age_single'), AGE_SINGLE_CODES);
  const nationalBands = new Float64Array(9);
  national.forEach((share, a) => (nationalBands[band10OfAgeIndex(a)]! += share));
  const profile = tableOf(tables, 'ethnicity_age_profile');
  return ETHNICITIES.map((e) => {
    const row = rowSharesOf(profile, e, VARIABLE_DOMAINS.age_band_10);
    return row ? row.map((share, band) => share / nationalBands[band]!) : new Float64Array(9).fill(1);
  });
}

/**
 * E(e | g, r) without the age effect: ethnicity by residence (official) times the region effect
 * ρ(e | g) of the published region cells. Rows are not normalised.
 */
export interface EthnicityPrior {
  readonly givenResidence: readonly Float64Array[];
  readonly regionEffect: readonly Float64Array[];
}

export function ethnicityPrior(tables: Tables): EthnicityPrior {
  const districtResidence = matrixOf(tableOf(tables, 'district_by_residence'), DISTRICTS, RESIDENCES);
  const nationalEthnicity = sharesOf(tableOf(tables, 'ethnicity'), ETHNICITIES);
  const givenResidence = RESIDENCES.map((r) => {
    const row = rowSharesOf(tableOf(tables, 'ethnicity_by_residence'), r, ETHNICITIES);
    if (!row) throw new ServiceError('CENSUS_TABLE_INVALID', `ethnicity_by_residence has no row ${r}`);
    return row;
  });
  // Expected P(e | g) from the region's urban/rural mix alone; ρ(e | g) is the published region
  // structure relative to it, so the residence effect is not applied twice.
  const regionResidence = REGIONS.map(() => [0, 0]);
  districtResidence.forEach((row, d) => {
    const g = DISTRICT_REGION_INDEX[d]!;
    row.forEach((v, r) => (regionResidence[g]![r]! += v ?? 0));
  });
  const expected = regionResidence.map(([urban, rural]) =>
    Float64Array.from(ETHNICITIES, (_, e) => (urban! * givenResidence[0]![e]! + rural! * givenResidence[1]![e]!) / (urban! + rural!)),
  );
  const regionPersons = regionResidence.map(([urban, rural]) => urban! + rural!);
  const regional = ethnicityByRegion(tables, nationalEthnicity, regionPersons, expected);
  const regionEffect = REGIONS.map((_, g) =>
    Float64Array.from(ETHNICITIES, (_, e) => (expected[g]![e]! > 0 ? regional[g]![e]! / expected[g]![e]! : 0)),
  );
  return { givenResidence, regionEffect };
}

/**
 * Builds the prior of the key joint (persons, all ages) from the snapshot. With `unitEthnicity`
 * (persons by (d·2 + r)·9 + e, the ethnolinguistic fit), ethnicity within each unit and area
 * follows it instead of the region effect, so calibration moves the prior little (weights near 1).
 */
export function buildKeyPrior(tables: Tables, unitEthnicity: Float64Array | null = null): Float64Array {
  const districtResidence = matrixOf(tableOf(tables, 'district_by_residence'), DISTRICTS, RESIDENCES);
  const ageWeight = ageWeights(tables);
  const female = femaleShare(tables);
  const ageEffect = ethnicityAgeEffect(tables);
  const { givenResidence: ethnicityGivenResidence, regionEffect } = ethnicityPrior(tables);
  const E = KEY_DIMENSIONS.ethnicity;

  const prior = new Float64Array(KEY_CELL_COUNT);
  const ethnicityWeights = new Float64Array(E);
  for (let d = 0; d < KEY_DIMENSIONS.district; d += 1) {
    const g = DISTRICT_REGION_INDEX[d]!;
    for (let r = 0; r < KEY_DIMENSIONS.residence; r += 1) {
      const persons = districtResidence[d]![r] ?? 0;
      if (persons === 0) continue;
      const base = (d * KEY_DIMENSIONS.residence + r) * E;
      let blockTotal = 0;
      for (let s = 0; s < KEY_DIMENSIONS.sex; s += 1) {
        for (let a = 0; a < KEY_DIMENSIONS.age; a += 1) {
          const band = band10OfAgeIndex(a);
          let ethnicityTotal = 0;
          for (let e = 0; e < E; e += 1) {
            const local = unitEthnicity ? unitEthnicity[base + e]! : ethnicityGivenResidence[r]![e]! * regionEffect[g]![e]!;
            const weight = local * ageEffect[e]![band]!;
            ethnicityWeights[e] = weight;
            ethnicityTotal += weight;
          }
          if (ethnicityTotal <= 0) continue;
          const femaleShareHere = female(a, r);
          const sexShare = SEXES[s] === 'female' ? femaleShareHere : 1 - femaleShareHere;
          const mass = ageWeight(d, r, s, a) * sexShare;
          for (let e = 0; e < E; e += 1) {
            const value = (mass * ethnicityWeights[e]!) / ethnicityTotal;
            prior[keyCellIndex({ district: d, residence: r, sex: s, ethnicity: e, age: a })] = value;
            blockTotal += value;
          }
        }
      }
      // Each unit × area block holds exactly its census persons.
      const start = keyCellIndex({ district: d, residence: r, sex: 0, ethnicity: 0, age: 0 });
      const end = start + KEY_DIMENSIONS.sex * E * KEY_DIMENSIONS.age;
      for (let c = start; c < end; c += 1) prior[c]! *= persons / blockTotal;
    }
  }
  return prior;
}
