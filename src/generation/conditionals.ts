/**
 * Step 4 of SPEC §5.1: the conditional tables the remaining fields are drawn from, each raked so
 * that, over the calibrated population of its universe, it reproduces the official margin:
 *
 *   fitted(row, k) = IPF of mass(row) · prior(k | row) to row totals mass(row) and column
 *   totals target(k) · Σ mass, then P(k | row) = fitted(row, k) / mass(row).
 *
 * Rows are ethnicity (languages, religion), sex × single age (marital status, labour status),
 * or single age (education, inactivity). Exact-age feasibility masks are applied to the prior
 * before raking, so structural zeros stay zero. With `useIpf: false` the priors are used as they
 * are (what calibration buys is then visible in the trust report).
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
import { fitIpf } from './ipf.js';
import { KEY_DIMENSIONS } from './key-joint.js';
import { ageGroupOfAgeIndex, rowSharesOf, sharesOf, tableOf, valueAt } from './table-view.js';

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
  readonly motherTongueByEthnicity: ConditionalTable;
  readonly usualLanguageByMotherTongue: ConditionalTable;
  readonly religionByEthnicity: ConditionalTable;
  /** Rows: sex × age index (sex-major). */
  readonly maritalBySexAge: ConditionalTable;
  /** Rows: age index. */
  readonly educationByAge: ConditionalTable;
  /** Rows: sex × age index (sex-major). */
  readonly employmentBySexAge: ConditionalTable;
  /** Rows: age index. */
  readonly inactivityByAge: ConditionalTable;
  /** One row: sector of the employed. */
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

/** Population mass of the calibrated key joint by ethnicity, by age index, and by sex × age index. */
export interface PopulationMasses {
  readonly ethnicity: Float64Array;
  readonly age: Float64Array;
  readonly sexAge: Float64Array;
}

function motherTongue(tables: Tables, masses: PopulationMasses, useIpf: boolean): ConditionalTable {
  const merged = tableOf(tables, 'mother_tongue_by_ethnicity');
  const national = sharesOf(tableOf(tables, 'mother_tongue'), LANGUAGES);
  const mergedCodes = VARIABLE_DOMAINS.mother_tongue_merged;
  const otherSplit = national[LANGUAGES.indexOf('other')]! / (national[LANGUAGES.indexOf('other')]! + national[LANGUAGES.indexOf('not_declared')]!);
  const prior = new Float64Array(ETHNICITIES.length * LANGUAGES.length);
  ETHNICITIES.forEach((ethnicity, e) => {
    const row = rowSharesOf(merged, ethnicity, mergedCodes);
    if (!row) {
      national.forEach((share, l) => (prior[e * LANGUAGES.length + l] = share));
      return;
    }
    // Model assumption: ethnic Romanians name Romanian rather than Moldovan 19 times as often as others.
    const romanianShare = ethnicity === 'romanian' ? 0.95 : 0.5;
    mergedCodes.forEach((code, m) => {
      const at = (language: (typeof LANGUAGES)[number]) => e * LANGUAGES.length + LANGUAGES.indexOf(language);
      if (code === 'moldovan_or_romanian') {
        prior[at('moldovan')] = row[m]! * (1 - romanianShare);
        prior[at('romanian')] = row[m]! * romanianShare;
      } else if (code === 'other') {
        prior[at('other')] = row[m]! * otherSplit;
        prior[at('not_declared')] = row[m]! * (1 - otherSplit);
      } else {
        prior[at(code)] = row[m]!;
      }
    });
  });
  // The by-ethnicity sheet's "other languages" column implies 0.34% of residents against 0.25% in
  // the national count (docs/data.md): other and not declared are raked as one group, so the
  // disagreement is absorbed where both tables are least precise instead of distorting a row.
  const pooled = LANGUAGES.indexOf('other');
  const group = Uint16Array.from(LANGUAGES, (code, l) => (code === 'not_declared' ? pooled : l));
  const groupTargets = new Float64Array(LANGUAGES.length);
  national.forEach((share, l) => (groupTargets[group[l]!]! += share));
  const raked = rakeConditional(masses.ethnicity, prior, groupTargets, useIpf, group);
  return { rows: ETHNICITIES.length, categories: LANGUAGES, probabilities: raked };
}

function usualLanguage(tables: Tables, motherTongueMass: Float64Array, useIpf: boolean): ConditionalTable {
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
  // Model assumption: 80% speak their mother tongue at home; the rest follow the national usual-language mix.
  const prior = new Float64Array(LANGUAGES.length * LANGUAGES.length);
  LANGUAGES.forEach((_, m) =>
    LANGUAGES.forEach((__, l) => (prior[m * LANGUAGES.length + l] = (m === l ? 0.8 : 0) + 0.2 * target[l]!)),
  );
  return { rows: LANGUAGES.length, categories: LANGUAGES, probabilities: rakeConditional(motherTongueMass, prior, target, useIpf) };
}

