import { describe, expect, it } from 'vitest';
import { consistencyViolations, type ConsistencyRule } from '../../../src/generation/consistency.js';

const adult = {
  age: 40,
  family_name: 'Rusu',
  age_group: '40-44',
  sex: 'female',
  given_name: 'Maria',
  region: 'nord',
  district: 'balti',
  marital_status: 'married',
  education_level: 'tertiary',
  employment_status: 'employed',
  inactivity_reason: null,
  economic_sector: 'services',
} as const;

describe('consistencyViolations', () => {
  it('passes a consistent adult', () => {
    expect(consistencyViolations(adult)).toEqual([]);
  });

  it.each<[ConsistencyRule, Partial<typeof adult> | Record<string, unknown>]>([
    ['under15_marital_status', { age: 12, age_group: '10-14', education_level: 'primary', employment_status: null, economic_sector: null }],
    ['under15_employment', { age: 14, age_group: '10-14', marital_status: null, education_level: 'primary', economic_sector: null }],
    ['education_under_10', { age: 8, age_group: '5-9', marital_status: null, employment_status: null, economic_sector: null, education_level: 'primary' }],
    ['tertiary_under_19', { age: 18, age_group: '15-19' }],
    ['inactivity_reason_not_inactive', { inactivity_reason: 'student' }],
    ['sector_not_employed', { employment_status: 'unemployed' }],
    ['age_outside_group', { age_group: '45-49' }],
    ['district_outside_region', { district: 'cahul' }],
    ['name_sex_mismatch', { given_name: 'Ion' }],
    ['missing_required_field', { family_name: '' }],
  ])('fires %s', (rule, change) => {
    expect(consistencyViolations({ ...adult, ...change } as Parameters<typeof consistencyViolations>[0])).toContain(rule);
  });
});
