/**
 * The cross-tabs the output is checked against (joint checks), as shares within rows, and the
 * observed counts of a run in the same rows and columns. Scope `all`: the published tables (all
 * ages). Scope `adults`: nothing is published for 18+, so the rows the calibrated model implies
 * for ages 18+ (`modelled`), in the same rows, columns and partial cells.
 */
import type { Where } from '../domain/where.js';
import { conditionedJoint, conditionWeights } from './condition.js';
import type { InputSnapshot, ResolvedTable } from '../census/census-table.js';
import type { ComparedField } from '../domain/fields.js';
import { VARIABLE_DOMAINS } from '../census/domains.js';
import {
  DISTRICT_REGION_INDEX,
  DISTRICTS,
  ETHNICITIES,
  LANGUAGES,
  REGIONS,
  RELIGIONS,
  RESIDENCES,
} from '../domain/categories.js';
import type { Scope } from '../domain/request.js';
import { rowOf, type ConditionalTable, type ConditionalTables } from './conditionals.js';
import { KEY_CELL_COUNT, keyCellIndexes } from './key-joint.js';
import { minAgeOf, populationMasses, type GenerationModel } from './model.js';
import type { ShardCounts } from './shard-counts.js';
import { matrixOf, normalise, rowSharesOf, tableOf } from './table-view.js';
import { impliedUnitRows, publishedUnitTargets, unitJointCounts, type UnitJointTarget } from './unit-checks.js';

/** A joint check's target (one shape for the published cross-tabs and the unit checks). */
export type JointTarget = UnitJointTarget;

const DECLARED = VARIABLE_DOMAINS.ethnicity_declared;
const MERGED_MOTHER_TONGUE = VARIABLE_DOMAINS.mother_tongue_merged;
const NAMED_RELIGIONS = VARIABLE_DOMAINS.religion_named;

/**
 * Cross-tabs the output is checked against, shares within rows. Scope `all`: the published
 * tables (all ages). Scope `adults`: nothing is published for 18+, so the rows the calibrated
 * model implies for ages 18+ (`modelled`), in the same rows, columns and partial cells.
 */
export function jointTargets(snapshot: InputSnapshot, model: GenerationModel, scope: Scope, where?: Where): JointTarget[] {
  const published = [...publishedJointTargets(snapshot), ...publishedUnitTargets(snapshot.tables, model)];
  const minAge = minAgeOf(scope);
  if (minAge === 0 && where === undefined) return published;
  // A scope or a condition the tables do not publish: the rows the calibrated model implies for
  // that sub-population (modelled); a row the sub-population does not reach is not checked.
  const joint = where === undefined ? model.calibratedJoint : conditionedJoint(model.calibratedJoint, conditionWeights(where, model.calibratedConditionals.age85Plus));
  const implied = {
    ...impliedJointRows(joint, model.calibratedConditionals, minAge),
    ...impliedUnitRows(joint, model.calibratedConditionals, minAge),
  };
  return published.map((target) => ({
    ...target,
    target_row_shares: target.target_row_shares.map((row, r) => {
      const impliedRow = implied[target.id]![r]!;
      if (row === null || impliedRow.every((share) => share === 0)) return null;
      return row.map((cell, c) => (cell === null ? null : impliedRow[c]!));
    }),
    provenance_class: 'modelled' as const,
  }));
}

/**
 * The row shares of every joint check a run is expected to have (all rows, published or not),
 * from the tables it draws from (raked, or the priors with `use_ipf: false`): what the sampled
 * rows scatter around, without the noise. The conflict allowances are reviewed against these.
 */
export function expectedJointRows(model: GenerationModel, scope: Scope): Record<string, number[][]> {
  const minAge = minAgeOf(scope);
  return { ...impliedJointRows(model.joint, model.conditionals, minAge), ...impliedUnitRows(model.joint, model.conditionals, minAge) };
}

