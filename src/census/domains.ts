/**
 * The variables a census table can be indexed by, each with its ordered category codes. Persona
 * variables reuse the record's enums; the rest are the groupings NBS publishes (broad age groups,
 * ten-year bands, merged language columns) that only census tables use.
 */
import { ETHNICITIES, FIELD_CODES, RELIGIONS } from '../domain/categories.js';

/** Single years 0..84 and the open group 85+, as in PxWeb POP010200rcl (after the code fix). */
export const AGE_SINGLE_CODES = [...Array.from({ length: 85 }, (_, age) => String(age)), '85+'] as const;

export const VARIABLE_DOMAINS = {
  /** Every categorical persona field, with the record's own codes. */
  ...FIELD_CODES,
  /** The eight declared groups, without `not_declared` (tables that renormalise over declarers). */
  ethnicity_declared: ETHNICITIES.filter((code) => code !== 'not_declared'),
  /** NBS ethnocultural sheets merge Moldovenească and Română into one column. */
  mother_tongue_merged: ['moldovan_or_romanian', 'russian', 'ukrainian', 'gagauz', 'bulgarian', 'romani', 'other'],
  /** As published: five languages and a residual (Bulgarian, Romani, other, not declared). */
  language_usually_spoken_published: ['moldovan', 'romanian', 'russian', 'gagauz', 'ukrainian', 'other_residual'],
  /** The ten named religions (sheets that renormalise over persons declaring a named religion). */
  religion_named: RELIGIONS.filter((code) => !['atheist_agnostic', 'none', 'not_declared'].includes(code)),
  age_single: AGE_SINGLE_CODES,
  /** Census working-age groups: under working age (0-15), working age, over working age (sex-specific bounds). */
  broad_age: ['0-15', '16-retirement', 'retirement+'],
  /** Ten-year bands of the ethnicity age profile. */
  age_band_10: ['0-9', '10-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+'],
  /** Age groups of the LFS unemployment table (ILO unemployed by age × sex). */
  lfs_age_group: ['15-24', '25-34', '35-44', '45-54', '55-64', '65+'],
  /** Region grouping of the LFS release (Sud and UTA Găgăuzia together). */
  region_lfs: ['chisinau', 'nord', 'centru', 'sud_gagauzia'],
  lfs_indicator: [
    'employment_rate_20_64_total',
    'employment_rate_20_64_men',
    'employment_rate_20_64_women',
    'employment_rate_20_64_urban',
    'employment_rate_20_64_rural',
    'employment_rate_15_34',
  ],
  total_kind: [
    'census_2024',
    'census_2024_enumerated',
    'estimate_2024_01_01',
    'estimate_2025_01_01',
  ],
  /** Single ages inside the open group 85+, up to the record's maximum age. */
  age_85_plus: Array.from({ length: 16 }, (_, i) => String(85 + i)),
} as const satisfies Record<string, readonly string[]>;

export type VariableName = keyof typeof VARIABLE_DOMAINS;
export const VARIABLE_NAMES = Object.keys(VARIABLE_DOMAINS) as VariableName[];
