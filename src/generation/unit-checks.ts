/**
 * The checks issue #12 added (docs/method.md §6): every table of the snapshot that describes the
 * output's universe becomes a joint check with its own id — the unit tables (mother tongue,
 * religion, sex, broad age), the published education cells, the LFS rates and distributions,
 * the women's share of 60+ — plus one modelled check (sector by area, the engine's own
 * conditional, so a shuffled sector is caught although nothing official crosses it).
 *
 * One counter layout serves both sides: the sampler counts each persona into it (`countUnits`),
 * and `expectedUnitCounts` fills it with the model's expected masses, so the implied targets of
 * scope `adults` and the observed counts go through the same `unitJointCounts` mapping.
 */
import type { InputSnapshot } from '../census/census-table.js';
import { VARIABLE_DOMAINS } from '../census/domains.js';
import {
  AGE_GROUPS,
  DISTRICTS,
  DISTRICT_REGION_INDEX,
  ECONOMIC_SECTORS,
  EDUCATION_LEVELS,
  EMPLOYMENT_STATUSES,
  INACTIVITY_REASONS,
  LANGUAGES,
  REGIONS,
  RELIGIONS,
  RESIDENCES,
  SEXES,
} from '../domain/categories.js';
import type { ComparedField } from '../domain/fields.js';
import type { ProvenanceClass } from '../census/census-table.js';
import { educationRow, employmentRow, sectorRow, unitEthnicityRow, unitResidenceEthnicityRow, type ConditionalTables } from './conditionals.js';
import { KEY_CELL_COUNT, keyCellIndexes } from './key-joint.js';
import type { GenerationModel } from './model.js';
import { broadAgeClass } from './prior.js';
import { matrixOf, rowSharesOf, sharesOf, tableOf, valueAt } from './table-view.js';

const D = DISTRICTS.length;
const R = RESIDENCES.length;
const S = SEXES.length;
const L = LANGUAGES.length;
const K_REL = RELIGIONS.length;
const K_EDU = EDUCATION_LEVELS.length;
const K_EMP = EMPLOYMENT_STATUSES.length;
const K_INA = INACTIVITY_REASONS.length;
const K_SEC = ECONOMIC_SECTORS.length;
const B = VARIABLE_DOMAINS.broad_age.length;
const AGE_GROUP_COUNT = AGE_GROUPS.length;
const LFS_AGES = VARIABLE_DOMAINS.lfs_age_group.length;
const LFS_REGIONS = VARIABLE_DOMAINS.region_lfs.length;
const EMPLOYED = EMPLOYMENT_STATUSES.indexOf('employed');
const UNEMPLOYED = EMPLOYMENT_STATUSES.indexOf('unemployed');
const INACTIVE = EMPLOYMENT_STATUSES.indexOf('inactive');

/** Counter sizes, by key (the sampler's ShardCounts carries them as Int32Arrays). */
export const UNIT_COUNTER_SIZES = {
  district_mother_tongue: D * L,
  district_religion: D * K_REL,
  district_sex: D * S,
  district_broad_age: D * B,
  residence_broad_age: R * B,
  residence_education: R * K_EDU,
  district_education: D * K_EDU,
  education_sex: K_EDU * S,
  /** Ages 20-64: sex × status. */
  working_sex_employment: S * K_EMP,
  /** Ages 20-64: residence × status. */
  working_residence_employment: R * K_EMP,
  /** Ages 15+: LFS region × status. */
  region_lfs_employment: LFS_REGIONS * K_EMP,
  /** The unemployed: LFS age group × sex. */
  unemployed_age_sex: LFS_AGES * S,
  /** Ages 15-34: status. */
  youth_employment: K_EMP,
  /** The inactive aged 15-34: reason. */
  youth_inactivity: K_INA,
  /** The employed: residence × sector. */
  residence_sector: R * K_SEC,
  /** Ages 60+: sex. */
  elderly_sex: S,
  /** Five-year age group × sex: the population pyramid of the report (not gated). */
  age_sex: AGE_GROUP_COUNT * S,
} as const;

export type UnitCounterKey = keyof typeof UNIT_COUNTER_SIZES;
export type UnitCounts<T extends ArrayLike<number> = Int32Array> = Record<UnitCounterKey, T>;
export const UNIT_COUNTER_KEYS = Object.keys(UNIT_COUNTER_SIZES) as UnitCounterKey[];
const KEYS = UNIT_COUNTER_KEYS;

