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

function broadAgeClass(ageIndex: number): number {
  if (ageIndex <= 15) return 0;
  return ageIndex < 62 ? 1 : 2;
}

/** A(a | d) for every district, rows normalised. */
function ageByDistrict(tables: Tables): Float64Array[] {
  const national = sharesOf(tableOf(tables, 'age_single'), AGE_SINGLE_CODES);
  const broad = matrixOf(tableOf(tables, 'district_by_broad_age'), DISTRICTS, VARIABLE_DOMAINS.broad_age);
  const nationalBroad = [0, 0, 0];
  for (const row of broad) row.forEach((v, k) => (nationalBroad[k]! += v ?? 0));
  const nationalTotal = nationalBroad.reduce((a, b) => a + b, 0);
  return broad.map((row) => {
    const rowTotal = row.reduce<number>((a, b) => a + (b ?? 0), 0);
    const tilt = row.map((v, k) => ((v ?? 0) / rowTotal) / (nationalBroad[k]! / nationalTotal));
    const shape = national.map((share, a) => share * tilt[broadAgeClass(a)]!);
    const total = shape.reduce((x, y) => x + y, 0);
    return shape.map((v) => v / total);
  });
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

/** Builds the prior of the key joint (persons, all ages) from the snapshot. */
export function buildKeyPrior(tables: Tables): Float64Array {
  const districtResidence = matrixOf(tableOf(tables, 'district_by_residence'), DISTRICTS, RESIDENCES);
  const ageGivenDistrict = ageByDistrict(tables);
  const female = femaleShare(tables);
  const nationalEthnicity = sharesOf(tableOf(tables, 'ethnicity'), ETHNICITIES);
  const ethnicityGivenResidence = RESIDENCES.map((r) => {
    const row = rowSharesOf(tableOf(tables, 'ethnicity_by_residence'), r, ETHNICITIES);
    if (!row) throw new ServiceError('CENSUS_TABLE_INVALID', `ethnicity_by_residence has no row ${r}`);
    return row;
  });
  const ageEffect = ethnicityAgeEffect(tables);

  // Expected P(e | g) from the region's urban/rural mix alone; ρ(e | g) is the published region
  // structure relative to it, so the residence effect is not applied twice.
  const regionResidence = REGIONS.map(() => [0, 0]);
  districtResidence.forEach((row, d) => {
    const g = DISTRICT_REGION_INDEX[d]!;
    row.forEach((v, r) => (regionResidence[g]![r]! += v ?? 0));
  });
  const expected = regionResidence.map(([urban, rural]) =>
    Float64Array.from(
      ETHNICITIES,
      (_, e) => (urban! * ethnicityGivenResidence[0]![e]! + rural! * ethnicityGivenResidence[1]![e]!) / (urban! + rural!),
    ),
  );
  const regionPersons = regionResidence.map(([urban, rural]) => urban! + rural!);
  const regional = ethnicityByRegion(tables, nationalEthnicity, regionPersons, expected);
  const regionEffect = REGIONS.map((_, g) =>
    Float64Array.from(ETHNICITIES, (_, e) => (expected[g]![e]! > 0 ? regional[g]![e]! / expected[g]![e]! : 0)),
  );

  const prior = new Float64Array(KEY_CELL_COUNT);
  const ethnicityWeights = new Float64Array(KEY_DIMENSIONS.ethnicity);
  for (let d = 0; d < KEY_DIMENSIONS.district; d += 1) {
    const g = DISTRICT_REGION_INDEX[d]!;
    for (let r = 0; r < KEY_DIMENSIONS.residence; r += 1) {
      const persons = districtResidence[d]![r] ?? 0;
      if (persons === 0) continue;
      for (let a = 0; a < KEY_DIMENSIONS.age; a += 1) {
        const ageMass = persons * ageGivenDistrict[d]![a]!;
        const band = band10OfAgeIndex(a);
        let ethnicityTotal = 0;
        for (let e = 0; e < KEY_DIMENSIONS.ethnicity; e += 1) {
          const weight = ethnicityGivenResidence[r]![e]! * regionEffect[g]![e]! * ageEffect[e]![band]!;
          ethnicityWeights[e] = weight;
          ethnicityTotal += weight;
        }
        const femaleShareHere = female(a, r);
        for (let s = 0; s < KEY_DIMENSIONS.sex; s += 1) {
          const sexShare = SEXES[s] === 'female' ? femaleShareHere : 1 - femaleShareHere;
          for (let e = 0; e < KEY_DIMENSIONS.ethnicity; e += 1) {
            prior[keyCellIndex({ district: d, residence: r, sex: s, ethnicity: e, age: a })] =
              (ageMass * sexShare * ethnicityWeights[e]!) / ethnicityTotal;
          }
        }
      }
    }
  }
  return prior;
}

