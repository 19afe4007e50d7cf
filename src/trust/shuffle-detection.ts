/**
 * Which compared fields the drift checks catch when the field is shuffled against the census:
 * permuted among the records of its universe, which keeps its marginal exactly and flattens
 * every cross-tab it is in to that marginal. Only a joint check over the field can see it. One
 * source of truth for `docs/trust.md` and for the property test that shuffles every field
 * (test/unit/trust/shuffle.property.test.ts), which fails when this list claims too much or
 * too little.
 */
import type { ComparedField } from '../domain/fields.js';
import type { ConsistencyRule } from './evaluation-input.js';

export interface ShuffleDetection {
  /** Joint checks that catch the shuffled field (empty: not detectable by drift yet). */
  readonly caught_by: readonly string[];
  /** Why it is caught, or why not yet. */
  readonly note: string;
  /** Consistency rules the shuffled records break (a hard gate, whatever the drift checks see). */
  readonly breaks_rules: readonly ConsistencyRule[];
}

const NO_CROSS_TAB = 'No official cross-tab over this field is checked yet, so its marginal, which a shuffle keeps, is all the checks see.';

export const SHUFFLE_DETECTION: Readonly<Record<ComparedField, ShuffleDetection>> = Object.freeze({
  sex: { caught_by: [], note: NO_CROSS_TAB, breaks_rules: ['name_sex_mismatch'] },
  age_group: { caught_by: [], note: NO_CROSS_TAB, breaks_rules: ['age_outside_group'] },
  region: {
    caught_by: ['residence_by_region', 'ethnicity_by_region'],
    note: 'Urban shares and the preliminary ethnic cells differ by region (Chișinău mostly urban, Găgăuzia mostly Gagauz).',
    breaks_rules: ['district_outside_region'],
  },
  district: {
    caught_by: [],
    note: `${NO_CROSS_TAB} District × residence is a calibration margin, but the joint check aggregates it to regions, which the records keep.`,
    breaks_rules: ['district_outside_region'],
  },
  residence: {
    caught_by: ['ethnicity_by_residence', 'residence_by_region'],
    note: 'The urban and rural ethnic mix differ (Russians 5.9% urban, 1.2% rural); the regions differ in urban share.',
    breaks_rules: [],
  },
  ethnicity: {
    caught_by: ['ethnicity_by_residence', 'ethnicity_by_region', 'mother_tongue_by_ethnicity', 'religion_by_ethnicity'],
    note: 'Mother tongue and religion depend strongly on ethnicity, and the ethnic mix on area and region.',
    breaks_rules: [],
  },
  mother_tongue: { caught_by: ['mother_tongue_by_ethnicity'], note: 'Each ethnicity mostly speaks its own language.', breaks_rules: [] },
  language_usually_spoken: { caught_by: [], note: `${NO_CROSS_TAB} Mother tongue × usual language (annex 5.37) is not transcribed.`, breaks_rules: [] },
  religion: { caught_by: ['religion_by_ethnicity'], note: 'Old Believers are mostly Russian, Islam mostly "other" ethnicities.', breaks_rules: [] },
  marital_status: { caught_by: [], note: `${NO_CROSS_TAB} Marital status by sex and age is modelled, not published.`, breaks_rules: [] },
  education_level: {
    caught_by: [],
    note: `${NO_CROSS_TAB} Education by unit, area and sex is published but not checked yet (issue #12).`,
    breaks_rules: ['tertiary_under_19'],
  },
  employment_status: {
    caught_by: [],
    note: `${NO_CROSS_TAB} The LFS rates by sex and area are shipped but not checked yet (issue #12).`,
    breaks_rules: ['inactivity_reason_not_inactive', 'sector_not_employed'],
  },
  inactivity_reason: { caught_by: [], note: `${NO_CROSS_TAB} Reasons by age are modelled, not published.`, breaks_rules: [] },
  economic_sector: { caught_by: [], note: `${NO_CROSS_TAB} Sector by area or sex is not published.`, breaks_rules: [] },
});
