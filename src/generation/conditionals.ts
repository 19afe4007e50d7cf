/**
 * Step 4 of SPEC §5.1: the conditional tables the remaining fields are drawn from, each fitted so
 * that, over the calibrated population of its universe, it reproduces every official figure that
 * constrains the field (docs/method.md §3–§5):
 *
 * - mother tongue | unit × area × ethnicity: the ethnolinguistic fit (ethnolinguistic.ts);
 * - religion | unit × ethnicity: the religion fit (religion-by-unit.ts);
 * - usual language | unit × area × mother tongue, marital status | sex × age: raked to the national tables;
 * - education | unit × area × sex × age: national 10+ structure, the urban/rural cells, higher
 *   education in the published units, women's share of the higher-educated;
 * - labour status | sex × age × area × region: LFS 15+ status, 20-64 rates by sex and area (the
 *   confirmed total as level), youth 15-34, the unemployed by age × sex, employed by region;
 * - inactivity reason | age: national reasons, students among the inactive 15-34.
 *
 * Exact-age feasibility masks are applied to the priors before fitting, so structural zeros stay
 * zero. With `useIpf: false` the priors are used as they are (what calibration buys is then
 * visible in the trust report).
 */
import type { InputSnapshot } from '../census/census-table.js';
import { VARIABLE_DOMAINS } from '../census/domains.js';
import {
  AGE_GROUPS,
  ECONOMIC_SECTORS,
  EDUCATION_LEVELS,
  EMPLOYMENT_STATUSES,
  ETHNICITIES,
  INACTIVITY_REASONS,
  LANGUAGES,
  MARITAL_STATUSES,
  RELIGIONS,
  SEXES,
} from '../domain/categories.js';
import { DISTRICTS, REGIONS, RESIDENCES } from '../domain/categories.js';
import { countConstraint, fitConstraints, fitIpf, proportionConstraint, sweepConstraints, type FitResult, type IpfConstraint } from './ipf.js';
import { KEY_DIMENSIONS } from './key-joint.js';
import { motherTonguePrior } from './ethnolinguistic.js';
import { religionPrior } from './religion-by-unit.js';
import { TIMED_UNTIL_AGE, completedLevels, educationByExactAge, finalAttainmentByAge, interpolateGroups, maritalByExactAge } from './age-schedules.js';
import { matrixOf, sharesOf, tableOf, valueAt } from './table-view.js';

type Tables = InputSnapshot['tables'];

/** A row-stochastic table stored flat: `rows × categories`, rows that do not apply are all zero. */
export interface ConditionalTable {
  readonly rows: number;
  readonly categories: readonly string[];
  readonly probabilities: Float64Array;
}

/** Row `row` of a conditional table: P(k | row) for each of its categories (a view, not a copy). */
export function rowOf(table: ConditionalTable, row: number): Float64Array {
  const width = table.categories.length;
  return table.probabilities.subarray(row * width, row * width + width);
}

export interface ConditionalTables {
  /** Rows: (d·2 + r)·9 + e (`unitResidenceEthnicityRow`). */
  readonly motherTongueByUnit: ConditionalTable;
  /** Usual language | unit × area × mother tongue (`usualLanguageRow`). */
  readonly usualLanguageByPlace: ConditionalTable;
  /** Rows: d·9 + e (`unitEthnicityRow`). */
  readonly religionByUnit: ConditionalTable;
  /** Rows: sex × age index (sex-major). */
  readonly maritalBySexAge: ConditionalTable;
  /** Rows: ((d·2 + r)·2 + s)·86 + age index (`educationRow`). */
  readonly educationByUnit: ConditionalTable;
  /** Rows: ((s·86 + age index)·2 + r)·5 + region (`employmentRow`). */
  readonly employmentByRow: ConditionalTable;
  /** Rows: age index. */
  readonly inactivityByAge: ConditionalTable;
  /** Rows: r·2 + s (`sectorRow`): sector of the employed. */
  readonly sector: ConditionalTable;
  /** One row: single ages 85..100 within the open group. */
  readonly age85Plus: ConditionalTable;
}

/** Youngest exact age at which each education level can have been completed (institutional norms; tertiary per SPEC §4). */
export const EDUCATION_MIN_AGE: Readonly<Record<(typeof EDUCATION_LEVELS)[number], number>> = {
  no_schooling: 10,
  primary: 10,
  lower_secondary: 15,
  vocational: 17,
  upper_secondary: 18,
  tertiary: 19,
};

const AGES = KEY_DIMENSIONS.age;
const D = DISTRICTS.length;
const R = RESIDENCES.length;
const S = SEXES.length;
const G = REGIONS.length;
const E = ETHNICITIES.length;