/** LFS age group (15-24 … 65+) of an age in years; -1 under 15. */
export function lfsAgeGroupOf(age: number): number {
  return age < 15 ? -1 : Math.min(LFS_AGES - 1, Math.floor((age - 15) / 10));
}

/** Broad age group by (sex, age index), precomputed: the sampler looks it up once per persona. */
const BROAD_BY_SEX_AGE = Uint8Array.from({ length: S * 86 }, (_, i) => broadAgeClass(i % 86, Math.floor(i / 86)));
/** LFS age group by age index (-1 under 15). */
const LFS_AGE_BY_AGE = Int8Array.from({ length: 86 }, (_, a) => lfsAgeGroupOf(a));
/** Five-year age group by age index (85 = 85+). */
export const AGE_GROUP_BY_AGE = Uint8Array.from({ length: 86 }, (_, a) => Math.min(AGE_GROUP_COUNT - 1, Math.floor(a / 5)));

const LFS_REGION_OF = REGIONS.map((code) => VARIABLE_DOMAINS.region_lfs.indexOf((code === 'sud' || code === 'gagauzia' ? 'sud_gagauzia' : code) as never));

/**
 * Counts one persona (indexes as drawn; -1 = null). `ageIndex` is the key cell's age index,
 * `age` the age in years.
 */
export function countUnits(
  counts: UnitCounts,
  d: number,
  r: number,
  s: number,
  ageIndex: number,
  motherTongue: number,
  religion: number,
  education: number,
  employment: number,
  inactivity: number,
  sector: number,
): void {
  counts.district_mother_tongue[d * L + motherTongue]! += 1;
  counts.district_religion[d * K_REL + religion]! += 1;
  counts.district_sex[d * S + s]! += 1;
  const broad = BROAD_BY_SEX_AGE[s * 86 + ageIndex]!;
  counts.district_broad_age[d * B + broad]! += 1;
  counts.residence_broad_age[r * B + broad]! += 1;
  if (ageIndex >= 60) counts.elderly_sex[s]! += 1;
  counts.age_sex[AGE_GROUP_BY_AGE[ageIndex]! * S + s]! += 1;
  if (education >= 0) {
    counts.residence_education[r * K_EDU + education]! += 1;
    counts.district_education[d * K_EDU + education]! += 1;
    counts.education_sex[education * S + s]! += 1;
  }
  if (employment < 0) return;
  if (ageIndex >= 20 && ageIndex <= 64) {
    counts.working_sex_employment[s * K_EMP + employment]! += 1;
    counts.working_residence_employment[r * K_EMP + employment]! += 1;
  }
  counts.region_lfs_employment[LFS_REGION_OF[DISTRICT_REGION_INDEX[d]!]! * K_EMP + employment]! += 1;
  if (employment === UNEMPLOYED) counts.unemployed_age_sex[LFS_AGE_BY_AGE[ageIndex]! * S + s]! += 1;
  if (ageIndex <= 34) {
    counts.youth_employment[employment]! += 1;
    if (inactivity >= 0) counts.youth_inactivity[inactivity]! += 1;
  }
  if (sector >= 0) counts.residence_sector[r * K_SEC + sector]! += 1;
}

