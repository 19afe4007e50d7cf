/**
 * The hard consistency rules of the persona record (SPEC §4). Violations are counted per rule
 * for every dataset; any violation is a hard gate. The generator is built so the counts are 0;
 * this check is what proves it on every run.
 */
import { AGE_GROUP_CATEGORIES, REGION_OF_DISTRICT, type District, type Sex } from '../domain/categories.js';
import type { Persona } from '../domain/persona.js';
import { GIVEN_NAMES_BY_SEX } from './names.js';

export const CONSISTENCY_RULES = [
  'under15_marital_status',
  'under15_employment',
  'education_under_10',
  'tertiary_under_19',
  'inactivity_reason_not_inactive',
  'sector_not_employed',
  'age_outside_group',
  'district_outside_region',
  'name_sex_mismatch',
  'missing_required_field',
] as const;
export type ConsistencyRule = (typeof CONSISTENCY_RULES)[number];

const GROUP_BOUNDS = new Map<string, { min: number; max: number }>(AGE_GROUP_CATEGORIES.map((g) => [g.code, g]));

/** Fields that must be non-empty text in every record. */
const REQUIRED_TEXT = ['given_name', 'family_name', 'sex', 'age_group', 'region', 'district'] as const;

export type Checked = Pick<
  Persona,
  | 'family_name'
  | 'age'
  | 'age_group'
  | 'sex'
  | 'given_name'
  | 'region'
  | 'district'
  | 'marital_status'
  | 'education_level'
  | 'employment_status'
  | 'inactivity_reason'
  | 'economic_sector'
>;

const RULE = Object.fromEntries(CONSISTENCY_RULES.map((rule, i) => [rule, i])) as Record<ConsistencyRule, number>;

/**
 * Calls `broken` with the index (into CONSISTENCY_RULES) of each rule the record breaks. The
 * sampler counts with it for every persona, so it allocates nothing.
 */
export function forEachViolation(p: Checked, broken: (rule: number) => void): void {
  if (p.age < 15 && p.marital_status !== null) broken(RULE.under15_marital_status);
  if (p.age < 15 && (p.employment_status === 'employed' || p.employment_status === 'unemployed')) broken(RULE.under15_employment);
  if (p.age < 10 && p.education_level !== null) broken(RULE.education_under_10);
  if (p.age < 19 && p.education_level === 'tertiary') broken(RULE.tertiary_under_19);
  if (p.inactivity_reason !== null && p.employment_status !== 'inactive') broken(RULE.inactivity_reason_not_inactive);
  if (p.economic_sector !== null && p.employment_status !== 'employed') broken(RULE.sector_not_employed);
  const bounds = GROUP_BOUNDS.get(p.age_group);
  if (!bounds || p.age < bounds.min || p.age > bounds.max) broken(RULE.age_outside_group);
  if (REGION_OF_DISTRICT[p.district as District] !== p.region) broken(RULE.district_outside_region);
  if (!GIVEN_NAMES_BY_SEX[p.sex as Sex]?.has(p.given_name)) broken(RULE.name_sex_mismatch);
  for (const key of REQUIRED_TEXT) {
    const value = p[key];
    if (typeof value !== 'string' || value.length === 0) {
      broken(RULE.missing_required_field);
      break;
    }
  }
}

/** The rules a record breaks (empty for a consistent record). */
export function consistencyViolations(p: Checked): ConsistencyRule[] {
  const broken: ConsistencyRule[] = [];
  forEachViolation(p, (rule) => broken.push(CONSISTENCY_RULES[rule]!));
  return broken;
}