/** Row layouts of the conditional tables (one source of truth for the sampler and the targets). */
export const unitResidenceEthnicityRow = (d: number, r: number, e: number): number => (d * R + r) * E + e;
export const unitEthnicityRow = (d: number, e: number): number => d * E + e;
/** Row of usual language | unit × area × mother tongue. */
export const usualLanguageRow = (d: number, r: number, m: number): number => (d * R + r) * LANGUAGES.length + m;
export const educationRow = (d: number, r: number, s: number, a: number): number => ((d * R + r) * S + s) * AGES + a;
export const employmentRow = (s: number, a: number, r: number, g: number): number => ((s * AGES + a) * R + r) * G + g;
export const sectorRow = (r: number, s: number): number => r * S + s;
export const EDUCATION_ROWS = D * R * S * AGES;
export const EMPLOYMENT_ROWS = S * AGES * R * G;

/**
 * Rakes `mass(row) · prior(k | row)` to `targetShares`; returns P(k | row). With `columnGroup`,
 * columns are raked as groups (`targetShares` then has one share per group): used where two
 * official tables disagree on how a category is cut.
 */
export function rakeConditional(
  rowMass: Float64Array,
  prior: Float64Array,
  targetShares: Float64Array,
  useIpf: boolean,
  columnGroup?: Uint16Array,
): Float64Array {
  const k = columnGroup ? columnGroup.length : targetShares.length;
  const normalised = new Float64Array(prior.length);
  for (let row = 0; row < rowMass.length; row += 1) {
    let sum = 0;
    for (let j = 0; j < k; j += 1) sum += prior[row * k + j]!;
    if (sum > 0) for (let j = 0; j < k; j += 1) normalised[row * k + j] = prior[row * k + j]! / sum;
  }
  if (!useIpf) return normalised;
  const joint = new Float64Array(prior.length);
  for (let row = 0; row < rowMass.length; row += 1) {
    for (let j = 0; j < k; j += 1) joint[row * k + j] = rowMass[row]! * normalised[row * k + j]!;
  }
  const rowTargets = Float64Array.from(rowMass, (mass, row) => {
    let has = 0;
    for (let j = 0; j < k; j += 1) has += normalised[row * k + j]!;
    return has > 0 ? mass : 0;
  });
  const covered = rowTargets.reduce((a, b) => a + b, 0);
  const fit = fitIpf(
    joint,
    [
      { name: 'rows', cellCategory: Uint16Array.from(joint, (_, c) => Math.floor(c / k)), targets: rowTargets },
      {
        name: 'categories',
        cellCategory: Uint16Array.from(joint, (_, c) => (columnGroup ? columnGroup[c % k]! : c % k)),
        targets: targetShares.map((s) => s * covered),
      },
    ],
    { tolerance: 1e-12, maxIterations: 2000 },
  );
  const result = new Float64Array(prior.length);
  for (let row = 0; row < rowMass.length; row += 1) {
    if (rowTargets[row]! <= 0) {
      for (let j = 0; j < k; j += 1) result[row * k + j] = normalised[row * k + j]!;
      continue;
    }
    for (let j = 0; j < k; j += 1) result[row * k + j] = fit.fitted[row * k + j]! / rowMass[row]!;
  }
  return result;
}

/** Population mass of the calibrated key joint by the rows of each conditional table. */
export interface PopulationMasses {
  readonly ethnicity: Float64Array;
  readonly age: Float64Array;
  readonly sexAge: Float64Array;
  /** By `unitResidenceEthnicityRow`. */
  readonly unitResidenceEthnicity: Float64Array;
  /** By `unitEthnicityRow`. */
  readonly unitEthnicity: Float64Array;
  /** By `educationRow`. */
  readonly education: Float64Array;
  /** By `employmentRow`. */
  readonly employment: Float64Array;
}

/** The tables the sub-fits produced (calibrated), or null when building the uncalibrated priors. */
export interface FittedTables {
  /** P(m | d, r, e) from the ethnolinguistic fit. */
  readonly motherTongue: Float64Array;
  /** P(ρ | d, e) from the religion fit. */
  readonly religion: Float64Array;
}

/**
 * Usual language | unit × area × mother tongue. Model assumption: four in five speak their mother
 * tongue at home; the fifth speaks the languages of the place, in the proportions of the mother
 * tongues of its unit and area (so Russian and Gagauz, not the national mix, where those speakers
 * live). Raked to the national published table, which lifts Russian where its prior is high.
 */
