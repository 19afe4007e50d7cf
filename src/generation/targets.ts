/**
 * What each field of the output should look like, in the output's own universe (SPEC §4 "Scope"):
 *
 * - scope `all`: the published table itself, in its universe (all ages, 10+ or 15+) — the output
 *   is compared with the official figure, so calibration errors show.
 * - scope `adults`: no table is published for 18+, so the target is what the calibrated all-ages
 *   model implies for ages 18+ (`modelled`, with the derivation stated) — except the age groups,
 *   which restrict the single-age table exactly, and sex and residence when PxWeb's age × sex ×
 *   residence table is in the snapshot.
 *
 * Also the published cross-tabs (joint checks) and the observed counts aligned to each target.
 */
import type { InputSnapshot, ProvenanceClass, ResolvedTable, TrustLevel } from '../census/census-table.js';
import { AGE_SINGLE_CODES, VARIABLE_DOMAINS } from '../census/domains.js';
import {
  AGE_GROUPS,
  DISTRICTS,
  EDUCATION_LEVELS,
  EMPLOYMENT_STATUSES,
  ETHNICITIES,
  FIELD_CODES,
  LANGUAGES,
  REGIONS,
  RELIGIONS,
  RESIDENCES,
  SEXES,
  DISTRICT_REGION_INDEX,
} from '../domain/categories.js';
import type { Scope } from '../domain/request.js';
import { COMPARED_FIELDS, FIELD_MIN_AGE, type ComparedField } from '../domain/fields.js';
import type { ConditionalTables } from './conditionals.js';
import { KEY_CELL_COUNT, KEY_DIMENSIONS, keyCellIndexes } from './key-joint.js';
import { minAgeOf, type GenerationModel } from './model.js';
import type { ShardCounts } from './shard-counts.js';
import { ageGroupOfAgeIndex, matrixOf, rowSharesOf, sharesOf, tableOf } from './table-view.js';

export interface FieldTarget {
  readonly field: ComparedField;
  readonly universe: string;
  readonly categories: readonly string[];
  readonly target_shares: readonly number[];
  readonly provenance_class: ProvenanceClass;
  readonly table_ids: readonly string[];
  readonly trust: TrustLevel | null;
  readonly derivation: string | null;
}

export interface JointTarget {
  readonly id: string;
  readonly row_field: string;
  readonly col_field: string;
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  /** Row shares; a row is null when not published, a cell is null when not published. */
  readonly target_row_shares: readonly (readonly (number | null)[] | null)[];
  readonly provenance_class: ProvenanceClass;
  readonly table_ids: readonly string[];
}

const FIELD_TABLE: Readonly<Record<ComparedField, string>> = {
  sex: 'sex',
  age_group: 'age_single',
  region: 'region',
  district: 'district',
  residence: 'residence',
  ethnicity: 'ethnicity',
  mother_tongue: 'mother_tongue',
  language_usually_spoken: 'language_usually_spoken',
  religion: 'religion',
  marital_status: 'marital_status_15plus',
  education_level: 'education_10plus',
  employment_status: 'labour_status_15plus',
  inactivity_reason: 'inactivity_reason',
  economic_sector: 'economic_sector',
};

const USUAL_PUBLISHED = VARIABLE_DOMAINS.language_usually_spoken_published;

/** Index of a persona language in the published usual-language categories (residual last). */
function publishedLanguageIndex(language: number): number {
  const at = USUAL_PUBLISHED.indexOf(LANGUAGES[language] as never);
  return at >= 0 ? at : USUAL_PUBLISHED.length - 1;
}

function universeLabel(scope: Scope, field: ComparedField): string {
  const minAge = Math.max(minAgeOf(scope), FIELD_MIN_AGE[field]);
  const base = field === 'inactivity_reason' ? 'inactive persons' : field === 'economic_sector' ? 'employed persons' : 'persons';
  return minAge === 0 ? `${base}, all ages` : `${base} aged ${minAge}+`;
}

function normalise(values: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i]!;
  return Array.from(values, (v) => (total > 0 ? v / total : 0));
}