/** The counters' expected values under a key joint and its conditionals for ages ≥ minAge (masses, not counts). */
export function expectedUnitCounts(joint: Float64Array, c: ConditionalTables, minAge: number): UnitCounts<Float64Array> {
  const out = Object.fromEntries(KEYS.map((key) => [key, new Float64Array(UNIT_COUNTER_SIZES[key])])) as UnitCounts<Float64Array>;
  const idx = keyCellIndexes();
  const p = (table: { probabilities: Float64Array }, row: number, width: number, k: number) => table.probabilities[row * width + k]!;
  for (let cell = 0; cell < KEY_CELL_COUNT; cell += 1) {
    const mass = joint[cell]!;
    const a = idx.age[cell]!;
    if (mass === 0 || a < minAge) continue;
    const [d, r, s, e] = [idx.district[cell]!, idx.residence[cell]!, idx.sex[cell]!, idx.ethnicity[cell]!];
    const mtRow = unitResidenceEthnicityRow(d, r, e);
    for (let l = 0; l < L; l += 1) out.district_mother_tongue[d * L + l]! += mass * p(c.motherTongueByUnit, mtRow, L, l);
    const relRow = unitEthnicityRow(d, e);
    for (let k = 0; k < K_REL; k += 1) out.district_religion[d * K_REL + k]! += mass * p(c.religionByUnit, relRow, K_REL, k);
    out.district_sex[d * S + s]! += mass;
    const broad = broadAgeClass(a, s);
    out.district_broad_age[d * B + broad]! += mass;
    out.residence_broad_age[r * B + broad]! += mass;
    if (a >= 60) out.elderly_sex[s]! += mass;
    out.age_sex[AGE_GROUP_BY_AGE[a]! * S + s]! += mass;
    if (a >= 10) {
      const row = educationRow(d, r, s, a);
      for (let k = 0; k < K_EDU; k += 1) {
        const m = mass * p(c.educationByUnit, row, K_EDU, k);
        out.residence_education[r * K_EDU + k]! += m;
        out.district_education[d * K_EDU + k]! += m;
        out.education_sex[k * S + s]! += m;
      }
    }
    if (a < 15) continue;
    const g = DISTRICT_REGION_INDEX[d]!;
    const row = employmentRow(s, a, r, g);
    for (let k = 0; k < K_EMP; k += 1) {
      const m = mass * p(c.employmentByRow, row, K_EMP, k);
      if (a >= 20 && a <= 64) {
        out.working_sex_employment[s * K_EMP + k]! += m;
        out.working_residence_employment[r * K_EMP + k]! += m;
      }
      out.region_lfs_employment[LFS_REGION_OF[g]! * K_EMP + k]! += m;
      // The open group 85+ (age index 85) falls in 65+ like every single age it stands for.
      if (k === UNEMPLOYED) out.unemployed_age_sex[lfsAgeGroupOf(a) * S + s]! += m;
      if (a <= 34) out.youth_employment[k]! += m;
      if (k === INACTIVE && a <= 34) {
        for (let j = 0; j < K_INA; j += 1) out.youth_inactivity[j]! += m * p(c.inactivityByAge, a, K_INA, j);
      }
      if (k === EMPLOYED) {
        const sr = sectorRow(r, s);
        for (let j = 0; j < K_SEC; j += 1) out.residence_sector[r * K_SEC + j]! += m * p(c.sector, sr, K_SEC, j);
      }
    }
  }
  return out;
}

/** A joint check's target; joint-targets.ts names it `JointTarget` for the published cross-tabs too. */
export interface UnitJointTarget {
  readonly id: string;
  readonly row_field: ComparedField;
  readonly col_field: ComparedField;
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  readonly target_row_shares: readonly (readonly (number | null)[] | null)[];
  readonly provenance_class: ProvenanceClass;
  readonly table_ids: readonly string[];
}

const slice = (values: ArrayLike<number>, start: number, length: number): number[] => Array.from({ length }, (_, i) => values[start + i]!);
const rowsOf = (values: ArrayLike<number>, rows: number, width: number): number[][] => Array.from({ length: rows }, (_, r) => slice(values, r * width, width));
const UNEMPLOYED_COLS = VARIABLE_DOMAINS.lfs_age_group.flatMap((band) => SEXES.map((sex) => `${band}/${sex}`));

/** Counts of every new check in its rows × cols, from the counters (observed or expected). */
export function unitJointCounts(counts: UnitCounts<ArrayLike<number>>): Record<string, number[][]> {
  return {
    mother_tongue_by_district: rowsOf(counts.district_mother_tongue, D, L),
    religion_by_district: rowsOf(counts.district_religion, D, K_REL),
    sex_by_district: rowsOf(counts.district_sex, D, S),
    broad_age_by_district: rowsOf(counts.district_broad_age, D, B),
    broad_age_by_residence: rowsOf(counts.residence_broad_age, R, B),
    education_by_residence: rowsOf(counts.residence_education, R, K_EDU),
    education_tertiary_by_district: rowsOf(counts.district_education, D, K_EDU),
    education_sex_within_level: rowsOf(counts.education_sex, K_EDU, S),
    employment_rate_20_64_by_sex: rowsOf(counts.working_sex_employment, S, K_EMP),
    employment_rate_20_64_by_residence: rowsOf(counts.working_residence_employment, R, K_EMP),
    employed_by_region: [VARIABLE_DOMAINS.region_lfs.map((_, g) => counts.region_lfs_employment[g * K_EMP + EMPLOYED]!)],
    unemployed_by_age_sex: [slice(counts.unemployed_age_sex, 0, LFS_AGES * S)],
    youth_15_34_status: [slice(counts.youth_employment, 0, K_EMP)],
    youth_inactive_in_education: [slice(counts.youth_inactivity, 0, K_INA)],
    elderly_women_share_60plus: [slice(counts.elderly_sex, 0, S)],
    sector_by_residence: rowsOf(counts.residence_sector, R, K_SEC),
  };
}