function religion(tables: Tables, masses: PopulationMasses, useIpf: boolean): ConditionalTable {
  const national = sharesOf(tableOf(tables, 'religion'), RELIGIONS);
  const named = VARIABLE_DOMAINS.religion_named;
  const namedShare = named.reduce((sum, code) => sum + national[RELIGIONS.indexOf(code)]!, 0);
  const byEthnicity = tableOf(tables, 'religion_by_ethnicity');
  const prior = new Float64Array(ETHNICITIES.length * RELIGIONS.length);
  ETHNICITIES.forEach((ethnicity, e) => {
    const row = rowSharesOf(byEthnicity, ethnicity, named);
    RELIGIONS.forEach((code, r) => {
      const at = named.indexOf(code as never);
      // Model assumption: the share declaring no named religion does not depend on ethnicity.
      prior[e * RELIGIONS.length + r] = row && at >= 0 ? row[at]! * namedShare : national[r]!;
    });
  });
  return { rows: ETHNICITIES.length, categories: RELIGIONS, probabilities: rakeConditional(masses.ethnicity, prior, national, useIpf) };
}

/** Expands a modelled table over age groups (optionally by sex) to rows per (sex ×) age index. */
function bySexAgeRows(
  tables: Tables,
  id: string,
  categories: readonly string[],
  withSex: boolean,
  mask: (ageIndex: number, category: number) => boolean,
): Float64Array {
  const table = tableOf(tables, id);
  const sexes = withSex ? SEXES : [null];
  const out = new Float64Array(sexes.length * AGES * categories.length);
  sexes.forEach((sex, s) => {
    for (let a = 0; a < AGES; a += 1) {
      const group = AGE_GROUPS[ageGroupOfAgeIndex(a)]!;
      categories.forEach((category, k) => {
        const value = valueAt(table, sex === null ? [group, category] : [sex, group, category]);
        if (value !== null && mask(a, k)) out[(s * AGES + a) * categories.length + k] = value;
      });
    }
  });
  return out;
}

export function buildConditionals(tables: Tables, masses: PopulationMasses, useIpf: boolean): ConditionalTables {
  const motherTongueByEthnicity = motherTongue(tables, masses, useIpf);
  const motherTongueMass = new Float64Array(LANGUAGES.length);
  masses.ethnicity.forEach((mass, e) =>
    LANGUAGES.forEach((_, l) => (motherTongueMass[l]! += mass * motherTongueByEthnicity.probabilities[e * LANGUAGES.length + l]!)),
  );
  const sexAgeMass15 = masses.sexAge.map((mass, row) => ((row % AGES) >= 15 ? mass : 0));
  const ageMass10 = masses.age.map((mass, a) => (a >= 10 ? mass : 0));
  const marital = bySexAgeRows(tables, 'marital_by_sex_age_modelled', MARITAL_STATUSES, true, (a) => a >= 15);
  const education = bySexAgeRows(tables, 'education_by_age_modelled', EDUCATION_LEVELS, false, (a, k) => a >= EDUCATION_MIN_AGE[EDUCATION_LEVELS[k]!]);
  const employment = bySexAgeRows(tables, 'employment_by_sex_age_modelled', EMPLOYMENT_STATUSES, true, (a) => a >= 15);
  const employmentByRow = rakeConditional(sexAgeMass15, employment, sharesOf(tableOf(tables, 'labour_status_15plus'), EMPLOYMENT_STATUSES), useIpf);
  const inactive = EMPLOYMENT_STATUSES.indexOf('inactive');
  const inactiveMassByAge = new Float64Array(AGES);
  sexAgeMass15.forEach((mass, row) => (inactiveMassByAge[row % AGES]! += mass * employmentByRow[row * EMPLOYMENT_STATUSES.length + inactive]!));
  const inactivity = bySexAgeRows(tables, 'inactivity_by_age_modelled', INACTIVITY_REASONS, false, (a) => a >= 15);
  return {
    motherTongueByEthnicity,
    usualLanguageByMotherTongue: usualLanguage(tables, motherTongueMass, useIpf),
    religionByEthnicity: religion(tables, masses, useIpf),
    maritalBySexAge: {
      rows: SEXES.length * AGES,
      categories: MARITAL_STATUSES,
      probabilities: rakeConditional(sexAgeMass15, marital, sharesOf(tableOf(tables, 'marital_status_15plus'), MARITAL_STATUSES), useIpf),
    },
    educationByAge: {
      rows: AGES,
      categories: EDUCATION_LEVELS,
      probabilities: rakeConditional(ageMass10, education, sharesOf(tableOf(tables, 'education_10plus'), EDUCATION_LEVELS), useIpf),
    },
    employmentBySexAge: { rows: SEXES.length * AGES, categories: EMPLOYMENT_STATUSES, probabilities: employmentByRow },
    inactivityByAge: {
      rows: AGES,
      categories: INACTIVITY_REASONS,
      probabilities: rakeConditional(inactiveMassByAge, inactivity, sharesOf(tableOf(tables, 'inactivity_reason'), INACTIVITY_REASONS), useIpf),
    },
    sector: { rows: 1, categories: ECONOMIC_SECTORS, probabilities: sharesOf(tableOf(tables, 'economic_sector'), ECONOMIC_SECTORS) },
    age85Plus: { rows: 1, categories: VARIABLE_DOMAINS.age_85_plus, probabilities: sharesOf(tableOf(tables, 'age_85_plus_modelled'), VARIABLE_DOMAINS.age_85_plus) },
  };
}

