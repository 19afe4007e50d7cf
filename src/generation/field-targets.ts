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
 * Also the observed counts of a run, aligned to each target's categories. The cross-tabs are in
 * joint-targets.ts.
 */
import { describeWhere, type Where } from '../domain/where.js';
import { conditionedJoint, conditionWeights } from './condition.js';
import { TRUST_LEVELS, type InputSnapshot, type ProvenanceClass, type ResolvedTable, type TargetProvenanceClass, type TrustLevel } from '../census/census-table.js';
import { AGE_SINGLE_CODES, VARIABLE_DOMAINS } from '../census/domains.js';
import {
  AGE_GROUPS,
  DISTRICTS,
  DISTRICT_REGION_INDEX,
  EMPLOYMENT_STATUSES,
  ETHNICITIES,
  FIELD_CODES,
  LANGUAGES,
  REGIONS,
  RESIDENCES,
  SEXES,
} from '../domain/categories.js';
import { COMPARED_FIELDS, FIELD_MIN_AGE, type ComparedField } from '../domain/fields.js';
import type { Scope } from '../domain/request.js';
import { rowOf, sectorRow, type ConditionalTables } from './conditionals.js';
import { KEY_CELL_COUNT, KEY_DIMENSIONS, keyCellIndexes } from './key-joint.js';
import { minAgeOf, populationMasses, type GenerationModel } from './model.js';
import { ADULT_MIN_AGE } from '../domain/request.js';
import type { ShardCounts } from './shard-counts.js';
import { ageGroupOfAgeIndex, matrixOf, normalise, sharesOf, tableOf, valueAt } from './table-view.js';
import { ageShare, deriveAdultTarget, massByAge, YOUTH_MAX_AGE, type DerivationBase, type ModelDependence } from './model-dependence.js';