/** The official distribution of a field in its published universe. */
function officialShares(tables: InputSnapshot['tables'], field: ComparedField): number[] {
  const table = tableOf(tables, FIELD_TABLE[field]);
  switch (field) {
    case 'age_group': {
      const groups = new Float64Array(AGE_GROUPS.length);
      sharesOf(table, AGE_SINGLE_CODES).forEach((share, a) => (groups[ageGroupOfAgeIndex(a)]! += share));
      return Array.from(groups);
    }
    case 'language_usually_spoken':
      return Array.from(sharesOf(table, USUAL_PUBLISHED));
    default:
      return Array.from(sharesOf(table, categoriesOf(field)));
  }
}

/** A compared field's categories; the language usually spoken is compared on its published categories. */
export function categoriesOf(field: ComparedField): readonly string[] {
  return field === 'language_usually_spoken' ? USUAL_PUBLISHED : FIELD_CODES[field];
}

/** Distributions implied by the calibrated model for ages ≥ minAge (mass, not normalised). */
function impliedMasses(model: GenerationModel, minAge: number): Record<ComparedField, Float64Array> {
  return fieldMasses(model.calibratedJoint, model.calibratedConditionals, minAge);
}

/**
 * The share of each compared field a run is expected to have: the distributions of the joint and
 * conditional tables its personas are drawn from (raked, or the priors with `use_ipf: false`),
 * restricted to the scope. What the sampled counts scatter around, without the sampling noise.
 */
export function expectedShares(model: GenerationModel, scope: Scope): Record<ComparedField, number[]> {
  const masses = fieldMasses(model.joint, model.conditionals, minAgeOf(scope));
  return Object.fromEntries(COMPARED_FIELDS.map((field) => [field, normalise(masses[field])])) as Record<ComparedField, number[]>;
}

/** Distributions of every compared field for ages ≥ minAge, from a key joint and conditional tables (mass). */
function fieldMasses(joint: Float64Array, c: ConditionalTables, minAge: number): Record<ComparedField, Float64Array> {
  const idx = keyCellIndexes();
  const out = Object.fromEntries(COMPARED_FIELDS.map((f) => [f, new Float64Array(categoriesOf(f).length)])) as Record<
    ComparedField,
    Float64Array
  >;
  const ethnicityMass = new Float64Array(ETHNICITIES.length);
  const sexAgeMass = new Float64Array(SEXES.length * KEY_DIMENSIONS.age);
  for (let cell = 0; cell < KEY_CELL_COUNT; cell += 1) {
    const a = idx.age[cell]!;
    const mass = joint[cell]!;
    if (a < minAge || mass === 0) continue;
    const d = idx.district[cell]!;
    out.sex[idx.sex[cell]!]! += mass;
    out.age_group[ageGroupOfAgeIndex(a)]! += mass;
    out.region[DISTRICT_REGION_INDEX[d]!]! += mass;
    out.district[d]! += mass;
    out.residence[idx.residence[cell]!]! += mass;
    out.ethnicity[idx.ethnicity[cell]!]! += mass;
    ethnicityMass[idx.ethnicity[cell]!]! += mass;
    sexAgeMass[idx.sex[cell]! * KEY_DIMENSIONS.age + a]! += mass;
  }
  const L = LANGUAGES.length;
  const motherTongueMass = new Float64Array(L);
  ethnicityMass.forEach((mass, e) => {
    for (let l = 0; l < L; l += 1) motherTongueMass[l]! += mass * c.motherTongueByEthnicity.probabilities[e * L + l]!;
    for (let r = 0; r < RELIGIONS.length; r += 1) out.religion[r]! += mass * c.religionByEthnicity.probabilities[e * RELIGIONS.length + r]!;
  });
  out.mother_tongue.set(motherTongueMass);
  motherTongueMass.forEach((mass, m) => {
    for (let l = 0; l < L; l += 1) out.language_usually_spoken[publishedLanguageIndex(l)]! += mass * c.usualLanguageByMotherTongue.probabilities[m * L + l]!;
  });
  const inactive = EMPLOYMENT_STATUSES.indexOf('inactive');
  const employed = EMPLOYMENT_STATUSES.indexOf('employed');
  let employedMass = 0;
  sexAgeMass.forEach((mass, row) => {
    const a = row % KEY_DIMENSIONS.age;
    if (mass === 0) return;
    if (a >= 15) {
      c.maritalBySexAge.probabilities.subarray(row * 4, row * 4 + 4).forEach((p, k) => (out.marital_status[k]! += mass * p));
      const status = c.employmentBySexAge.probabilities.subarray(row * 3, row * 3 + 3);
      status.forEach((p, k) => (out.employment_status[k]! += mass * p));
      const inactiveMass = mass * status[inactive]!;
      c.inactivityByAge.probabilities.subarray(a * 4, a * 4 + 4).forEach((p, k) => (out.inactivity_reason[k]! += inactiveMass * p));
      employedMass += mass * status[employed]!;
    }
    if (a >= 10) {
      const width = EDUCATION_LEVELS.length;
      c.educationByAge.probabilities.subarray(a * width, a * width + width).forEach((p, k) => (out.education_level[k]! += mass * p));
    }
  });
  c.sector.probabilities.forEach((p, k) => (out.economic_sector[k] = employedMass * p));
  return out;
}

