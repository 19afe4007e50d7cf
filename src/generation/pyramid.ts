/**
 * The population pyramid of a run (issue 16): five-year age group × sex, the output's counts
 * against the shares the calibrated model gives the run's population. Shown in the trust report,
 * never gated: the age groups and the sex split are gated as fields already, and no official
 * table publishes sex × five-year age for 2024 on the census base.
 *
 * Where the target comes from, said so in the report: with the PxWeb table `age_sex_residence`
 * (single age × sex × area, official) the model's sex × age structure is raked to it; without it
 * the sex split inside each age group is the modelled prior `sex_by_age_modelled`, raked to the
 * official age and sex margins (`modelled`). A `where` condition or the adult scope make the
 * target the model's sub-population (`modelled`). Pure.
 */
import type { InputSnapshot, ProvenanceClass } from '../census/census-table.js';
import { AGE_GROUPS, SEXES, type AgeGroup, type Sex } from '../domain/categories.js';
import type { Scope } from '../domain/request.js';
import type { Where } from '../domain/where.js';
import { conditionedJoint, conditionWeights } from './condition.js';
import { KEY_CELL_COUNT, keyCellIndexes } from './key-joint.js';
import { minAgeOf, type GenerationModel } from './model.js';
import type { ShardCounts } from './shard-counts.js';
import { AGE_GROUP_BY_AGE } from './unit-checks.js';

const S = SEXES.length;

export interface PyramidTarget {
  readonly age_groups: readonly AgeGroup[];
  readonly sexes: readonly Sex[];
  /** Per age group, per sex: share of the run's whole population (all cells sum to 1). */
  readonly target_shares: readonly (readonly number[])[];
  readonly provenance_class: ProvenanceClass;
  readonly table_ids: readonly string[];
  readonly derivation: string;
}

/** The calibrated model's age group × sex shares for the run's population. */
export function pyramidTarget(snapshot: InputSnapshot, model: GenerationModel, scope: Scope, where?: Where): PyramidTarget {
  const minAge = minAgeOf(scope);
  const joint = where === undefined ? model.calibratedJoint : conditionedJoint(model.calibratedJoint, conditionWeights(where, model.calibratedConditionals.age85Plus));
  const idx = keyCellIndexes();
  const mass = new Float64Array(AGE_GROUPS.length * S);
  for (let cell = 0; cell < KEY_CELL_COUNT; cell += 1) {
    const a = idx.age[cell]!;
    if (a < minAge) continue;
    mass[AGE_GROUP_BY_AGE[a]! * S + idx.sex[cell]!]! += joint[cell]!;
  }
  const total = mass.reduce((sum, v) => sum + v, 0);
  const target_shares = AGE_GROUPS.map((_, g) => SEXES.map((_, s) => (total > 0 ? mass[g * S + s]! / total : 0)));
  const official = snapshot.tables['age_sex_residence'];
  const sub = where !== undefined ? 'the persons the condition selects' : minAge > 0 ? `ages ${minAge}+` : null;
  if (official !== undefined) {
    return {
      age_groups: AGE_GROUPS,
      sexes: SEXES,
      target_shares,
      provenance_class: sub === null ? official.provenance_class : 'modelled',
      table_ids: [official.id, 'district_by_broad_age'],
      derivation: `calibrated model raked to the single age × sex × area table${sub === null ? '' : `, restricted to ${sub}`}`,
    };
  }
  return {
    age_groups: AGE_GROUPS,
    sexes: SEXES,
    target_shares,
    provenance_class: 'modelled',
    table_ids: ['sex_by_age_modelled', 'age_single', 'district_by_broad_age', 'sex'],
    derivation: `calibrated model: official age and sex margins, the sex split inside each age group from the modelled prior sex_by_age_modelled${sub === null ? '' : `; restricted to ${sub}`}`,
  };
}

/** The output's counts in the pyramid's cells: per age group, per sex. */
export function observedPyramid(counts: Pick<ShardCounts, 'age_sex'>): number[][] {
  return AGE_GROUPS.map((_, g) => SEXES.map((_, s) => counts.age_sex[g * S + s]!));
}