function usualLanguage(tables: Tables, placeMass: Float64Array, useIpf: boolean): ConditionalTable {
  const L = LANGUAGES.length;
  const published = sharesOf(tableOf(tables, 'language_usually_spoken'), VARIABLE_DOMAINS.language_usually_spoken_published);
  const nationalMotherTongue = sharesOf(tableOf(tables, 'mother_tongue'), LANGUAGES);
  // The published residual covers Bulgarian, Romani, other and not declared: split it by mother tongue shares.
  const residualCodes = ['bulgarian', 'romani', 'other', 'not_declared'] as const;
  const residualMass = residualCodes.reduce((sum, code) => sum + nationalMotherTongue[LANGUAGES.indexOf(code)]!, 0);
  const target = Float64Array.from(LANGUAGES, (code) => {
    const at = VARIABLE_DOMAINS.language_usually_spoken_published.indexOf(code as never);
    if (at >= 0) return published[at]!;
    return (published[published.length - 1]! * nationalMotherTongue[LANGUAGES.indexOf(code)]!) / residualMass;
  });
  const places = D * R;
  const prior = new Float64Array(places * L * L);
  for (let place = 0; place < places; place += 1) {
    let mass = 0;
    for (let l = 0; l < L; l += 1) mass += placeMass[place * L + l]!;
    for (let m = 0; m < L; m += 1) {
      for (let l = 0; l < L; l += 1) {
        const local = mass > 0 ? placeMass[place * L + l]! / mass : target[l]!;
        prior[(place * L + m) * L + l] = (m === l ? 0.8 : 0) + 0.2 * local;
      }
    }
  }
  return { rows: places * L, categories: LANGUAGES, probabilities: rakeConditional(placeMass, prior, target, useIpf) };
}

/** Exact-age rows (AGE_COUNT × k) from a model table's five-year rows (groups × k, zeros where not applicable). */
type AgeSchedule = (groupRows: Float64Array, sex: 'female' | 'male' | null) => Float64Array;

/** Interpolation between group midpoints from `minAge` on (age-schedules.ts). */
const smoothFrom =
  (minAge: number): AgeSchedule =>
  (groupRows, _sex) =>
    interpolateGroups(groupRows, groupRows.length / AGE_GROUPS.length, minAge, (g) => 5 * g + 4 >= minAge);

/**
 * Expands a modelled table over age groups (optionally by sex) to rows per (sex ×) exact age:
 * `schedule` turns the five-year rows into single-age rows without steps at the band edges, then
 * `mask` zeroes what an age cannot hold.
 */
function bySexAgeRows(
  tables: Tables,
  id: string,
  categories: readonly string[],
  withSex: boolean,
  schedule: AgeSchedule,
  mask: (ageIndex: number, category: number) => boolean,
): Float64Array {
  const table = tableOf(tables, id);
  const sexes = withSex ? SEXES : [null];
  const K = categories.length;
  const out = new Float64Array(sexes.length * AGES * K);
  sexes.forEach((sex, s) => {
    const groupRows = new Float64Array(AGE_GROUPS.length * K);
    AGE_GROUPS.forEach((group, g) =>
      categories.forEach((category, k) => (groupRows[g * K + k] = valueAt(table, sex === null ? [group, category] : [sex, group, category]) ?? 0)),
    );
    const byAge = schedule(groupRows, sex);
    for (let a = 0; a < AGES; a += 1) {
      for (let k = 0; k < K; k += 1) if (mask(a, k)) out[(s * AGES + a) * K + k] = byAge[a * K + k]!;
    }
  });
  return out;
}

/** Replicates a row prior (rows × k) to `rows` rows through `rowOf(row) → prior row`, normalised. */
function replicate(prior: Float64Array, k: number, rows: number, rowOf: (row: number) => number): Float64Array {
  const out = new Float64Array(rows * k);
  for (let row = 0; row < rows; row += 1) {
    const from = rowOf(row);
    let sum = 0;
    for (let j = 0; j < k; j += 1) sum += prior[from * k + j]!;
    if (sum > 0) for (let j = 0; j < k; j += 1) out[row * k + j] = prior[from * k + j]! / sum;
  }
  return out;
}

/** P(k | row) from a fitted joint (rows × k); rows without mass keep the normalised prior row. */
function conditionalOf(fitted: Float64Array, prior: Float64Array, k: number): Float64Array {
  const out = new Float64Array(fitted.length);
  for (let row = 0; row < fitted.length / k; row += 1) {
    let mass = 0;
    let priorMass = 0;
    for (let j = 0; j < k; j += 1) {
      mass += fitted[row * k + j]!;
      priorMass += prior[row * k + j]!;
    }
    for (let j = 0; j < k; j += 1) {
      out[row * k + j] = mass > 0 ? fitted[row * k + j]! / mass : priorMass > 0 ? prior[row * k + j]! / priorMass : 0;
    }
  }
  return out;
}

const SUBFIT = { tolerance: 1e-7, maxIterations: 3000 } as const;