function provenanceOf(table: ResolvedTable): { provenance_class: ProvenanceClass; trust: TrustLevel } {
  return { provenance_class: table.provenance_class, trust: table.trust };
}

/** Targets for every compared field in the output universe of `scope`. */
export function fieldTargets(model: GenerationModel, snapshot: InputSnapshot, scope: Scope): FieldTarget[] {
  const tables = snapshot.tables;
  const minAge = minAgeOf(scope);
  const implied = minAge > 0 ? impliedMasses(model, minAge) : null;
  const hasAgeSex = tables['age_sex_residence'] !== undefined;
  return COMPARED_FIELDS.map((field): FieldTarget => {
    const table = tableOf(tables, FIELD_TABLE[field]);
    const common = { field, universe: universeLabel(scope, field), categories: categoriesOf(field) };
    if (implied === null) {
      return { ...common, target_shares: officialShares(tables, field), ...provenanceOf(table), table_ids: [table.id], derivation: null };
    }
    if (field === 'age_group') {
      const groups = new Float64Array(AGE_GROUPS.length);
      sharesOf(table, AGE_SINGLE_CODES).forEach((share, a) => {
        if (a >= minAge) groups[ageGroupOfAgeIndex(a)]! += share;
      });
      return {
        ...common,
        target_shares: normalise(groups),
        ...provenanceOf(table),
        table_ids: [table.id],
        derivation: `single-age table restricted to ages ${minAge}+ and renormalised (exact)`,
      };
    }
    if (hasAgeSex && (field === 'sex' || field === 'residence')) {
      const source = tableOf(tables, 'age_sex_residence');
      const sums = new Float64Array(2);
      const [ages, sexes, residences] = source.categories as [string[], string[], string[]];
      ages.forEach((age, a) => {
        if (AGE_SINGLE_CODES.indexOf(age as never) < minAge) return;
        sexes.forEach((sex, s) =>
          residences.forEach((res, r) => {
            const value = source.values[(a * sexes.length + s) * residences.length + r] ?? 0;
            sums[field === 'sex' ? SEXES.indexOf(sex as never) : RESIDENCES.indexOf(res as never)]! += value;
          }),
        );
      });
      return {
        ...common,
        target_shares: normalise(sums),
        ...provenanceOf(source),
        table_ids: [source.id],
        derivation: `age × sex × residence table restricted to ages ${minAge}+ (exact)`,
      };
    }
    return {
      ...common,
      target_shares: normalise(implied[field]),
      provenance_class: 'modelled',
      trust: null,
      table_ids: [table.id],
      derivation: `share among ages ${minAge}+ implied by the calibrated all-ages model (official margins, modelled age structure)`,
    };
  });
}

/** Observed counts of each compared field, aligned to its target categories. */
export function observedCounts(counts: ShardCounts): Record<ComparedField, number[]> {
  const usual = new Array<number>(USUAL_PUBLISHED.length).fill(0);
  counts.language_usually_spoken.forEach((count, l) => (usual[publishedLanguageIndex(l)]! += count));
  return {
    sex: Array.from(counts.sex),
    age_group: Array.from(counts.age_group),
    region: Array.from(counts.region),
    district: Array.from(counts.district),
    residence: Array.from(counts.residence),
    ethnicity: Array.from(counts.ethnicity),
    mother_tongue: Array.from(counts.mother_tongue),
    language_usually_spoken: usual,
    religion: Array.from(counts.religion),
    marital_status: Array.from(counts.marital_status),
    education_level: Array.from(counts.education_level),
    employment_status: Array.from(counts.employment_status),
    inactivity_reason: Array.from(counts.inactivity_reason),
    economic_sector: Array.from(counts.economic_sector),
  };
}

