/**
 * What a shard counts for the trust evaluator: one tally per categorical field (sized from the
 * domain's FIELD_CATEGORIES), the published cross-tabs, consistency violations, the plausibility
 * rules' populations and flagged persons, and duplicate ids.
 * Shards are merged by addition, in any order.
 */
import {
  CATEGORICAL_FIELDS,
  ETHNICITIES,
  FIELD_CATEGORIES,
  LANGUAGES,
  REGIONS,
  RELIGIONS,
  RESIDENCES,
  type CategoricalField,
} from '../domain/categories.js';
import { CONSISTENCY_RULES } from './consistency.js';
import { PLAUSIBILITY_RULES } from './plausibility.js';
import { UNIT_COUNTER_SIZES, type UnitCounts } from './unit-checks.js';

/** Counts per field (in FIELD_CATEGORIES order) and per published cross-tab. */
export type ShardCounts = { readonly [F in CategoricalField]: Int32Array } & UnitCounts & {
  /** residence × ethnicity, ethnicity-fastest. */
  readonly residence_ethnicity: Int32Array;
  /** region × ethnicity. */
  readonly region_ethnicity: Int32Array;
  /** ethnicity × mother tongue. */
  readonly ethnicity_mother_tongue: Int32Array;
  /** ethnicity × religion. */
  readonly ethnicity_religion: Int32Array;
  /** region × residence. */
  readonly region_residence: Int32Array;
  /** Violations per CONSISTENCY_RULES entry. */
  readonly consistency: Int32Array;
  /** Persons in each PLAUSIBILITY_RULES entry's population (its denominator). */
  readonly plausibility_population: Int32Array;
  /** Persons of that population the rule flags (its numerator). */
  readonly plausibility_flagged: Int32Array;
  /** One cell: ids written that repeat another or do not stand for their record (persona-id.ts). */
  readonly duplicate_ids: Int32Array;
};

export function emptyCounts(): ShardCounts {
  // Assigned one by one, not spread from a derived object: sampleShard updates these ~20 times a
  // persona, and a spread-built record made the whole shard ~15% slower (V8 object shapes).
  const counts = {} as { -readonly [K in keyof ShardCounts]: Int32Array };
  for (const field of CATEGORICAL_FIELDS) counts[field] = new Int32Array(FIELD_CATEGORIES[field].length);
  counts.residence_ethnicity = new Int32Array(RESIDENCES.length * ETHNICITIES.length);
  counts.region_ethnicity = new Int32Array(REGIONS.length * ETHNICITIES.length);
  counts.ethnicity_mother_tongue = new Int32Array(ETHNICITIES.length * LANGUAGES.length);
  counts.ethnicity_religion = new Int32Array(ETHNICITIES.length * RELIGIONS.length);
  counts.region_residence = new Int32Array(REGIONS.length * RESIDENCES.length);
  counts.consistency = new Int32Array(CONSISTENCY_RULES.length);
  counts.plausibility_population = new Int32Array(PLAUSIBILITY_RULES.length);
  counts.plausibility_flagged = new Int32Array(PLAUSIBILITY_RULES.length);
  counts.duplicate_ids = new Int32Array(1);
  // The unit checks' counters (unit-checks.ts), one by one as above (named, so the shape is fixed).
  counts.district_mother_tongue = new Int32Array(UNIT_COUNTER_SIZES.district_mother_tongue);
  counts.district_religion = new Int32Array(UNIT_COUNTER_SIZES.district_religion);
  counts.district_sex = new Int32Array(UNIT_COUNTER_SIZES.district_sex);
  counts.district_broad_age = new Int32Array(UNIT_COUNTER_SIZES.district_broad_age);
  counts.residence_broad_age = new Int32Array(UNIT_COUNTER_SIZES.residence_broad_age);
  counts.residence_education = new Int32Array(UNIT_COUNTER_SIZES.residence_education);
  counts.district_education = new Int32Array(UNIT_COUNTER_SIZES.district_education);
  counts.education_sex = new Int32Array(UNIT_COUNTER_SIZES.education_sex);
  counts.working_sex_employment = new Int32Array(UNIT_COUNTER_SIZES.working_sex_employment);
  counts.working_residence_employment = new Int32Array(UNIT_COUNTER_SIZES.working_residence_employment);
  counts.region_lfs_employment = new Int32Array(UNIT_COUNTER_SIZES.region_lfs_employment);
  counts.unemployed_age_sex = new Int32Array(UNIT_COUNTER_SIZES.unemployed_age_sex);
  counts.youth_employment = new Int32Array(UNIT_COUNTER_SIZES.youth_employment);
  counts.youth_inactivity = new Int32Array(UNIT_COUNTER_SIZES.youth_inactivity);
  counts.residence_sector = new Int32Array(UNIT_COUNTER_SIZES.residence_sector);
  counts.elderly_sex = new Int32Array(UNIT_COUNTER_SIZES.elderly_sex);
  counts.age_sex = new Int32Array(UNIT_COUNTER_SIZES.age_sex);
  return counts;
}

/** Adds `from` into `into`, key by key. */
export function addCountsInPlace(into: ShardCounts, from: ShardCounts): void {
  for (const key of Object.keys(into) as (keyof ShardCounts)[]) {
    const target = into[key];
    const source = from[key];
    for (let i = 0; i < target.length; i += 1) target[i]! += source[i]!;
  }
}
