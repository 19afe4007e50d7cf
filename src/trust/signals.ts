/**
 * The payload's `signals` (SPEC §9): measures as JSON numbers, null only where not applicable
 * (nothing generated yet, no calibration, no narratives requested). Beyond the listed keys,
 * `provenance_by_field` discloses every compared field's provenance class (how analysis_only
 * discloses the modelled targets it does not gate), and the drift extremes are given.
 */
import type { z } from 'zod';
import type { EvaluationInput, PreflightInput } from './evaluation-input.js';
import { isPxwebTable } from './gates/preflight-gates.js';
import type { RunMeasurements } from './measurements.js';
import type { ProvenanceSummary } from './provenance-summary.js';
import { CONSISTENCY_RULES, PLAUSIBILITY_RULES } from './evaluation-input.js';
import type { TrustSignalsSchema } from './payload-schema.js';

/** The payload's `signals` (SPEC §9): the contract's schema is its type. */
export type TrustSignals = z.infer<typeof TrustSignalsSchema>;

function pxwebCacheAgeDays(input: PreflightInput): number | null {
  const ages = input.tables.filter(isPxwebTable).flatMap((table) => (table.age_days === null ? [] : [table.age_days]));
  return ages.length === 0 ? null : Math.max(...ages);
}

function dataVintages(input: PreflightInput): Record<string, string> {
  const ids = input.tables.map((table) => table.table_id).sort();
  const byId = new Map(input.tables.map((table) => [table.table_id, table.reference_date]));
  return Object.fromEntries(ids.map((id) => [id, byId.get(id) ?? '']));
}

/** Vintage status of every table the run used (the same keys as data_vintages). */
function dataVintageStatus(input: PreflightInput): TrustSignals['data_vintage_status'] {
  const sorted = [...input.tables].sort((a, b) => (a.table_id < b.table_id ? -1 : a.table_id > b.table_id ? 1 : 0));
  return Object.fromEntries(sorted.map((table) => [table.table_id, table.vintage.status]));
}

function plausibilitySignals(input: EvaluationInput): NonNullable<TrustSignals['plausibility']> {
  return Object.fromEntries(
    PLAUSIBILITY_RULES.map((rule) => {
      const { count, denominator } = input.plausibility[rule.id];
      return [rule.id, { count, denominator, rate: denominator > 0 ? count / denominator : null, limit: rule.limit }];
    }),
  ) as NonNullable<TrustSignals['plausibility']>;
}

export function buildSignals(
  input: PreflightInput | EvaluationInput,
  provenance: ProvenanceSummary,
  measurements: RunMeasurements | null,
): TrustSignals {
  const after = 'n_generated' in input && measurements !== null ? input : null;
  const calibration = after?.calibration?.applied === true ? after.calibration : null;
  const narratives = after !== null && input.request.narratives.provider !== 'none' ? after.narratives : null;
  return {
    provenance_coverage_critical: provenance.coverage_critical,
    targets_source: provenance.targets_source,
    pxweb_cache_age_days: pxwebCacheAgeDays(input),
    ess_ratio: calibration?.ess_ratio ?? null,
    information_loss: calibration?.information_loss ?? null,
    mean_l1_error: measurements?.mean_l1_error ?? null,
    max_l1_error: measurements?.max_l1_error ?? null,
    max_category_error: measurements?.max_category_error ?? null,
    max_joint_tvd: measurements?.max_joint_tvd ?? null,
    fallback_ratio_super_critical: provenance.fallback_ratio_super_critical,
    fallback_ratio_critical: provenance.fallback_ratio_critical,
    narrative_mock_ratio: narratives?.mock_ratio ?? null,
    narrative_pii_count: narratives?.pii_count ?? null,
    consistency_violations: after === null ? null : CONSISTENCY_RULES.reduce((sum, rule) => sum + after.consistency[rule], 0),
    duplicate_ids: after?.duplicate_ids ?? null,
    n_requested: input.request.n,
    n_generated: after?.n_generated ?? 0,
    data_vintages: dataVintages(input),
    provenance_by_field: Object.fromEntries(provenance.fields.map((entry) => [entry.field, entry.provenance_class])),
    max_js_divergence_bits: measurements?.max_js_divergence_bits ?? null,
    min_chi_square_p_value: measurements?.min_chi_square_p_value ?? null,
    data_vintage_status: dataVintageStatus(input),
    duplicate_record_share: after === null || after.n_generated === 0 ? null : after.duplicate_records / after.n_generated,
    plausibility: after === null ? null : plausibilitySignals(after),
  };
}