/**
 * Row shares of each joint check implied among ages ≥ m by a key joint J and its conditionals P
 * (the calibrated ones for targets; those a run draws from for `expectedJointRows`):
 *
 *   ethnicity_by_residence(r, e)      ∝ Σ_{c : residence r, ethnicity e, age ≥ m} J(c)
 *   residence_by_region(g, r)         ∝ Σ_{c : region g, residence r, age ≥ m} J(c)
 *   ethnicity_by_region(g, e)         ∝ Σ_{c : region g, ethnicity e, age ≥ m} J(c)    (declared e only)
 *   mother_tongue_by_ethnicity(e, l̃) ∝ Σ_{d, r} M(d, r, e) Σ_{l ↦ l̃} P(l | d, r, e)    (l̃: merged column; not declared dropped)
 *   religion_by_ethnicity(e, k)       ∝ Σ_d M(d, e) · P(k | d, e)                    (named religions only)
 *
 * M the masses of ages ≥ m. The checks issue #12 added are in unit-checks.ts.
 */
function impliedJointRows(joint: Float64Array, c: ConditionalTables, minAge: number): Record<string, number[][]> {
  const idx = keyCellIndexes();
  const E = ETHNICITIES.length;
  const residenceEthnicity = RESIDENCES.map(() => new Array<number>(E).fill(0));
  const regionResidence = REGIONS.map(() => new Array<number>(RESIDENCES.length).fill(0));
  const regionEthnicity = REGIONS.map(() => new Array<number>(E).fill(0));
  for (let cell = 0; cell < KEY_CELL_COUNT; cell += 1) {
    const mass = joint[cell]!;
    if (mass === 0 || idx.age[cell]! < minAge) continue;
    const e = idx.ethnicity[cell]!;
    const r = idx.residence[cell]!;
    const g = DISTRICT_REGION_INDEX[idx.district[cell]!]!;
    residenceEthnicity[r]![e]! += mass;
    regionResidence[g]![r]! += mass;
    regionEthnicity[g]![e]! += mass;
  }
  const masses = populationMasses(joint.map((mass, cell) => (idx.age[cell]! >= minAge ? mass : 0)));
  const byEthnicity = (rowMass: Float64Array, table: ConditionalTable, ethnicity: number): Float64Array => {
    const sum = new Float64Array(table.categories.length);
    rowMass.forEach((mass, row) => {
      if (mass === 0 || row % E !== ethnicity) return;
      rowOf(table, row).forEach((p, k) => (sum[k]! += mass * p));
    });
    return sum;
  };
  return {
    ethnicity_by_residence: residenceEthnicity.map(normalise),
    residence_by_region: regionResidence.map(normalise),
    ethnicity_by_region: regionEthnicity.map((row) => normalise(declaredOf((e) => row[e]!))),
    mother_tongue_by_ethnicity: DECLARED.map((code) => {
      const shares = byEthnicity(masses.unitResidenceEthnicity, c.motherTongueByUnit, ETHNICITIES.indexOf(code));
      return normalise(mergedMotherTongueOf((l) => shares[l]!));
    }),
    religion_by_ethnicity: DECLARED.map((code) => {
      const shares = byEthnicity(masses.unitEthnicity, c.religionByUnit, ETHNICITIES.indexOf(code));
      return normalise(namedReligionsOf((k) => shares[k]!));
    }),
  };
}

/** A published conditional table as a joint check: its rows' shares over `cols` (null where unpublished). */
function publishedRowTarget(
  id: string,
  table: ResolvedTable,
  rows: { readonly field: ComparedField; readonly codes: readonly string[] },
  cols: { readonly field: ComparedField; readonly codes: readonly string[] },
): JointTarget {
  return {
    id,
    row_field: rows.field,
    col_field: cols.field,
    rows: rows.codes,
    cols: cols.codes,
    target_row_shares: rows.codes.map((code) => {
      const row = rowSharesOf(table, code, cols.codes);
      return row ? Array.from(row) : null;
    }),
    provenance_class: table.provenance_class,
    table_ids: [table.id],
  };
}

