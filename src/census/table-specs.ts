/**
 * The tables the service knows, by id: which variables index them, whether the embedded snapshot
 * must ship them, and which PxWeb table can replace them. The loader checks every data file
 * against this list, and the generator and trust evaluator look tables up by these ids.
 */
import type { VariableName } from './domains.js';

export interface TableSpec {
  readonly id: string;
  readonly variables: readonly VariableName[];
  /** Must the embedded snapshot contain it? (PxWeb-only tables are optional.) */
  readonly required: boolean;
  readonly expected_provenance: 'official_snapshot' | 'secondary' | 'modelled';
  /**
   * What reads it: the prior, a calibration margin or constraint, a trust check. A table nothing
   * reads is not listed in a run's tables and `data_vintages` (test/contract/data-vintages-read.test.ts
   * records the reads and holds this list to them).
   */
  readonly used_by: readonly TableUse[];
  /** Not read when this (PxWeb-only) table is in the snapshot: the run reads that one instead. */
  readonly replaced_by?: string;
}

export const TABLE_USES = ['prior', 'margin', 'check'] as const;
export type TableUse = (typeof TABLE_USES)[number];

export const TABLE_SPECS = [
  // Official census 2024 figures (all ages unless stated)
  { id: 'population_totals', variables: ['total_kind'], required: true, expected_provenance: 'official_snapshot' , used_by: [] },
  { id: 'sex', variables: ['sex'], required: true, expected_provenance: 'official_snapshot' , used_by: ['check'] },
  { id: 'residence', variables: ['residence'], required: true, expected_provenance: 'official_snapshot' , used_by: ['check'] },
  { id: 'region', variables: ['region'], required: true, expected_provenance: 'official_snapshot' , used_by: ['check'] },
  { id: 'district', variables: ['district'], required: true, expected_provenance: 'official_snapshot' , used_by: ['check'] },
  { id: 'district_by_residence', variables: ['district', 'residence'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'margin', 'check'] },
  { id: 'district_by_broad_age', variables: ['district', 'broad_age'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'margin', 'check'] },
  { id: 'residence_by_broad_age', variables: ['residence', 'broad_age'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'ethnicity', variables: ['ethnicity'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'check'] },
  { id: 'ethnicity_by_residence', variables: ['residence', 'ethnicity'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'margin', 'check'] },
  { id: 'mother_tongue', variables: ['mother_tongue'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'margin', 'check'] },
  { id: 'mother_tongue_by_ethnicity', variables: ['ethnicity_declared', 'mother_tongue_merged'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'margin', 'check'] },
  { id: 'language_usually_spoken', variables: ['language_usually_spoken_published'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'religion', variables: ['religion'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'margin', 'check'] },
  { id: 'religion_by_ethnicity', variables: ['ethnicity_declared', 'religion_named'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'margin', 'check'] },
  { id: 'marital_status_15plus', variables: ['marital_status'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'education_10plus', variables: ['education_level'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  // Unit tables of the final results (annex 5.13, 5.29, 8.3) and the published education cells
  { id: 'mother_tongue_by_district', variables: ['district', 'mother_tongue'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'religion_by_district', variables: ['district', 'religion'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'sex_by_district', variables: ['district', 'sex'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'education_10plus_by_residence_partial', variables: ['residence', 'education_level'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'education_tertiary_by_district_partial', variables: ['district', 'education_level'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'education_sex_within_level', variables: ['education_level', 'sex'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  // Annual estimate (pre-census base) and LFS 2024: periodic series
  { id: 'age_single', variables: ['age_single'], required: true, expected_provenance: 'official_snapshot' , used_by: ['prior', 'check'] },
  { id: 'labour_status_15plus', variables: ['employment_status'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'economic_sector', variables: ['economic_sector'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'lfs_unemployed_by_age_sex', variables: ['lfs_age_group', 'sex'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'lfs_youth_15_34_status', variables: ['employment_status'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  { id: 'elderly_60plus_by_sex', variables: ['sex'], required: true, expected_provenance: 'official_snapshot' , used_by: ['margin', 'check'] },
  // Partial, preliminary or single-source figures: soft use only
  { id: 'ethnicity_by_region_partial', variables: ['region', 'ethnicity'], required: true, expected_provenance: 'secondary' , used_by: ['prior', 'margin', 'check'] },
  { id: 'ethnicity_age_profile', variables: ['ethnicity', 'age_band_10'], required: true, expected_provenance: 'secondary' , used_by: ['prior'] },
  { id: 'inactivity_reason', variables: ['inactivity_reason'], required: true, expected_provenance: 'secondary' , used_by: ['margin', 'check'] },
  { id: 'lfs_employment_rates', variables: ['lfs_indicator'], required: true, expected_provenance: 'secondary' , used_by: ['margin', 'check'] },
  { id: 'employed_by_region', variables: ['region_lfs'], required: true, expected_provenance: 'secondary' , used_by: ['margin', 'check'] },
  // Served by PxWeb only (POP010200rcl): persons at 1 January by single age x sex x area; replaces
  // the modelled sex-by-age table when present, and its sum over sex and area replaces `age_single`
  { id: 'age_sex_residence', variables: ['age_single', 'sex', 'residence'], required: false, expected_provenance: 'official_snapshot' , used_by: ['prior', 'check'] },
  // Model assumptions for the documented gaps (SPEC §3.4)
  { id: 'sex_by_age_modelled', variables: ['age_group', 'sex'], required: true, expected_provenance: 'modelled' , used_by: ['prior'], replaced_by: 'age_sex_residence' },
  { id: 'age_85_plus_modelled', variables: ['age_85_plus'], required: true, expected_provenance: 'modelled' , used_by: ['prior'] },
  { id: 'marital_by_sex_age_modelled', variables: ['sex', 'age_group', 'marital_status'], required: true, expected_provenance: 'modelled' , used_by: ['prior'] },
  { id: 'education_by_age_modelled', variables: ['age_group', 'education_level'], required: true, expected_provenance: 'modelled' , used_by: ['prior'] },
  { id: 'employment_by_sex_age_modelled', variables: ['sex', 'age_group', 'employment_status'], required: true, expected_provenance: 'modelled' , used_by: ['prior'] },
  { id: 'inactivity_by_age_modelled', variables: ['age_group', 'inactivity_reason'], required: true, expected_provenance: 'modelled' , used_by: ['prior'] },
  { id: 'sector_by_residence_sex_modelled', variables: ['residence', 'sex', 'economic_sector'], required: true, expected_provenance: 'modelled' , used_by: ['prior', 'check'] },
] as const satisfies readonly TableSpec[];

export type TableId = (typeof TABLE_SPECS)[number]['id'];

const READ_IDS: ReadonlySet<string> = new Set(TABLE_SPECS.filter((spec) => spec.used_by.length > 0).map((spec) => spec.id));
const REPLACED_BY: ReadonlyMap<string, string> = new Map(
  TABLE_SPECS.flatMap((spec): [string, string][] => ('replaced_by' in spec ? [[spec.id, spec.replaced_by]] : [])),
);

/**
 * Does calibration or a check read this table (so a run lists it among the tables it used)?
 * With the snapshot's table ids, a table replaced by one the snapshot holds is not read.
 */
export function isReadTable(id: string, snapshotIds?: ReadonlySet<string> | Readonly<Record<string, unknown>>): boolean {
  if (!READ_IDS.has(id)) return false;
  const replacement = REPLACED_BY.get(id);
  if (replacement === undefined || snapshotIds === undefined) return true;
  return !(snapshotIds instanceof Set ? snapshotIds.has(replacement) : replacement in snapshotIds);
}