/** Fits rowMass(row) · prior(k | row) to `constraints` plus the row masses (applied last). */
function fitRows(name: string, rowMass: Float64Array, prior: Float64Array, k: number, constraints: IpfConstraint[], fits: SubFitLog): Float64Array {
  const joint = new Float64Array(prior.length);
  const rowTargets = new Float64Array(rowMass.length);
  for (let row = 0; row < rowMass.length; row += 1) {
    let sum = 0;
    for (let j = 0; j < k; j += 1) sum += prior[row * k + j]!;
    if (sum <= 0 || rowMass[row]! <= 0) continue;
    rowTargets[row] = rowMass[row]!;
    for (let j = 0; j < k; j += 1) joint[row * k + j] = (rowMass[row]! * prior[row * k + j]!) / sum;
  }
  const total = rowTargets.reduce((a, b) => a + b, 0);
  const all = [...constraints, countConstraint(`${name} rows`, joint.length, (c) => Math.floor(c / k), rowTargets)];
  const fit = fitConstraints(joint, all, { ...SUBFIT, scale: total });
  fits.push({ name, fit });
  return conditionalOf(fit.fitted, joint, k);
}

export type SubFitLog = { name: string; fit: FitResult }[];

function educationTables(tables: Tables, masses: PopulationMasses, useIpf: boolean, fits: SubFitLog): Float64Array {
  const K = EDUCATION_LEVELS.length;
  const feasible = (a: number, k: number) => a >= EDUCATION_MIN_AGE[EDUCATION_LEVELS[k]!];
  const byAge = bySexAgeRows(tables, 'education_by_age_modelled', EDUCATION_LEVELS, false, (rows) => educationByExactAge(rows), feasible);
  const toRows = (byExactAge: Float64Array) => {
    const rows = replicate(byExactAge, K, EDUCATION_ROWS, (row) => row % AGES);
    for (let row = 0; row < EDUCATION_ROWS; row += 1) if (row % AGES < 10) rows.fill(0, row * K, row * K + K);
    return rows;
  };
  const prior = toRows(byAge);
  if (!useIpf) return prior;
  // Every constraint but the rows is on (unit, area, sex, level): fitted on that 840-cell
  // aggregate, with the age rows normalised implicitly (`fitGrouped`), which is the same
  // I-projection as raking the 72,240 cells, at a fraction of the cost.
  const GROUPS = D * R * S;
  const n = GROUPS * K;
  const dOf = (c: number) => Math.floor(c / (R * S * K));
  const rOf = (c: number) => Math.floor(c / (S * K)) % R;
  const sOf = (c: number) => Math.floor(c / K) % S;
  const tenPlus = masses.education.reduce((a, b) => a + b, 0);
  const byResidence = RESIDENCES.map((_, r) => masses.education.reduce((sum, m, row) => (Math.floor(row / (S * AGES)) % R === r ? sum + m : sum), 0));
  const byUnit = DISTRICTS.map((_, d) => masses.education.reduce((sum, m, row) => (Math.floor(row / (R * S * AGES)) === d ? sum + m : sum), 0));
  const national = tableOf(tables, 'education_10plus');
  const nationalShares = sharesOf(national, EDUCATION_LEVELS);
  // The six published shares cover 99.8% (the rest did not declare): every published cell is read
  // over the same declared base (docs/method.md §4).
  const declared = (national.published_shares_percent?.values ?? [100]).reduce<number>((sum, v) => sum + (v ?? 0), 0) / 100;
  const areaCells = matrixOf(tableOf(tables, 'education_10plus_by_residence_partial'), RESIDENCES, EDUCATION_LEVELS);
  const areaList = areaCells.flatMap((row, r) => row.flatMap((v, k) => (v === null ? [] : [{ r, k, share: v / 100 / declared }])));
  const unitCells = matrixOf(tableOf(tables, 'education_tertiary_by_district_partial'), DISTRICTS, EDUCATION_LEVELS);
  const unitList = unitCells.flatMap((row, d) => row.flatMap((v, k) => (v === null ? [] : [{ d, k, share: v / 100 / declared }])));
  const sexCells = matrixOf(tableOf(tables, 'education_sex_within_level'), EDUCATION_LEVELS, SEXES);
  const sexList = sexCells.flatMap((row, k) => row.flatMap((v, s) => (v === null ? [] : [{ k, s, share: v / 100 }])));
  const constraints: IpfConstraint[] = [
    countConstraint('education 10+', n, (c) => c % K, Array.from(nationalShares, (share) => share * tenPlus)),
    countConstraint(
      'education by area (published cells)',
      n,
      (c) => areaList.findIndex((cell) => cell.r === rOf(c) && cell.k === c % K),
      areaList.map((cell) => cell.share * byResidence[cell.r]!),
    ),
    countConstraint(
      'education by unit (published cells)',
      n,
      (c) => unitList.findIndex((cell) => cell.d === dOf(c) && cell.k === c % K),
      unitList.map((cell) => cell.share * byUnit[cell.d]!),
    ),
    // The sex composition within a level, as a count on the level's national total (fixed by the
    // first constraint), so every constraint is a count and rows can be held fixed (below).
    ...sexList.map((cell) =>
      countConstraint(`sex within ${EDUCATION_LEVELS[cell.k]}`, n, (c) => (c % K === cell.k && sOf(c) === cell.s ? 0 : -1), [
        cell.share * nationalShares[cell.k]! * tenPlus,
      ]),
    ),
  ];
  // Raking scales each cohort's *final* level; pupils (10-16) keep the primary and gymnasium
  // completion timing of their raked final levels, so the fit cannot move them between grades
  // (raking them like adults made 72% of 15-year-olds gymnasium graduates). From 17 the rows are
  // raked from the timed prior, whose small shares (degrees before 22) stay small under the
  // multiplicative factors. A few rounds of the timing against the fit converge (pupils are a
  // tenth of the 10+ mass); their last timed rows are held fixed in the fit that is kept, so the
  // constraints hold exactly.
  const finalRows = toRows(bySexAgeRows(tables, 'education_by_age_modelled', EDUCATION_LEVELS, false, (rows) => finalAttainmentByAge(rows), () => true));
  const young = (row: number) => row % AGES < TIMED_UNTIL_AGE;
  const freeMass = masses.education.map((mass, row) => (young(row) ? 0 : mass));
  const fixed = new Float64Array(prior.length);
  const fixedAggregate = new Float64Array(n);
  const final = new Float64Array(K);
  const timed = new Float64Array(K);
  let phi: Float64Array = new Float64Array(GROUPS * K).fill(1);
  let fitted: Float64Array = prior;
  const ROUNDS = 4;
  let sweeps = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    fixedAggregate.fill(0);
    for (let row = 0; row < EDUCATION_ROWS; row += 1) {
      const a = row % AGES;
      const mass = masses.education[row]!;
      if (!young(row) || a < 10 || mass <= 0) continue;
      const g = Math.floor(row / AGES);
      for (let k = 0; k < K; k += 1) final[k] = finalRows[row * K + k]! * phi[g * K + k]!;
      completedLevels(final, a, timed);
      let sum = 0;
      for (let k = 0; k < K; k += 1) sum += feasible(a, k) ? timed[k]! : 0;
      for (let k = 0; k < K; k += 1) {
        fixed[row * K + k] = sum > 0 && feasible(a, k) ? (mass * timed[k]!) / sum : 0;
        fixedAggregate[g * K + k]! += fixed[row * K + k]!;
      }
    }
    // The free rows meet what the fixed rows leave of each target.
    const left = constraints.map((c): IpfConstraint => {
      if (c.kind !== 'count') return c;
      const targets = Float64Array.from(c.targets);
      for (let cell = 0; cell < n; cell += 1) if (c.category[cell]! >= 0) targets[c.category[cell]!]! -= fixedAggregate[cell]!;
      return { ...c, targets: targets.map((t) => Math.max(0, t)) };
    });
    // Each round starts from the last round's factors: the fixed point moves little between
    // rounds (on the shipped snapshot 1,173 sweeps, then 66, 3 and 1, where a cold start took
    // about 1,170 every round).
    const result = fitGrouped(freeMass, prior, K, AGES, left, phi);
    sweeps += result.fit.iterations;
    phi = result.phi;
    fitted = result.conditional;
    if (round === ROUNDS - 1) fits.push({ name: 'education', fit: { ...result.fit, iterations: sweeps } });
  }
  for (let row = 0; row < EDUCATION_ROWS; row += 1) {
    if (!young(row)) continue;
    const mass = masses.education[row]!;
    for (let k = 0; k < K; k += 1) fitted[row * K + k] = mass > 0 ? fixed[row * K + k]! / mass : prior[row * K + k]!;
  }
  return fitted;
}

