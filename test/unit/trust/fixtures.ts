// Builders of trust-evaluator inputs for tests: a clean run that passes every gate, and small
// edits that make one thing wrong at a time. Categories are synthetic (the evaluator is generic
// over categories), with shares chosen so exact counts exist at n = 1000.
import type { ProvenanceClass } from '../../../src/census/census-table.js';
import type { Profile } from '../../../src/domain/request.js';
import { COMPARED_FIELDS, type ComparedField } from '../../../src/domain/fields.js';
import {
  type CalibrationDiagnostics,
  CONSISTENCY_RULES,
  type EvaluationInput,
  PLAUSIBILITY_RULE_IDS,
  type FieldTarget,
  type TableProvenance,
} from '../../../src/trust/evaluation-input.js';
import type { NarrativeRunStats } from '../../../src/domain/persona.js';
import { PROFILE_DETAILS } from '../../../src/domain/profiles.js';
import { GATES, type GateCode, type GateDefinition } from '../../../src/trust/gate-table.js';

export const N = 1000;

/** A gate's row of the table, widened to the common shape (severity, priority, recommendation…). */
export const definitionOf = (code: GateCode): GateDefinition => GATES[code];

/** Binary sex; every other field three categories at 50 / 30 / 20 %. */
export function sharesOf(field: ComparedField): number[] {
  return field === 'sex' ? [0.5, 0.5] : [0.5, 0.3, 0.2];
}

export function categoriesOf(field: ComparedField): string[] {
  return field === 'sex' ? ['female', 'male'] : ['a', 'b', 'c'].map((suffix) => `${field}_${suffix}`);
}

export function exactCounts(shares: readonly number[], n: number): number[] {
  return shares.map((share) => Math.round(share * n));
}

export function target(field: ComparedField, provenance: ProvenanceClass = 'official_snapshot'): FieldTarget {
  return {
    field,
    universe: 'all ages',
    categories: categoriesOf(field),
    target_shares: sharesOf(field),
    provenance_class: provenance,
    table_ids: [field],
    trust: provenance === 'modelled' ? null : 'A',
    derivation: provenance === 'modelled' ? 'adult share derived with a modelled age structure' : null,
    model_dependence: null,
  };
}

export function table(id: string, overrides: Partial<TableProvenance> = {}): TableProvenance {
  return {
    table_id: id,
    provenance_class: 'official_snapshot',
    trust: 'A',
    reference_date: '2024-04-08',
    retrieved: '2025-10-20',
    fetched_at: null,
    age_days: null,
    periodic: false,
    source_table_id: `NBS ${id}`,
    content_hash: `sha256:${'0'.repeat(63)}1`,
    rounding_half_unit: 0,
    published: null,
    vintage: overrides.periodic === true ? CURRENT_VINTAGE : NOT_PERIODIC,
    ...overrides,
  };
}

/** A periodic series whose next vintage is neither seen nor due. */
export const CURRENT_VINTAGE: TableProvenance['vintage'] = {
  status: 'current',
  next_vintage: 'the 1 January 2025 estimate',
  next_release_expected_by: null,
  statement: 'Current.',
};
export const SUPERSEDED_VINTAGE: TableProvenance['vintage'] = { ...CURRENT_VINTAGE, status: 'superseded', statement: 'Superseded.' };
export const OVERDUE_VINTAGE: TableProvenance['vintage'] = {
  ...CURRENT_VINTAGE,
  status: 'expected_superseded',
  next_release_expected_by: '2026-05-31',
  statement: 'Expected superseded by 2026-05-31, not verified.',
};
const NOT_PERIODIC: TableProvenance['vintage'] = { status: 'not_periodic', next_vintage: null, next_release_expected_by: null, statement: 'Not periodic.' };

export function cleanCalibration(n: number = N): CalibrationDiagnostics {
  return {
    applied: true,
    iterations: 12,
    converged: true,
    max_residual: 1e-9,
    tolerance: 1e-6,
    max_iterations: 1000,
    ess: 0.95 * n,
    ess_ratio: 0.95,
    information_loss: 0.05,
    max_weight: 2,
    mean_weight: 1,
    max_mean_weight_ratio: 2,
    top5_weight_share: 0.08,
  };
}

export function cleanNarratives(provider: 'template' | 'llm', total = N): NarrativeRunStats {
  return {
    provider,
    total,
    generated: provider === 'llm' ? total : 0,
    template: provider === 'template' ? total : 0,
    failed: 0,
    withheld: 0,
    missing: 0,
    mock_ratio: 0,
    pii_count: 0,
    schema_invalid_ratio: 0,
    parse_failure_ratio: 0,
    too_short: 0,
    too_long: 0,
    language_invalid: 0,
    pronoun_mismatch: 0,
    name_missing: 0,
    contradiction: 0,
    reasons: {},
  };
}