type Tables = InputSnapshot['tables'];

function shareRows(tables: Tables, id: string, rows: readonly string[], cols: readonly string[], scale = 1): (number | null)[][] {
  return matrixOf(tableOf(tables, id), rows, cols).map((row) => row.map((v) => (v === null ? null : v * scale)));
}

function countShareRows(tables: Tables, id: string, rows: readonly string[], cols: readonly string[]): number[][] {
  return rows.map((row) => Array.from(rowSharesOf(tableOf(tables, id), row, cols) ?? new Float64Array(cols.length)));
}

const nullRowsIfEmpty = (rows: (number | null)[][]) => rows.map((row) => (row.every((v) => v === null) ? null : row));

/**
 * The new checks in scope `all` (published universes). Education cells are read over the 99.8%
 * the six published levels cover, as the engine reads them; the 20-64 rates as employed shares of
 * their group; the unemployed by age × sex and the youth status as shares of their totals.
 */
export function publishedUnitTargets(tables: Tables, model: GenerationModel): UnitJointTarget[] {
  const pc = (id: string) => tableOf(tables, id).provenance_class;
  const education = tableOf(tables, 'education_10plus');
  const declared = (education.published_shares_percent?.values ?? [100]).reduce<number>((sum, v) => sum + (v ?? 0), 0);
  const rate = (code: string) => (valueAt(tableOf(tables, 'lfs_employment_rates'), [code]) ?? 0) / 100;
  const employedOnly = (value: number) => [value, null, null];
  const unemployed = matrixOf(tableOf(tables, 'lfs_unemployed_by_age_sex'), VARIABLE_DOMAINS.lfs_age_group, SEXES).flat().map((v) => v ?? 0);
  const unemployedTotal = unemployed.reduce((a, b) => a + b, 0);
  const elderly = sharesOf(tableOf(tables, 'elderly_60plus_by_sex'), SEXES);
  const expected = unitJointCounts(expectedUnitCounts(model.calibratedJoint, model.calibratedConditionals, 0));
  const normaliseRow = (row: readonly number[]) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  };
  return [
    { id: 'mother_tongue_by_district', row_field: 'district', col_field: 'mother_tongue', rows: DISTRICTS, cols: LANGUAGES, target_row_shares: countShareRows(tables, 'mother_tongue_by_district', DISTRICTS, LANGUAGES), provenance_class: pc('mother_tongue_by_district'), table_ids: ['mother_tongue_by_district'] },
    { id: 'religion_by_district', row_field: 'district', col_field: 'religion', rows: DISTRICTS, cols: RELIGIONS, target_row_shares: countShareRows(tables, 'religion_by_district', DISTRICTS, RELIGIONS), provenance_class: pc('religion_by_district'), table_ids: ['religion_by_district'] },
    { id: 'sex_by_district', row_field: 'district', col_field: 'sex', rows: DISTRICTS, cols: SEXES, target_row_shares: countShareRows(tables, 'sex_by_district', DISTRICTS, SEXES), provenance_class: pc('sex_by_district'), table_ids: ['sex_by_district'] },
    { id: 'broad_age_by_district', row_field: 'district', col_field: 'age_group', rows: DISTRICTS, cols: VARIABLE_DOMAINS.broad_age, target_row_shares: countShareRows(tables, 'district_by_broad_age', DISTRICTS, VARIABLE_DOMAINS.broad_age), provenance_class: pc('district_by_broad_age'), table_ids: ['district_by_broad_age'] },
    { id: 'broad_age_by_residence', row_field: 'residence', col_field: 'age_group', rows: RESIDENCES, cols: VARIABLE_DOMAINS.broad_age, target_row_shares: countShareRows(tables, 'residence_by_broad_age', RESIDENCES, VARIABLE_DOMAINS.broad_age), provenance_class: pc('residence_by_broad_age'), table_ids: ['residence_by_broad_age'] },
    { id: 'education_by_residence', row_field: 'residence', col_field: 'education_level', rows: RESIDENCES, cols: EDUCATION_LEVELS, target_row_shares: nullRowsIfEmpty(shareRows(tables, 'education_10plus_by_residence_partial', RESIDENCES, EDUCATION_LEVELS, 1 / declared)), provenance_class: pc('education_10plus_by_residence_partial'), table_ids: ['education_10plus_by_residence_partial', 'education_10plus'] },
    { id: 'education_tertiary_by_district', row_field: 'district', col_field: 'education_level', rows: DISTRICTS, cols: EDUCATION_LEVELS, target_row_shares: nullRowsIfEmpty(shareRows(tables, 'education_tertiary_by_district_partial', DISTRICTS, EDUCATION_LEVELS, 1 / declared)), provenance_class: pc('education_tertiary_by_district_partial'), table_ids: ['education_tertiary_by_district_partial', 'education_10plus'] },
    { id: 'education_sex_within_level', row_field: 'education_level', col_field: 'sex', rows: EDUCATION_LEVELS, cols: SEXES, target_row_shares: nullRowsIfEmpty(shareRows(tables, 'education_sex_within_level', EDUCATION_LEVELS, SEXES, 1 / 100)), provenance_class: pc('education_sex_within_level'), table_ids: ['education_sex_within_level'] },
    { id: 'employment_rate_20_64_by_sex', row_field: 'sex', col_field: 'employment_status', rows: SEXES, cols: EMPLOYMENT_STATUSES, target_row_shares: SEXES.map((sex) => employedOnly(rate(sex === 'male' ? 'employment_rate_20_64_men' : 'employment_rate_20_64_women'))), provenance_class: pc('lfs_employment_rates'), table_ids: ['lfs_employment_rates'] },
    { id: 'employment_rate_20_64_by_residence', row_field: 'residence', col_field: 'employment_status', rows: RESIDENCES, cols: EMPLOYMENT_STATUSES, target_row_shares: RESIDENCES.map((area) => employedOnly(rate(`employment_rate_20_64_${area}`))), provenance_class: pc('lfs_employment_rates'), table_ids: ['lfs_employment_rates'] },
    { id: 'employed_by_region', row_field: 'employment_status', col_field: 'region', rows: ['employed'], cols: VARIABLE_DOMAINS.region_lfs, target_row_shares: [Array.from(sharesOf(tableOf(tables, 'employed_by_region'), VARIABLE_DOMAINS.region_lfs))], provenance_class: pc('employed_by_region'), table_ids: ['employed_by_region'] },
    { id: 'unemployed_by_age_sex', row_field: 'employment_status', col_field: 'age_group', rows: ['unemployed'], cols: UNEMPLOYED_COLS, target_row_shares: [unemployed.map((v) => v / unemployedTotal)], provenance_class: pc('lfs_unemployed_by_age_sex'), table_ids: ['lfs_unemployed_by_age_sex'] },
    { id: 'youth_15_34_status', row_field: 'age_group', col_field: 'employment_status', rows: ['15-34'], cols: EMPLOYMENT_STATUSES, target_row_shares: [Array.from(sharesOf(tableOf(tables, 'lfs_youth_15_34_status'), EMPLOYMENT_STATUSES))], provenance_class: pc('lfs_youth_15_34_status'), table_ids: ['lfs_youth_15_34_status'] },
    // Published beside the youth status (50.4% of the inactive 15-34 in national education).
    { id: 'youth_inactive_in_education', row_field: 'age_group', col_field: 'inactivity_reason', rows: ['15-34'], cols: INACTIVITY_REASONS, target_row_shares: [INACTIVITY_REASONS.map((code) => (code === 'student' ? 0.504 : null))], provenance_class: pc('lfs_youth_15_34_status'), table_ids: ['lfs_youth_15_34_status'] },
    { id: 'elderly_women_share_60plus', row_field: 'age_group', col_field: 'sex', rows: ['60+'], cols: SEXES, target_row_shares: [SEXES.map((sex, s) => (sex === 'female' ? elderly[s]! : null))], provenance_class: pc('elderly_60plus_by_sex'), table_ids: ['elderly_60plus_by_sex'] },
    // No official cross-tab: the engine's own conditional (modelled), so a shuffled sector is caught.
    { id: 'sector_by_residence', row_field: 'residence', col_field: 'economic_sector', rows: RESIDENCES, cols: ECONOMIC_SECTORS, target_row_shares: expected['sector_by_residence']!.map(normaliseRow), provenance_class: 'modelled', table_ids: ['sector_by_residence_sex_modelled', 'economic_sector'] },
  ];
}

/** Row shares of each new check implied by a key joint and its conditionals for ages ≥ minAge. */
export function impliedUnitRows(joint: Float64Array, c: ConditionalTables, minAge: number): Record<string, number[][]> {
  const counts = unitJointCounts(expectedUnitCounts(joint, c, minAge));
  return Object.fromEntries(
    Object.entries(counts).map(([id, rows]) => [
      id,
      rows.map((row) => {
        const total = row.reduce((a, b) => a + b, 0);
        return row.map((v) => (total > 0 ? v / total : 0));
      }),
    ]),
  );
}