/**
 * Rakes rowMass(row) · prior(k | row) when every constraint but the row totals depends only on
 * (group, k), with rows grouped in consecutive runs of `rowsPerGroup`. The fitted table is
 * x(row, k) = M(row) · prior(k | row) · φ(group, k) / Z(row); each sweep aggregates x to the
 * groups, applies one sweep of `constraints` there and updates φ, so the rows hold exactly
 * throughout (IPF with the row margin last), starting from the factors `start`. Returns P(k | row)
 * with the factors reached and the fit.
 */
function fitGrouped(
  rowMass: Float64Array,
  prior: Float64Array,
  K: number,
  rowsPerGroup: number,
  constraints: readonly IpfConstraint[],
  start: Float64Array,
): { conditional: Float64Array; phi: Float64Array; fit: SubFitLog[number]['fit'] } {
  const rows = rowMass.length;
  const phi = Float64Array.from(start);
  const aggregate = new Float64Array(phi.length);
  const total = rowMass.reduce((a, b) => a + b, 0);
  const fillAggregate = () => {
    aggregate.fill(0);
    for (let row = 0; row < rows; row += 1) {
      const mass = rowMass[row]!;
      if (mass <= 0) continue;
      const g = Math.floor(row / rowsPerGroup);
      let z = 0;
      for (let k = 0; k < K; k += 1) z += prior[row * K + k]! * phi[g * K + k]!;
      if (z <= 0) continue;
      for (let k = 0; k < K; k += 1) aggregate[g * K + k]! += (mass * prior[row * K + k]! * phi[g * K + k]!) / z;
    }
  };
  let iterations = 0;
  let residual = Number.POSITIVE_INFINITY;
  while (iterations < SUBFIT.maxIterations) {
    fillAggregate();
    const scaled = Float64Array.from(aggregate);
    residual = sweepConstraints(scaled, constraints, total);
    iterations += 1;
    if (residual <= SUBFIT.tolerance) break;
    for (let c = 0; c < phi.length; c += 1) if (aggregate[c]! > 0) phi[c]! *= scaled[c]! / aggregate[c]!;
  }
  fillAggregate();
  const check = fitConstraints(aggregate, constraints, { tolerance: Number.POSITIVE_INFINITY, maxIterations: 0, scale: total });
  const converged = residual <= SUBFIT.tolerance;

  const out = new Float64Array(prior.length);
  for (let row = 0; row < rows; row += 1) {
    const g = Math.floor(row / rowsPerGroup);
    let z = 0;
    for (let k = 0; k < K; k += 1) z += prior[row * K + k]! * phi[g * K + k]!;
    for (let k = 0; k < K; k += 1) out[row * K + k] = z > 0 ? (prior[row * K + k]! * phi[g * K + k]!) / z : 0;
  }
  return { conditional: out, phi, fit: { ...check, iterations, converged, bounded: null } };
}