/**
 * The documented PASS conditions: every target official (snapshot), no source stale, no fetch,
 * calibration converged with a high ESS, exact marginals and joints, no violation, narratives
 * (when the profile's default asks for them) all valid from the requested provider.
 */
export function cleanInput(profile: Profile, n: number = N): EvaluationInput {
  const provider = PROFILE_DETAILS[profile].narratives_default;
  const scale = (counts: readonly number[]) => counts.map((count) => (count * n) / N);
  const base: EvaluationInput = {
    request: { n, profile, seed: 42, strict: false, scope: 'all', use_ipf: true, traits: false, narratives: { provider } },
    snapshot_hash: `sha256:${'a'.repeat(64)}`,
    generator_version: '0.1.0',
    requested_generator_version: null,
    pxweb_mode: 'off',
    llm_configured: false,
    field_targets: COMPARED_FIELDS.map((field) => target(field)),
    tables: [
      table('sex'),
      table('ethnicity_by_residence'),
      table('age_single', { periodic: true, reference_date: '2024-01-01' }),
    ],
    fetch_log: [],
    n_generated: n,
    field_observed: Object.fromEntries(COMPARED_FIELDS.map((field) => [field, exactCounts(sharesOf(field), n)])),
    joint_checks: [
      {
        id: 'ethnicity_by_residence',
        row_field: 'residence',
        col_field: 'ethnicity',
        rows: ['urban', 'rural'],
        cols: categoriesOf('ethnicity'),
        target_row_shares: [
          [0.6, 0.3, 0.1],
          [0.4, 0.3, 0.3],
        ],
        observed_counts: [scale([300, 150, 50]), scale([200, 150, 150])],
        provenance_class: 'official_snapshot',
        table_ids: ['ethnicity_by_residence'],
      },
      {
        id: 'ethnicity_by_region',
        row_field: 'region',
        col_field: 'ethnicity',
        rows: ['region_a', 'region_b', 'region_c'],
        cols: categoriesOf('ethnicity'),
        target_row_shares: [[0.9, null, null], null, [null, 0.2, null]],
        observed_counts: [scale([360, 30, 10]), scale([100, 100, 100]), scale([100, 60, 140])],
        provenance_class: 'secondary',
        table_ids: ['ethnicity_by_region_partial'],
      },
    ],
    calibration: cleanCalibration(n),
    consistency: Object.fromEntries(CONSISTENCY_RULES.map((rule) => [rule, 0])) as EvaluationInput['consistency'],
    plausibility: Object.fromEntries(PLAUSIBILITY_RULE_IDS.map((id) => [id, { count: 0, denominator: 0 }])) as EvaluationInput['plausibility'],
    duplicate_ids: 0,
    duplicate_records: 0,
    ethnocultural_fallbacks: [],
    narratives: provider === 'none' ? null : cleanNarratives(provider, n),
    system: { timed_out: false, memory_exceeded: false, checkpoint_corrupt: false },
  };
  return base;
}

export function withTargets(input: EvaluationInput, classes: Partial<Record<ComparedField, ProvenanceClass>>): EvaluationInput {
  return {
    ...input,
    field_targets: input.field_targets.map((entry) => {
      const provenance = classes[entry.field];
      return provenance === undefined ? entry : target(entry.field, provenance);
    }),
  };
}

export function withObserved(input: EvaluationInput, field: ComparedField, counts: readonly number[], shares?: readonly number[]): EvaluationInput {
  return {
    ...input,
    field_observed: { ...input.field_observed, [field]: counts },
    field_targets:
      shares === undefined
        ? input.field_targets
        : input.field_targets.map((entry) =>
            entry.field === field ? { ...entry, target_shares: shares, categories: shares.map((_, i) => `${field}_${i}`) } : entry,
          ),
  };
}

export function withRequest(input: EvaluationInput, request: Partial<EvaluationInput['request']>): EvaluationInput {
  return { ...input, request: { ...input.request, ...request } };
}

/**
 * What the embedded snapshot gives with no network for an adult (18+) output: the age structure
 * comes from the official single-year estimate; every other target needs a modelled adult
 * derivation from all-ages, 10+ or 15+ tables (SPEC §4 "Scope").
 */
export const OFFLINE_ADULT_CLASSES: Record<ComparedField, ProvenanceClass> = {
  sex: 'modelled',
  age_group: 'official_snapshot',
  region: 'modelled',
  district: 'modelled',
  residence: 'modelled',
  ethnicity: 'modelled',
  mother_tongue: 'modelled',
  language_usually_spoken: 'modelled',
  religion: 'modelled',
  marital_status: 'modelled',
  education_level: 'modelled',
  employment_status: 'modelled',
  inactivity_reason: 'modelled',
  economic_sector: 'modelled',
};

export function offlineAdultInput(profile: Profile): EvaluationInput {
  const input = cleanInput(profile);
  return withTargets(
    withRequest(input, { scope: 'adults', strict: PROFILE_DETAILS[profile].strict_default }),
    OFFLINE_ADULT_CLASSES,
  );
}
