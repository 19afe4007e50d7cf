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
}

export const TABLE_SPECS = [
  // Official census 2024 figures (all ages unless stated)
  { id: 'population_totals', variables: ['total_kind'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'sex', variables: ['sex'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'residence', variables: ['residence'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'region', variables: ['region'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'district', variables: ['district'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'district_by_residence', variables: ['district', 'residence'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'district_by_broad_age', variables: ['district', 'broad_age'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'residence_by_broad_age', variables: ['residence', 'broad_age'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'ethnicity', variables: ['ethnicity'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'ethnicity_by_residence', variables: ['residence', 'ethnicity'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'mother_tongue', variables: ['mother_tongue'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'mother_tongue_by_ethnicity', variables: ['ethnicity_declared', 'mother_tongue_merged'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'language_usually_spoken', variables: ['language_usually_spoken_published'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'religion', variables: ['religion'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'religion_by_ethnicity', variables: ['ethnicity_declared', 'religion_named'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'marital_status_15plus', variables: ['marital_status'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'education_10plus', variables: ['education_level'], required: true, expected_provenance: 'official_snapshot' },
  // Unit tables of the final results (annex 5.13, 5.29, 8.3) and the published education cells
  { id: 'mother_tongue_by_district', variables: ['district', 'mother_tongue'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'religion_by_district', variables: ['district', 'religion'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'sex_by_district', variables: ['district', 'sex'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'education_10plus_by_residence_partial', variables: ['residence', 'education_level'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'education_tertiary_by_district_partial', variables: ['district', 'education_level'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'education_sex_within_level', variables: ['education_level', 'sex'], required: true, expected_provenance: 'official_snapshot' },
  // Annual estimate (pre-census base) and LFS 2024: periodic series
  { id: 'age_single', variables: ['age_single'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'labour_status_15plus', variables: ['employment_status'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'economic_sector', variables: ['economic_sector'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'lfs_unemployed_by_age_sex', variables: ['lfs_age_group', 'sex'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'lfs_youth_15_34_status', variables: ['employment_status'], required: true, expected_provenance: 'official_snapshot' },
  { id: 'elderly_60plus_by_sex', variables: ['sex'], required: true, expected_provenance: 'official_snapshot' },
  // Partial, preliminary or single-source figures: soft use only
  { id: 'ethnicity_by_region_partial', variables: ['region', 'ethnicity'], required: true, expected_provenance: 'secondary' },
  { id: 'ethnicity_age_profile', variables: ['ethnicity', 'age_band_10'], required: true, expected_provenance: 'secondary' },
  { id: 'inactivity_reason', variables: ['inactivity_reason'], required: true, expected_provenance: 'secondary' },
  { id: 'lfs_employment_rates', variables: ['lfs_indicator'], required: true, expected_provenance: 'secondary' },
  { id: 'employed_by_region', variables: ['region_lfs'], required: true, expected_provenance: 'secondary' },
  // Served by PxWeb only (POP010200rcl): persons at 1 January by single age x sex x area; replaces
  // the modelled sex-by-age table when present, and its sum over sex and area replaces `age_single`
  { id: 'age_sex_residence', variables: ['age_single', 'sex', 'residence'], required: false, expected_provenance: 'official_snapshot' },
  // Model assumptions for the documented gaps (SPEC §3.4)
  { id: 'sex_by_age_modelled', variables: ['age_group', 'sex'], required: true, expected_provenance: 'modelled' },
  { id: 'age_85_plus_modelled', variables: ['age_85_plus'], required: true, expected_provenance: 'modelled' },
  { id: 'marital_by_sex_age_modelled', variables: ['sex', 'age_group', 'marital_status'], required: true, expected_provenance: 'modelled' },
  { id: 'education_by_age_modelled', variables: ['age_group', 'education_level'], required: true, expected_provenance: 'modelled' },
  { id: 'employment_by_sex_age_modelled', variables: ['sex', 'age_group', 'employment_status'], required: true, expected_provenance: 'modelled' },
  { id: 'inactivity_by_age_modelled', variables: ['age_group', 'inactivity_reason'], required: true, expected_provenance: 'modelled' },
] as const satisfies readonly TableSpec[];

export type TableId = (typeof TABLE_SPECS)[number]['id'];