/** LFS age group (15-24 … 65+) of an age index; -1 under 15. */
function lfsAgeGroupOf(a: number): number {
  if (a < 15) return -1;
  return Math.min(5, Math.floor((a - 15) / 10));
}

function employmentTables(tables: Tables, masses: PopulationMasses, useIpf: boolean, fits: SubFitLog): Float64Array {
  const K = EMPLOYMENT_STATUSES.length;
  const bySexAge = bySexAgeRows(tables, 'employment_by_sex_age_modelled', EMPLOYMENT_STATUSES, true, smoothFrom(15), (a) => a >= 15);
  const prior = replicate(bySexAge, K, EMPLOYMENT_ROWS, (row) => Math.floor(row / (R * G)));
  if (!useIpf) return prior;
  const n = prior.length;
  const rowOf = (c: number) => Math.floor(c / K);
  const sOf = (c: number) => Math.floor(rowOf(c) / (AGES * R * G));
  const aOf = (c: number) => Math.floor(rowOf(c) / (R * G)) % AGES;
  const rOf = (c: number) => Math.floor(rowOf(c) / G) % R;
  const gOf = (c: number) => rowOf(c) % G;
  const status = (code: (typeof EMPLOYMENT_STATUSES)[number]) => EMPLOYMENT_STATUSES.indexOf(code);
  const [EMPLOYED, UNEMPLOYED] = [status('employed'), status('unemployed')];
  const massWhere = (test: (row: number) => boolean) => masses.employment.reduce((sum, m, row) => (test(row) ? sum + m : sum), 0);
  const rowAge = (row: number) => Math.floor(row / (R * G)) % AGES;
  const rowSex = (row: number) => Math.floor(row / (AGES * R * G));
  const rowResidence = (row: number) => Math.floor(row / G) % R;
  const fifteenPlus = massWhere((row) => rowAge(row) >= 15);
  const national = sharesOf(tableOf(tables, 'labour_status_15plus'), EMPLOYMENT_STATUSES);
  const employedTotal = national[EMPLOYED]! * fifteenPlus;

  // 20-64 rates: the confirmed total sets the level, the single-source sex and area rates the
  // contrasts (docs/method.md §5: published rates applied to the generated denominators).
  const rates = tableOf(tables, 'lfs_employment_rates');
  const rate = (code: string) => (valueAt(rates, [code]) ?? 0) / 100;
  const working = (row: number) => rowAge(row) >= 20 && rowAge(row) <= 64;
  const workingTotal = massWhere(working);
  const level = rate('employment_rate_20_64_total') * workingTotal;
  const contrast = (groups: readonly { mass: number; rate: number }[]) => {
    const weighted = groups.reduce((sum, g) => sum + g.rate * g.mass, 0);
    return groups.map((g) => (level * g.rate * g.mass) / weighted);
  };
  const bySex = contrast(
    SEXES.map((sex, s) => ({ mass: massWhere((row) => working(row) && rowSex(row) === s), rate: rate(sex === 'male' ? 'employment_rate_20_64_men' : 'employment_rate_20_64_women') })),
  );
  const byArea = contrast(
    RESIDENCES.map((area, r) => ({ mass: massWhere((row) => working(row) && rowResidence(row) === r), rate: rate(`employment_rate_20_64_${area}`) })),
  );

  // Youth 15-34: employed and unemployed counts (the inactive follow from the rows).
  const youthTable = sharesOf(tableOf(tables, 'lfs_youth_15_34_status'), EMPLOYMENT_STATUSES);
  const youth = (a: number) => a >= 15 && a <= 34;
  const youthTotal = massWhere((row) => youth(rowAge(row)));

  // The unemployed by age × sex, as shares within the unemployed 15-34 and within the unemployed
  // 35+ (the youth table sets the first level, the 15+ table the total).
  const unemployedTable = tableOf(tables, 'lfs_unemployed_by_age_sex');
  const unemployedCells = matrixOf(unemployedTable, VARIABLE_DOMAINS.lfs_age_group, SEXES).map((row) => row.map((v) => v ?? 0));
  const youthUnemployed = [0, 1].flatMap((b) => SEXES.map((_, s) => unemployedCells[b]![s]!));
  const olderUnemployed = [2, 3, 4, 5].flatMap((b) => SEXES.map((_, s) => unemployedCells[b]![s]!));
  const normaliseList = (list: number[]) => {
    const total = list.reduce((a, b) => a + b, 0);
    return list.map((v) => v / total);
  };

  // Employed by LFS region (Sud with UTA Găgăuzia).
  const regionShares = sharesOf(tableOf(tables, 'employed_by_region'), VARIABLE_DOMAINS.region_lfs);
  const lfsRegionOf = (g: number) => VARIABLE_DOMAINS.region_lfs.indexOf((REGIONS[g] === 'gagauzia' || REGIONS[g] === 'sud' ? 'sud_gagauzia' : REGIONS[g]) as never);

  const inWorking = (c: number) => aOf(c) >= 20 && aOf(c) <= 64;
  const constraints: IpfConstraint[] = [
    countConstraint('labour status 15+', n, (c) => (aOf(c) >= 15 ? c % K : -1), Array.from(national, (share) => share * fifteenPlus)),
    countConstraint('employed 20-64 by sex', n, (c) => (c % K === EMPLOYED && inWorking(c) ? sOf(c) : -1), bySex),
    countConstraint('employed 20-64 by area', n, (c) => (c % K === EMPLOYED && inWorking(c) ? rOf(c) : -1), byArea),
    countConstraint(
      'youth 15-34 employed and unemployed',
      n,
      (c) => (youth(aOf(c)) ? (c % K === EMPLOYED ? 0 : c % K === UNEMPLOYED ? 1 : -1) : -1),
      [youthTable[EMPLOYED]! * youthTotal, youthTable[UNEMPLOYED]! * youthTotal],
    ),
    proportionConstraint(
      'unemployed by age × sex',
      n,
      (c) => (c % K !== UNEMPLOYED || aOf(c) < 15 ? -1 : youth(aOf(c)) ? 0 : 1),
      (c) => {
        const band = lfsAgeGroupOf(aOf(c));
        return band < 0 ? -1 : ((band < 2 ? band : band - 2) * S + sOf(c));
      },
      8,
      [...normaliseList(youthUnemployed), 0, 0, 0, 0, ...normaliseList(olderUnemployed)],
    ),
    countConstraint('employed by region', n, (c) => (c % K === EMPLOYED && aOf(c) >= 15 ? lfsRegionOf(gOf(c)) : -1), Array.from(regionShares, (share) => share * employedTotal)),
  ];
  return fitRows('labour status', masses.employment, prior, K, constraints, fits);
}