/**
 * Cross-tabs the output is checked against, shares within rows. Scope `all`: the published
 * tables (all ages). Scope `adults`: nothing is published for 18+, so the rows the calibrated
 * model implies for ages 18+ (`modelled`), in the same rows, columns and partial cells.
 */
export function jointTargets(snapshot: InputSnapshot, model: GenerationModel, scope: Scope): JointTarget[] {
  const published = publishedJointTargets(snapshot);
  const minAge = minAgeOf(scope);
  if (minAge === 0) return published;
  const implied = impliedJointRows(model, minAge);
  return published.map((target) => ({
    ...target,
    target_row_shares: target.target_row_shares.map((row, r) =>
      row === null ? null : row.map((cell, c) => (cell === null ? null : implied[target.id]![r]![c]!)),
    ),
    provenance_class: 'modelled' as const,
  }));
}

/** Row shares of each joint check implied by the calibrated model for ages ≥ minAge. */
function impliedJointRows(model: GenerationModel, minAge: number): Record<string, number[][]> {
  const idx = keyCellIndexes();
  const E = ETHNICITIES.length;
  const residenceEthnicity = RESIDENCES.map(() => new Array<number>(E).fill(0));
  const regionResidence = REGIONS.map(() => [0, 0]);
  const regionEthnicity = REGIONS.map(() => new Array<number>(E).fill(0));
  const ethnicityMass = new Array<number>(E).fill(0);
  for (let cell = 0; cell < KEY_CELL_COUNT; cell += 1) {
    const mass = model.calibratedJoint[cell]!;
    if (mass === 0 || idx.age[cell]! < minAge) continue;
    const e = idx.ethnicity[cell]!;
    const r = idx.residence[cell]!;
    const g = DISTRICT_REGION_INDEX[idx.district[cell]!]!;
    residenceEthnicity[r]![e]! += mass;
    regionResidence[g]![r]! += mass;
    regionEthnicity[g]![e]! += mass;
    ethnicityMass[e]! += mass;
  }
  const declared = VARIABLE_DOMAINS.ethnicity_declared;
  const c = model.calibratedConditionals;
  const L = LANGUAGES.length;
  const merged = VARIABLE_DOMAINS.mother_tongue_merged;
  const named = VARIABLE_DOMAINS.religion_named;
  return {
    ethnicity_by_residence: residenceEthnicity.map(normalise),
    residence_by_region: regionResidence.map(normalise),
    ethnicity_by_region: regionEthnicity.map((row) => normalise(declared.map((e) => row[ETHNICITIES.indexOf(e)]!))),
    mother_tongue_by_ethnicity: declared.map((e) => {
      const ei = ETHNICITIES.indexOf(e);
      const row = new Array<number>(merged.length).fill(0);
      LANGUAGES.forEach((language, l) => {
        const at = mergedMotherTongueIndex(language);
        if (at >= 0) row[at]! += c.motherTongueByEthnicity.probabilities[ei * L + l]!;
      });
      return normalise(row);
    }),
    religion_by_ethnicity: declared.map((e) => {
      const ei = ETHNICITIES.indexOf(e);
      return normalise(named.map((r) => c.religionByEthnicity.probabilities[ei * RELIGIONS.length + RELIGIONS.indexOf(r)]!));
    }),
  };
}