export interface FieldTarget {
  readonly field: ComparedField;
  readonly universe: string;
  readonly categories: readonly string[];
  readonly target_shares: readonly number[];
  readonly provenance_class: TargetProvenanceClass;
  readonly table_ids: readonly string[];
  readonly trust: TrustLevel | null;
  readonly derivation: string | null;
  /** Adult targets derived from a wider official table: how far they can depend on the model (else null). */
  readonly model_dependence: ModelDependence | null;
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

/**
 * The mass (persons) of every compared field among ages ≥ m, from a key joint J and conditional
 * tables P, as the sampler would draw it:
 *
 *   key fields   M_f(k) = Σ_{c : age(c) ≥ m, f(c) = k} J(c)    f = sex, age group, region, district,
 *                                                               residence, ethnicity
 *   then, with the same cells' mass by ethnicity M(e) and by sex × single age M(s, a):
 *
 *   mother tongue       MT(l) = Σ_e M(e) · P(l | e)
 *   usual language      U(l̂)  = Σ_m MT(m) · Σ_{l ↦ l̂} P(l | m)      (l̂: published category, residual last)
 *   religion            R(k)  = Σ_e M(e) · P(k | e)
 *   marital status            Σ_{s, a ≥ 15} M(s, a) · P(k | s, a)
 *   employment status   E(k)  = Σ_{s, a ≥ 15} M(s, a) · P(k | s, a)
 *   inactivity reason         Σ_{s, a ≥ 15} M(s, a) · P(inactive | s, a) · P(k | a)
 *   education level           Σ_{s, a ≥ 10} M(s, a) · P(k | a)
 *   economic sector           E(employed) · P(k)
 *
 * 15 and 10 are the fields' own universes (FIELD_MIN_AGE): below them the field is null.
 * Normalise a field's masses for its shares.
 */
export function fieldMasses(joint: Float64Array, c: ConditionalTables, minAge: number): Record<ComparedField, Float64Array> {
  const idx = keyCellIndexes();
  const out = Object.fromEntries(COMPARED_FIELDS.map((f) => [f, new Float64Array(categoriesOf(f).length)])) as Record<
    ComparedField,
    Float64Array
  >;
  const scoped = minAge > 0 ? joint.map((mass, cell) => (idx.age[cell]! >= minAge ? mass : 0)) : joint;
  const m = populationMasses(scoped);
  for (let cell = 0; cell < KEY_CELL_COUNT; cell += 1) {
    const mass = scoped[cell]!;
    if (mass === 0) continue;
    const d = idx.district[cell]!;
    out.sex[idx.sex[cell]!]! += mass;
    out.age_group[ageGroupOfAgeIndex(idx.age[cell]!)]! += mass;
    out.region[DISTRICT_REGION_INDEX[d]!]! += mass;
    out.district[d]! += mass;
    out.residence[idx.residence[cell]!]! += mass;
    out.ethnicity[idx.ethnicity[cell]!]! += mass;
  }
  const L = LANGUAGES.length;
  const E = ETHNICITIES.length;
  const motherTongueMass = new Float64Array(L);
  // Mother tongue mass per unit × area: the rows of the usual-language table.
  const placeMass = new Float64Array(c.usualLanguageByPlace.rows);
  m.unitResidenceEthnicity.forEach((mass, row) => {
    if (mass > 0)
      rowOf(c.motherTongueByUnit, row).forEach((p, l) => {
        motherTongueMass[l]! += mass * p;
        placeMass[Math.floor(row / E) * L + l]! += mass * p;
      });
  });
  m.unitEthnicity.forEach((mass, row) => {
    if (mass > 0) rowOf(c.religionByUnit, row).forEach((p, k) => (out.religion[k]! += mass * p));
  });
  out.mother_tongue.set(motherTongueMass);
  placeMass.forEach((mass, row) => {
    if (mass > 0) for (let l = 0; l < L; l += 1) out.language_usually_spoken[publishedLanguageIndex(l)]! += mass * c.usualLanguageByPlace.probabilities[row * L + l]!;
  });
  m.education.forEach((mass, row) => {
    if (mass > 0) rowOf(c.educationByUnit, row).forEach((p, k) => (out.education_level[k]! += mass * p));
  });
  m.sexAge.forEach((mass, row) => {
    if (mass > 0 && row % KEY_DIMENSIONS.age >= FIELD_MIN_AGE.marital_status) rowOf(c.maritalBySexAge, row).forEach((p, k) => (out.marital_status[k]! += mass * p));
  });
  const inactive = EMPLOYMENT_STATUSES.indexOf('inactive');
  const employed = EMPLOYMENT_STATUSES.indexOf('employed');
  const employedMass = new Float64Array(RESIDENCES.length * SEXES.length);
  m.employment.forEach((mass, row) => {
    if (mass === 0) return;
    const a = Math.floor(row / (RESIDENCES.length * REGIONS.length)) % KEY_DIMENSIONS.age;
    const status = rowOf(c.employmentByRow, row);
    status.forEach((p, k) => (out.employment_status[k]! += mass * p));
    const inactiveMass = mass * status[inactive]!;
    rowOf(c.inactivityByAge, a).forEach((p, k) => (out.inactivity_reason[k]! += inactiveMass * p));
    const r = Math.floor(row / REGIONS.length) % RESIDENCES.length;
    const s = Math.floor(row / (KEY_DIMENSIONS.age * RESIDENCES.length * REGIONS.length));
    employedMass[sectorRow(r, s)]! += mass * status[employed]!;
  });
  employedMass.forEach((mass, row) => rowOf(c.sector, row).forEach((p, k) => (out.economic_sector[k]! += mass * p)));
  return out;
}

function provenanceOf(table: ResolvedTable): { provenance_class: ProvenanceClass; trust: TrustLevel } {
  return { provenance_class: table.provenance_class, trust: table.trust };
}

/** Sex or residence shares among ages ≥ minAge from PxWeb's age × sex × residence table. */
function ageSexResidenceShares(source: ResolvedTable, field: 'sex' | 'residence', minAge: number): number[] {
  const sums = new Float64Array(field === 'sex' ? SEXES.length : RESIDENCES.length);
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
  return normalise(sums);
}

/** The lowest trust of some tables (TRUST_LEVELS is ordered best first). */
function lowestTrust(tables: readonly ResolvedTable[]): TrustLevel {
  return TRUST_LEVELS[Math.max(...tables.map((table) => TRUST_LEVELS.indexOf(table.trust)))]!;
}

const BROAD_GROUPS = ['0-15', '16-retirement', 'retirement+'] as const;

/** Shares of the persons aged 16+ per row of a census broad-age table (rows: the codes given). */
function sixteenPlusShares(table: ResolvedTable, rowCodes: readonly string[]): number[] {
  return normalise(matrixOf(table, rowCodes, BROAD_GROUPS).map((row) => (row[1] ?? 0) + (row[2] ?? 0)));
}

const SCHOOL_FACT =
  'School entry at 6 at the earliest, primary after 4 years, gymnasium after 9, lyceum after 12, vocational at least 2 years after gymnasium, a bachelor at least 3 years after the lyceum, and the count on 8 April (docs/method.md §3.1): under 18 nobody holds a tertiary level, the lyceum only at 17, vocational only at 16-17, gymnasium only at 14-17.';
const MARRIAGE_FACT = 'Family Code art. 14: marriage at 18, at 16 at the earliest with consent: nobody aged 15 has been married.';

/**
 * The official table an adult target of `field` is derived from, and the facts that limit the
 * part of its universe under 18; null where the under-18 part of the universe is itself
 * modelled (inactivity reason, economic sector).
 */
function derivationBase(
  field: ComparedField,
  tables: InputSnapshot['tables'],
  byAge: Float64Array,
  massesAt: (minAge: number) => Record<ComparedField, Float64Array>,
): DerivationBase | null {
  const base = (minAge: number, universe: string, used: readonly ResolvedTable[], official: readonly number[], extra: Partial<DerivationBase> = {}): DerivationBase => {
    const wide = massesAt(minAge)[field];
    const adult = massesAt(ADULT_MIN_AGE)[field];
    const whole = wide.reduce((sum, mass) => sum + mass, 0);
    const youth = Array.from(wide, (mass, k) => Math.max(0, mass - adult[k]!) / whole);
    return {
      minAge,
      universe,
      tableIds: used.map((table) => table.id),
      trust: lowestTrust(used),
      official,
      modelYouth: youth,
      youthShare: ageShare(byAge, minAge, minAge, YOUTH_MAX_AGE),
      ...extra,
    };
  };
  const share = (minAge: number, from: number, to: number) => ageShare(byAge, minAge, from, to);
  const table = tableOf(tables, FIELD_TABLE[field]);
  switch (field) {
    case 'district':
    case 'region': {
      const broad = tableOf(tables, 'district_by_broad_age');
      const units = sixteenPlusShares(broad, DISTRICTS);
      const official = field === 'district' ? units : REGIONS.map((_, g) => units.reduce((sum, v, d) => (DISTRICT_REGION_INDEX[d] === g ? sum + v : sum), 0));
      return base(16, 'persons aged 16+ (census broad age groups)', [broad], official);
    }
    case 'residence': {
      const broad = tableOf(tables, 'residence_by_broad_age');
      return base(16, 'persons aged 16+ (census broad age groups)', [broad], sixteenPlusShares(broad, RESIDENCES));
    }
    case 'sex':
    case 'ethnicity':
    case 'mother_tongue':
    case 'language_usually_spoken':
    case 'religion':
      return base(0, 'persons, all ages', [table], officialShares(tables, field));
    case 'education_level': {
      const official = officialShares(tables, field);
      const limits: Record<string, number> = {
        tertiary: 0,
        upper_secondary: share(10, 17, 17),
        vocational: share(10, 16, 17),
        lower_secondary: share(10, 14, 17),
      };
      return base(10, 'persons aged 10+', [table], official, {
        upper: categoriesOf(field).map((code, k) => limits[code] ?? official[k]!),
        facts: [SCHOOL_FACT],
      });
    }
    case 'marital_status': {
      const official = officialShares(tables, field);
      const married = share(15, 16, 17);
      return base(15, 'persons aged 15+', [table], official, {
        lower: categoriesOf(field).map((code) => (code === 'never_married' ? share(15, 15, 15) : 0)),
        upper: categoriesOf(field).map((code, k) => (code === 'never_married' ? official[k]! : married)),
        facts: [MARRIAGE_FACT],
      });
    }
    case 'employment_status': {
      const official = officialShares(tables, field);
      const rates = tableOf(tables, 'lfs_employment_rates');
      const unemployedTable = tableOf(tables, 'lfs_unemployed_by_age_sex');
      // The employed 20-64 are the published rate times the persons 20-64 (the model's own
      // denominators, as calibration uses them); the employed under 18 are at most the rest.
      const rate = (valueAt(rates, ['employment_rate_20_64_total']) ?? 0) / 100;
      const employedYouth = Math.max(0, official[0]! - rate * share(15, 20, 64));
      const cells = matrixOf(unemployedTable, VARIABLE_DOMAINS.lfs_age_group, SEXES).map((row) => row.map((v) => v ?? 0));
      const unemployedTotal = cells.flat().reduce((sum, v) => sum + v, 0);
      const unemployed1524 = cells[0]!.reduce((sum, v) => sum + v, 0);
      const limits: Record<string, number> = {
        employed: employedYouth,
        unemployed: unemployedTotal > 0 ? (official[1]! * unemployed1524) / unemployedTotal : official[1]!,
      };
      return base(15, 'persons aged 15+', [table, rates, unemployedTable], official, {
        upper: categoriesOf(field).map((code, k) => limits[code] ?? official[k]!),
        facts: [
          'LFS 2024: the employed under 18 are at most the employed 15+ less the employment rate 20-64 times the persons 20-64.',
          'LFS 2024: the unemployed under 18 are at most the unemployed 15-24.',
        ],
      });
    }
    default:
      return null;
  }
}

/** Targets for every compared field in the output universe of `scope`. */
export function fieldTargets(model: GenerationModel, snapshot: InputSnapshot, scope: Scope, where?: Where): FieldTarget[] {
  if (where !== undefined) return conditionalFieldTargets(model, snapshot, scope, where);
  const tables = snapshot.tables;
  const minAge = minAgeOf(scope);
  // Field masses by youngest age, computed once per age (the derivations read 0, 10, 15, 16, 18).
  const masses = new Map<number, Record<ComparedField, Float64Array>>();
  const massesAt = (age: number) => {
    let found = masses.get(age);
    if (found === undefined) masses.set(age, (found = fieldMasses(model.calibratedJoint, model.calibratedConditionals, age)));
    return found;
  };
  const implied = minAge > 0 ? massesAt(minAge) : null;
  const byAge = minAge > 0 ? massByAge(model.calibratedJoint) : null;
  const hasAgeSex = tables['age_sex_residence'] !== undefined;
  return COMPARED_FIELDS.map((field): FieldTarget => {
    const table = tableOf(tables, FIELD_TABLE[field]);
    const common = { field, universe: universeLabel(scope, field), categories: categoriesOf(field) };
    if (field === 'age_group') {
      // The census broad groups win over the pre-census estimate for the group totals; the
      // estimate gives the shape inside the groups (docs/method.md §1.1).
      const broad = tableOf(tables, 'district_by_broad_age');
      return {
        ...common,
        target_shares: normalise((implied ?? massesAt(0)).age_group),
        ...provenanceOf(broad),
        table_ids: [broad.id, 'residence_by_broad_age', table.id],
        derivation: `${minAge > 0 ? `ages ${minAge}+ of the ` : ''}census broad age groups by unit and area (sex-specific bounds 0-15 / 16-62 men, 16-59 women / 63+ men, 60+ women) with the 1 Jan 2024 single-age shape inside each group (calibrated model)`,
        model_dependence: null,
      };
    }
    if (implied === null) {
      return { ...common, target_shares: officialShares(tables, field), ...provenanceOf(table), table_ids: [table.id], derivation: null, model_dependence: null };
    }
    if (hasAgeSex && (field === 'sex' || field === 'residence')) {
      const source = tableOf(tables, 'age_sex_residence');
      return {
        ...common,
        target_shares: ageSexResidenceShares(source, field, minAge),
        ...provenanceOf(source),
        table_ids: [source.id],
        derivation: `age × sex × residence table restricted to ages ${minAge}+ (exact)`,
        model_dependence: null,
      };
    }
    const baseTable = byAge === null ? null : derivationBase(field, tables, byAge, massesAt);
    const derived = baseTable === null ? null : deriveAdultTarget(baseTable);
    if (derived !== null && baseTable !== null) {
      return {
        ...common,
        target_shares: derived.target_shares,
        provenance_class: 'modelled',
        trust: null,
        table_ids: [...baseTable.tableIds],
        derivation: `official ${baseTable.universe} less the calibrated model's split of its ages ${baseTable.minAge}-${YOUTH_MAX_AGE} (${(baseTable.youthShare * 100).toFixed(1)}% of it), held to the facts; no distribution consistent with the table and the facts is further than TVD ${derived.model_dependence.bound_tvd.toFixed(4)} from it`,
        model_dependence: derived.model_dependence,
      };
    }
    return {
      ...common,
      target_shares: normalise(implied[field]),
      provenance_class: 'modelled',
      trust: null,
      table_ids: [table.id],
      derivation: `share among ages ${minAge}+ implied by the calibrated all-ages model (official margins, modelled age structure); the part of the universe under ${ADULT_MIN_AGE} is itself modelled`,
      model_dependence: null,
    };
  });
}

/**
 * Targets of a conditional run: each field's shares within the condition (and scope) as the
 * calibrated model implies them. No official table publishes an arbitrary sub-population, so
 * every one is `modelled`; the derivation names the condition and the tables behind the margins.
 */
function conditionalFieldTargets(model: GenerationModel, snapshot: InputSnapshot, scope: Scope, where: Where): FieldTarget[] {
  const minAge = minAgeOf(scope);
  const joint = conditionedJoint(model.calibratedJoint, conditionWeights(where, model.calibratedConditionals.age85Plus));
  const masses = fieldMasses(joint, model.calibratedConditionals, minAge);
  const condition = describeWhere(where);
  return COMPARED_FIELDS.map((field): FieldTarget => {
    const table = tableOf(snapshot.tables, FIELD_TABLE[field]);
    return {
      field,
      universe: `${universeLabel(scope, field)}, where ${condition}`,
      categories: categoriesOf(field),
      target_shares: normalise(masses[field]),
      provenance_class: 'modelled',
      trust: null,
      table_ids: [table.id],
      derivation: `share within where (${condition})${minAge > 0 ? `, ages ${minAge}+,` : ''} implied by the calibrated model (its margins are the official tables; no table publishes this sub-population)`,
      model_dependence: null,
    };
  });
}

/** Observed counts of each compared field, aligned to its target categories. */
export function observedCounts(counts: ShardCounts): Record<ComparedField, number[]> {
  const usual = new Array<number>(USUAL_PUBLISHED.length).fill(0);
  counts.language_usually_spoken.forEach((count, l) => (usual[publishedLanguageIndex(l)]! += count));
  return Object.fromEntries(
    COMPARED_FIELDS.map((field) => [field, field === 'language_usually_spoken' ? usual : Array.from(counts[field])]),
  ) as Record<ComparedField, number[]>;
}