function inactivityTables(tables: Tables, inactiveMassByAge: Float64Array, useIpf: boolean, fits: SubFitLog): Float64Array {
  const K = INACTIVITY_REASONS.length;
  const prior = replicate(bySexAgeRows(tables, 'inactivity_by_age_modelled', INACTIVITY_REASONS, false, smoothFrom(15), (a) => a >= 15), K, AGES, (a) => a);
  if (!useIpf) return prior;
  const n = prior.length;
  const total = inactiveMassByAge.reduce((a, b) => a + b, 0);
  const national = sharesOf(tableOf(tables, 'inactivity_reason'), INACTIVITY_REASONS);
  const STUDENT = INACTIVITY_REASONS.indexOf('student');
  const youth = (a: number) => a >= 15 && a <= 34;
  const youthInactive = inactiveMassByAge.reduce((sum, m, a) => (youth(a) ? sum + m : sum), 0);
  // Published beside the youth status: 50.4% of the inactive 15-34 are in national education.
  const inEducation = 0.504;
  return fitRows('inactivity reason', inactiveMassByAge, prior, K, [
    countConstraint('inactivity reason', n, (c) => c % K, Array.from(national, (share) => share * total)),
    countConstraint('students among the inactive 15-34', n, (c) => (youth(Math.floor(c / K)) && c % K === STUDENT ? 0 : -1), [inEducation * youthInactive]),
  ], fits);
}

