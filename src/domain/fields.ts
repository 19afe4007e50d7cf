/**
 * The persona fields the trust evaluator compares with census targets, each field's own universe
 * (the youngest age at which it is not null), and field criticality (SPEC §3.2, kept from the
 * predecessor): the criticality decides which provenance gates a field's target can raise.
 */

export const COMPARED_FIELDS = [
  'sex',
  'age_group',
  'region',
  'district',
  'residence',
  'ethnicity',
  'mother_tongue',
  'language_usually_spoken',
  'religion',
  'marital_status',
  'education_level',
  'employment_status',
  'inactivity_reason',
  'economic_sector',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** The field's own universe: the youngest age at which it is not null. */
export const FIELD_MIN_AGE: Readonly<Record<ComparedField, number>> = {
  sex: 0,
  age_group: 0,
  region: 0,
  district: 0,
  residence: 0,
  ethnicity: 0,
  mother_tongue: 0,
  language_usually_spoken: 0,
  religion: 0,
  marital_status: 15,
  education_level: 10,
  employment_status: 15,
  inactivity_reason: 15,
  economic_sector: 15,
};

/** The persona fields whose targets drive provenance gates. */
export const SUPER_CRITICAL_FIELDS = ['region', 'ethnicity', 'education_level', 'employment_status'] as const;
export const CRITICAL_FIELDS = [
  'sex',
  'age',
  'residence',
  'mother_tongue',
  'religion',
  'marital_status',
  'district',
] as const;
export type SuperCriticalField = (typeof SUPER_CRITICAL_FIELDS)[number];
export type CriticalField = (typeof CRITICAL_FIELDS)[number];
export type FieldCriticality = 'super_critical' | 'critical' | 'ordinary';

export function criticalityOf(field: string): FieldCriticality {
  if ((SUPER_CRITICAL_FIELDS as readonly string[]).includes(field)) return 'super_critical';
  if ((CRITICAL_FIELDS as readonly string[]).includes(field)) return 'critical';
  return 'ordinary';
}
