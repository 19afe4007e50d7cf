/**
 * Which compared fields the drift checks catch when the field is shuffled against the census:
 * permuted among the records of its universe, which keeps its marginal exactly and flattens
 * every cross-tab it is in to that marginal. Only a joint check over the field can see it. One
 * source of truth for `docs/trust.md` and for the property test that shuffles every field
 * (test/unit/trust/shuffle.property.test.ts), which fails when this list claims too much or
 * too little.
 */
import type { ComparedField } from '../domain/fields.js';
import type { ConsistencyRule, PlausibilityRuleId } from './evaluation-input.js';

export interface ShuffleDetection {
  /** Joint checks that catch the shuffled field (empty: not detectable by drift yet). */
  readonly caught_by: readonly string[];
  /** Why it is caught, or why not yet. */
  readonly note: string;
  /** Consistency rules the shuffled records break (a hard gate, whatever the drift checks see). */
  readonly breaks_rules: readonly ConsistencyRule[];
  /** Plausibility rules the shuffled records exceed (PLAUSIBILITY_RULE_EXCEEDED, a warning); none when absent. */
  readonly exceeds_plausibility?: readonly PlausibilityRuleId[];
}

const NO_CROSS_TAB = 'No official cross-tab over this field is checked yet, so its marginal, which a shuffle keeps, is all the checks see.';

export const SHUFFLE_DETECTION: Readonly<Record<ComparedField, ShuffleDetection>> = Object.freeze({
  sex: {
    caught_by: ['education_sex_within_level', 'elderly_women_share_60plus', 'employment_rate_20_64_by_sex'],
    note: 'Women are 59.6% of the higher-educated and 60.2% of the 60+ against 52.8% overall; men work more (58.6% against 55.1%, ages 20-64). The unit sex ratios differ too little to see.',
    breaks_rules: ['name_sex_mismatch'],
  },
  age_group: { caught_by: [], note: `${NO_CROSS_TAB} The broad age groups are checked on the age in years, which a shuffled age group does not move.`, breaks_rules: ['age_outside_group'] },
  region: {
    caught_by: ['residence_by_region', 'ethnicity_by_region'],
    note: 'Urban shares and the preliminary ethnic cells differ by region (Chișinău mostly urban, Găgăuzia mostly Gagauz).',
    breaks_rules: ['district_outside_region'],
  },
  district: {
    caught_by: ['broad_age_by_district', 'mother_tongue_by_district', 'religion_by_district', 'education_tertiary_by_district'],
    note: 'The unit tables differ sharply between units (Bulgarian 61.4% of Taraclia, higher education 36.7% of Chișinău against 8.1% of Sîngerei, the youngest and oldest raions).',
    breaks_rules: ['district_outside_region'],
  },
  residence: {
    caught_by: ['broad_age_by_residence', 'residence_by_region', 'ethnicity_by_residence', 'education_by_residence', 'employment_rate_20_64_by_residence', 'sector_by_residence'],
    note: 'Urban and rural differ in ethnic mix, age, education (30.3% higher education urban), employment (63.3% against 51.5%) and sector (agriculture mostly rural).',
    breaks_rules: [],
  },
  ethnicity: {
    caught_by: ['ethnicity_by_residence', 'ethnicity_by_region', 'mother_tongue_by_ethnicity', 'religion_by_ethnicity'],
    note: 'Mother tongue and religion depend strongly on ethnicity, and the ethnic mix on area and region.',
    breaks_rules: [],
  },
  mother_tongue: {
    caught_by: ['mother_tongue_by_district', 'mother_tongue_by_ethnicity'],
    note: 'Each ethnicity mostly speaks its own language, and the units differ (Taraclia, Găgăuzia, Bălți).',
    breaks_rules: [],
  },
  language_usually_spoken: { caught_by: [], note: `${NO_CROSS_TAB} Mother tongue × usual language (annex 5.37) is not transcribed.`, breaks_rules: [] },
  religion: {
    caught_by: ['religion_by_district', 'religion_by_ethnicity'],
    note: 'Old Believers are mostly Russian, Islam mostly "other" ethnicities; Jehovah\'s Witnesses are 7.7% of Briceni.',
    breaks_rules: [],
  },
  marital_status: {
    caught_by: [],
    note: `${NO_CROSS_TAB} Marital status by sex and age is modelled, not published; the plausibility rules on marriage under 16 and 18 see the shuffle.`,
    breaks_rules: [],
    exceeds_plausibility: ['married_under_16', 'married_under_18'],
  },
  education_level: {
    caught_by: ['education_sex_within_level', 'education_by_residence', 'education_tertiary_by_district'],
    note: 'Higher education differs by unit (36.7% Chișinău, 8.1% Sîngerei), by area (30.3% urban) and by sex (59.6% women).',
    breaks_rules: ['tertiary_under_19'],
    exceeds_plausibility: ['degree_before_21'],
  },
  employment_status: {
    caught_by: ['unemployed_by_age_sex', 'employed_by_region', 'employment_rate_20_64_by_residence', 'employment_rate_20_64_by_sex', 'youth_15_34_status'],
    note: 'The LFS rates differ by area, sex and age, the employed by region and the unemployed by age group.',
    breaks_rules: ['inactivity_reason_not_inactive', 'sector_not_employed'],
  },
  inactivity_reason: {
    caught_by: ['youth_inactive_in_education'],
    note: 'Half the inactive 15-34 are in education against 14.1% of all the inactive; the other reasons by age are modelled.',
    breaks_rules: [],
    exceeds_plausibility: ['pensioner_far_below_pension_age', 'student_over_35'],
  },
  economic_sector: {
    caught_by: ['sector_by_residence'],
    note: 'Modelled check (no published cross-tab): the engine\'s own sector by area, agriculture mostly rural.',
    breaks_rules: [],
  },
});