/** Sector | area × sex: the modelled shapes raked to the national LFS sectors over the employed. */
function sectorTables(tables: Tables, masses: PopulationMasses, employmentByRow: Float64Array, useIpf: boolean): Float64Array {
  const K = ECONOMIC_SECTORS.length;
  const prior = new Float64Array(R * S * K);
  RESIDENCES.forEach((area, r) =>
    SEXES.forEach((sex, s) =>
      ECONOMIC_SECTORS.forEach((code, k) => (prior[sectorRow(r, s) * K + k] = valueAt(tableOf(tables, 'sector_by_residence_sex_modelled'), [area, sex, code]) ?? 0)),
    ),
  );
  const employed = EMPLOYMENT_STATUSES.indexOf('employed');
  const employedMass = new Float64Array(R * S);
  masses.employment.forEach((mass, row) => {
    const s = Math.floor(row / (AGES * R * G));
    const r = Math.floor(row / G) % R;
    employedMass[sectorRow(r, s)]! += mass * employmentByRow[row * EMPLOYMENT_STATUSES.length + employed]!;
  });
  return rakeConditional(employedMass, prior, sharesOf(tableOf(tables, 'economic_sector'), ECONOMIC_SECTORS), useIpf);
}

export function buildConditionals(tables: Tables, masses: PopulationMasses, fitted: FittedTables | null, fits: SubFitLog = []): ConditionalTables {
  const useIpf = fitted !== null;
  const L = LANGUAGES.length;
  const piLanguage = motherTonguePrior(tables);
  const motherTongueByUnit = fitted?.motherTongue ?? replicate(piLanguage, L, D * R * E, (row) => row % E);
  // Mother tongue mass per unit × area (rows of the usual-language table).
  const placeMass = new Float64Array(D * R * L);
  masses.unitResidenceEthnicity.forEach((mass, row) => {
    const place = Math.floor(row / E);
    for (let l = 0; l < L; l += 1) placeMass[place * L + l]! += mass * motherTongueByUnit[row * L + l]!;
  });
  const religionByUnit = fitted?.religion ?? replicate(religionPrior(tables), RELIGIONS.length, D * E, (row) => row % E);
  const sexAgeMass15 = masses.sexAge.map((mass, row) => ((row % AGES) >= 15 ? mass : 0));
  const marital = bySexAgeRows(tables, 'marital_by_sex_age_modelled', MARITAL_STATUSES, true, (rows, sex) => maritalByExactAge(rows, sex ?? 'female'), (a) => a >= 15);
  const employmentByRow = employmentTables(tables, masses, useIpf, fits);
  const inactive = EMPLOYMENT_STATUSES.indexOf('inactive');
  const inactiveMassByAge = new Float64Array(AGES);
  masses.employment.forEach((mass, row) => (inactiveMassByAge[Math.floor(row / (R * G)) % AGES]! += mass * employmentByRow[row * EMPLOYMENT_STATUSES.length + inactive]!));
  return {
    motherTongueByUnit: { rows: D * R * E, categories: LANGUAGES, probabilities: motherTongueByUnit },
    usualLanguageByPlace: usualLanguage(tables, placeMass, useIpf),
    religionByUnit: { rows: D * E, categories: RELIGIONS, probabilities: religionByUnit },
    maritalBySexAge: {
      rows: SEXES.length * AGES,
      categories: MARITAL_STATUSES,
      probabilities: rakeConditional(sexAgeMass15, marital, sharesOf(tableOf(tables, 'marital_status_15plus'), MARITAL_STATUSES), useIpf),
    },
    educationByUnit: { rows: EDUCATION_ROWS, categories: EDUCATION_LEVELS, probabilities: educationTables(tables, masses, useIpf, fits) },
    employmentByRow: { rows: EMPLOYMENT_ROWS, categories: EMPLOYMENT_STATUSES, probabilities: employmentByRow },
    inactivityByAge: { rows: AGES, categories: INACTIVITY_REASONS, probabilities: inactivityTables(tables, inactiveMassByAge, useIpf, fits) },
    sector: { rows: R * S, categories: ECONOMIC_SECTORS, probabilities: sectorTables(tables, masses, employmentByRow, useIpf) },
    age85Plus: { rows: 1, categories: VARIABLE_DOMAINS.age_85_plus, probabilities: sharesOf(tableOf(tables, 'age_85_plus_modelled'), VARIABLE_DOMAINS.age_85_plus) },
  };
}