/** The published cross-tabs (all ages). */
function publishedJointTargets(snapshot: InputSnapshot): JointTarget[] {
  const tables = snapshot.tables;
  const districtResidence = tableOf(tables, 'district_by_residence');
  const regionResidence = REGIONS.map(() => new Array<number>(RESIDENCES.length).fill(0));
  matrixOf(districtResidence, DISTRICTS, RESIDENCES).forEach((row, d) =>
    row.forEach((v, r) => (regionResidence[DISTRICT_REGION_INDEX[d]!]![r]! += v ?? 0)),
  );
  const partial = tableOf(tables, 'ethnicity_by_region_partial');
  const ethnicity = { field: 'ethnicity' as const, codes: ETHNICITIES };
  const declared = { field: 'ethnicity' as const, codes: DECLARED };
  return [
    publishedRowTarget('ethnicity_by_residence', tableOf(tables, 'ethnicity_by_residence'), { field: 'residence', codes: RESIDENCES }, ethnicity),
    {
      id: 'residence_by_region',
      row_field: 'region',
      col_field: 'residence',
      rows: REGIONS,
      cols: RESIDENCES,
      target_row_shares: regionResidence.map((row) => normalise(row)),
      provenance_class: districtResidence.provenance_class,
      table_ids: ['district_by_residence'],
    },
    {
      id: 'ethnicity_by_region',
      row_field: 'region',
      col_field: 'ethnicity',
      rows: REGIONS,
      cols: DECLARED,
      // Published as % of the region's declared population; unpublished cells stay null.
      target_row_shares: matrixOf(partial, REGIONS, DECLARED).map((row) =>
        row.every((v) => v === null) ? null : row.map((v) => (v === null ? null : v / 100)),
      ),
      provenance_class: partial.provenance_class,
      table_ids: [partial.id],
    },
    publishedRowTarget('mother_tongue_by_ethnicity', tableOf(tables, 'mother_tongue_by_ethnicity'), declared, {
      field: 'mother_tongue',
      codes: MERGED_MOTHER_TONGUE,
    }),
    publishedRowTarget('religion_by_ethnicity', tableOf(tables, 'religion_by_ethnicity'), declared, { field: 'religion', codes: NAMED_RELIGIONS }),
  ];
}

/**
 * Column of a persona language in the census's merged mother-tongue table (Moldovan and Romanian
 * are one column there); -1 for `not_declared`, which that table leaves out.
 */
function mergedMotherTongueIndex(language: string): number {
  if (language === 'moldovan' || language === 'romanian') return 0;
  return MERGED_MOTHER_TONGUE.indexOf(language as never);
}

/** A row over the persona languages (`valueOf(language index)`) folded into the merged mother-tongue columns. */
function mergedMotherTongueOf(valueOf: (language: number) => number): number[] {
  const row = new Array<number>(MERGED_MOTHER_TONGUE.length).fill(0);
  LANGUAGES.forEach((language, l) => {
    const at = mergedMotherTongueIndex(language);
    if (at >= 0) row[at]! += valueOf(l);
  });
  return row;
}

/** A row over the ethnicities (`valueOf(ethnicity index)`) restricted to the declared ones. */
function declaredOf(valueOf: (ethnicity: number) => number): number[] {
  return DECLARED.map((code) => valueOf(ETHNICITIES.indexOf(code)));
}

/** A row over the religions (`valueOf(religion index)`) restricted to the named ones. */
function namedReligionsOf(valueOf: (religion: number) => number): number[] {
  return NAMED_RELIGIONS.map((code) => valueOf(RELIGIONS.indexOf(code)));
}

/** Observed counts for each joint target, in its rows × cols (same collapsing as the published tables). */
export function observedJointCounts(counts: ShardCounts): Record<string, number[][]> {
  const E = ETHNICITIES.length;
  const L = LANGUAGES.length;
  const R = RESIDENCES.length;
  return {
    ...unitJointCounts(counts),
    ethnicity_by_residence: RESIDENCES.map((_, r) => Array.from(counts.residence_ethnicity.subarray(r * E, r * E + E))),
    residence_by_region: REGIONS.map((_, g) => Array.from(counts.region_residence.subarray(g * R, g * R + R))),
    ethnicity_by_region: REGIONS.map((_, g) => declaredOf((e) => counts.region_ethnicity[g * E + e]!)),
    mother_tongue_by_ethnicity: DECLARED.map((code) => {
      const e = ETHNICITIES.indexOf(code);
      return mergedMotherTongueOf((l) => counts.ethnicity_mother_tongue[e * L + l]!);
    }),
    religion_by_ethnicity: DECLARED.map((code) => {
      const e = ETHNICITIES.indexOf(code);
      return namedReligionsOf((k) => counts.ethnicity_religion[e * RELIGIONS.length + k]!);
    }),
  };
}