/** The published cross-tabs (all ages). */
function publishedJointTargets(snapshot: InputSnapshot): JointTarget[] {
  const tables = snapshot.tables;
  const byResidence = tableOf(tables, 'ethnicity_by_residence');
  const districtResidence = matrixOf(tableOf(tables, 'district_by_residence'), DISTRICTS, RESIDENCES);
  const regionResidence = REGIONS.map(() => [0, 0]);
  districtResidence.forEach((row, d) =>
    row.forEach((v, r) => (regionResidence[DISTRICT_REGION_INDEX[d]!]![r]! += v ?? 0)),
  );
  const partial = tableOf(tables, 'ethnicity_by_region_partial');
  const motherTongue = tableOf(tables, 'mother_tongue_by_ethnicity');
  const religion = tableOf(tables, 'religion_by_ethnicity');
  const declared = VARIABLE_DOMAINS.ethnicity_declared;
  return [
    {
      id: 'ethnicity_by_residence',
      row_field: 'residence',
      col_field: 'ethnicity',
      rows: RESIDENCES,
      cols: ETHNICITIES,
      target_row_shares: RESIDENCES.map((r) => {
        const row = rowSharesOf(byResidence, r, ETHNICITIES);
        return row ? Array.from(row) : null;
      }),
      provenance_class: byResidence.provenance_class,
      table_ids: [byResidence.id],
    },
    {
      id: 'residence_by_region',
      row_field: 'region',
      col_field: 'residence',
      rows: REGIONS,
      cols: RESIDENCES,
      target_row_shares: regionResidence.map((row) => normalise(row)),
      provenance_class: tableOf(tables, 'district_by_residence').provenance_class,
      table_ids: ['district_by_residence'],
    },
    {
      id: 'ethnicity_by_region',
      row_field: 'region',
      col_field: 'ethnicity',
      rows: REGIONS,
      cols: declared,
      // Published as % of the region's declared population; unpublished cells stay null.
      target_row_shares: matrixOf(partial, REGIONS, declared).map((row) =>
        row.every((v) => v === null) ? null : row.map((v) => (v === null ? null : v / 100)),
      ),
      provenance_class: partial.provenance_class,
      table_ids: [partial.id],
    },
    {
      id: 'mother_tongue_by_ethnicity',
      row_field: 'ethnicity',
      col_field: 'mother_tongue',
      rows: declared,
      cols: VARIABLE_DOMAINS.mother_tongue_merged,
      target_row_shares: declared.map((e) => {
        const row = rowSharesOf(motherTongue, e, VARIABLE_DOMAINS.mother_tongue_merged);
        return row ? Array.from(row) : null;
      }),
      provenance_class: motherTongue.provenance_class,
      table_ids: [motherTongue.id],
    },
    {
      id: 'religion_by_ethnicity',
      row_field: 'ethnicity',
      col_field: 'religion',
      rows: declared,
      cols: VARIABLE_DOMAINS.religion_named,
      target_row_shares: declared.map((e) => {
        const row = rowSharesOf(religion, e, VARIABLE_DOMAINS.religion_named);
        return row ? Array.from(row) : null;
      }),
      provenance_class: religion.provenance_class,
      table_ids: [religion.id],
    },
  ];
}

/**
 * Column of a persona language in the census's merged mother-tongue table (Moldovan and Romanian
 * are one column there); -1 for `not_declared`, which that table leaves out.
 */
function mergedMotherTongueIndex(language: string): number {
  if (language === 'moldovan' || language === 'romanian') return 0;
  return VARIABLE_DOMAINS.mother_tongue_merged.indexOf(language as never);
}

/** Observed counts for each joint target, in its rows × cols (same collapsing as the published tables). */
export function observedJointCounts(counts: ShardCounts): Record<string, number[][]> {
  const E = ETHNICITIES.length;
  const L = LANGUAGES.length;
  const declared = VARIABLE_DOMAINS.ethnicity_declared;
  const merged = VARIABLE_DOMAINS.mother_tongue_merged;
  const named = VARIABLE_DOMAINS.religion_named;
  return {
    ethnicity_by_residence: RESIDENCES.map((_, r) => Array.from(counts.residence_ethnicity.subarray(r * E, r * E + E))),
    residence_by_region: REGIONS.map((_, g) => Array.from(counts.region_residence.subarray(g * 2, g * 2 + 2))),
    ethnicity_by_region: REGIONS.map((_, g) => declared.map((e) => counts.region_ethnicity[g * E + ETHNICITIES.indexOf(e)]!)),
    mother_tongue_by_ethnicity: declared.map((e) => {
      const row = new Array<number>(merged.length).fill(0);
      const ei = ETHNICITIES.indexOf(e);
      LANGUAGES.forEach((language, l) => {
        const at = mergedMotherTongueIndex(language);
        if (at >= 0) row[at]! += counts.ethnicity_mother_tongue[ei * L + l]!;
      });
      return row;
    }),
    religion_by_ethnicity: declared.map((e) => {
      const ei = ETHNICITIES.indexOf(e);
      return named.map((r) => counts.ethnicity_religion[ei * RELIGIONS.length + RELIGIONS.indexOf(r)]!);
    }),
  };
}
