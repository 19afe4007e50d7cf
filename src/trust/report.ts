/**
 * Builds the trust report (SPEC §6) from the evaluator's input and result: marginals per field
 * with target and actual shares and every metric, joint checks row by row, consistency counts,
 * every plausibility rule with its counts, limit and reason, duplicate ids, calibration diagnostics, provenance per field and per table, the PxWeb fetch
 * log, narrative statistics and the gate details. Pure: the time is an argument.
 */
import { CONSISTENCY_RULES, PLAUSIBILITY_RULES, type EvaluationInput, type PreflightInput, type PyramidCheck } from './evaluation-input.js';
import { flaggedText, populationText } from '../generation/plausibility.js';
import type { TrustEvaluation } from './evaluate.js';
import { staleTables } from './gates/preflight-gates.js';
import type { RunMeasurements } from './measurements.js';
import { measurePlausibility } from './plausibility.js';
import { fieldCriticality, isFallbackClass } from './provenance-summary.js';
import { REPORT_VERSION, type TrustReport } from './report-schema.js';
import type { ModelDependence } from '../generation/model-dependence.js';

export interface ReportRunInfo {
  readonly run_id: string;
  /** UTC ISO 8601 time the report was built. */
  readonly generated_at: string;
}

function marginalsOf(measurements: RunMeasurements): TrustReport['marginals'] {
  return {
    fields: measurements.fields.map((field) => ({
      id: field.id,
      field: field.field,
      criticality: field.criticality,
      n: field.n,
      categories: field.categories.map((category, index) => ({
        category,
        target_share: field.target_shares[index] ?? 0,
        actual_share: field.actual_shares?.[index] ?? null,
        observed_count: field.observed_counts[index] ?? 0,
      })),
      l1_error: field.l1_error,
      tvd: field.tvd,
      max_category_error: field.max_category_error,
      max_category_error_limit: field.max_category_error_limit,
      js_divergence_bits: field.js_divergence_bits,
      chi_square: field.chi_square === null ? null : { ...field.chi_square },
      expected_sampling_l1: field.expected_sampling_l1,
      expected_sampling_tvd: field.expected_sampling_tvd,
      floor: field.floor,
      allowance: field.allowance,
      threshold: field.threshold,
      critical_threshold: field.critical_threshold,
    })),
    mean_l1_error: measurements.mean_l1_error,
    mean_l1_error_limit: measurements.mean_l1_error_limit,
    max_l1_error: measurements.max_l1_error,
    max_l1_field: measurements.max_l1_field,
    max_category_error: measurements.max_category_error,
    max_category_field: measurements.max_category_field,
    max_js_divergence_bits: measurements.max_js_divergence_bits,
    min_chi_square_p_value: measurements.min_chi_square_p_value,
  };
}

function modelDependenceOf(dependence: ModelDependence | null): TrustReport['provenance']['fields'][number]['model_dependence'] {
  if (dependence === null) return null;
  return {
    ...dependence,
    base_table_ids: [...dependence.base_table_ids],
    lower_shares: [...dependence.lower_shares],
    upper_shares: [...dependence.upper_shares],
    facts: [...dependence.facts],
  };
}

/** Why a field's target is not an official figure for the run's universe. */
function lackingReason(target: PreflightInput['field_targets'][number] | undefined): string {
  if (target === undefined) return 'no target';
  if (target.provenance_class === 'secondary') return `the figures of ${target.table_ids.join(', ')} are secondary (partial or preliminary)`;
  const dependence = target.model_dependence;
  if (dependence === null) return `no official table of this universe: the target is ${target.derivation ?? 'modelled'}`;
  const tolerance = dependence.tolerance_tvd === null ? 'the check\'s tolerance' : `the check's tolerance ${dependence.tolerance_tvd.toFixed(4)}`;
  return `an official table for this universe: derived from ${dependence.base_universe} (${dependence.base_table_ids.join(', ')}), the target can depend on the model by up to TVD ${dependence.bound_tvd.toFixed(4)}, beyond ${tolerance} at this n`;
}

function provenanceOf(input: PreflightInput, evaluation: TrustEvaluation): TrustReport['provenance'] {
  const stale = new Set(staleTables(evaluation.profile, input.tables).map((table) => table.table_id));
  const targets = new Map(input.field_targets.map((target) => [target.field, target]));
  return {
    fields: evaluation.provenance.fields.map((entry) => {
      const target = targets.get(entry.field);
      return {
        field: entry.field,
        criticality: fieldCriticality(entry.field),
        universe: target?.universe ?? '',
        provenance_class: entry.provenance_class,
        is_fallback: isFallbackClass(entry.provenance_class),
        trust: target?.trust ?? null,
        table_ids: [...(target?.table_ids ?? [])],
        derivation: target?.derivation ?? null,
        categories: [...(target?.categories ?? [])],
        target_shares: [...(target?.target_shares ?? [])],
        model_dependence: modelDependenceOf(target?.model_dependence ?? null),
      };
    }),
    tables: [...input.tables]
      .sort((a, b) => (a.table_id < b.table_id ? -1 : a.table_id > b.table_id ? 1 : 0))
      .map((table) => ({ ...table, stale: stale.has(table.table_id) })),
    targets_source: evaluation.provenance.targets_source,
    fallback_ratio_super_critical: evaluation.provenance.fallback_ratio_super_critical,
    fallback_ratio_critical: evaluation.provenance.fallback_ratio_critical,
    modelled_fields: [...evaluation.provenance.modelled_fields],
    secondary_fields: [...evaluation.provenance.secondary_fields],
    lacking_official_figures: evaluation.provenance.fields
      .filter((entry) => isFallbackClass(entry.provenance_class))
      .map((entry) => {
        const target = targets.get(entry.field);
        return { field: entry.field, universe: target?.universe ?? '', criticality: entry.criticality, reason: lackingReason(target) };
      }),
  };
}

/** Every plausibility rule, measured, with its declaration (what it flags, over whom, why its limit). */
function plausibilityOf(input: EvaluationInput): NonNullable<TrustReport['plausibility']> {
  const measured = measurePlausibility(input);
  return {
    alpha: measured.alpha,
    rules_measured: measured.rules_measured,
    p_value_limit: measured.p_value_limit,
    rules: PLAUSIBILITY_RULES.map((rule, i) => {
      const m = measured.rules[i]!;
      return {
        id: rule.id,
        description: rule.description,
        population: populationText(rule.population),
        flagged: flaggedText(rule.flagged),
        count: m.count,
        denominator: m.denominator,
        rate: m.rate,
        limit: m.limit,
        p_value: m.p_value,
        exceeded: m.exceeded,
        reason: rule.reason,
      };
    }),
  };
}

/** Age group × sex, target shares against the output's (shares of the whole run). */
function pyramidOf(pyramid: PyramidCheck | null, n: number): TrustReport['population_pyramid'] {
  if (pyramid === null) return null;
  return {
    provenance_class: pyramid.provenance_class,
    table_ids: [...pyramid.table_ids],
    derivation: pyramid.derivation,
    n,
    rows: pyramid.age_groups.map((age_group, g) => ({
      age_group,
      cells: pyramid.sexes.map((sex, s) => {
        const observed = pyramid.observed_counts[g]?.[s] ?? 0;
        return { sex, target_share: pyramid.target_shares[g]?.[s] ?? 0, actual_share: n > 0 ? observed / n : null, observed_count: observed };
      }),
    })),
  };
}

/** The sections that exist only once a dataset was generated. */
function afterSampling(input: PreflightInput | EvaluationInput, evaluation: TrustEvaluation) {
  if (evaluation.stage === 'preflight' || evaluation.measurements === null || !('n_generated' in input)) {
    return { marginals: null, joint_checks: null, population_pyramid: null, drift_thresholds: null, consistency: null, plausibility: null, duplicate_ids: null, calibration: null, narratives: null, ethnocultural_fallbacks: null, system: null, n_generated: 0 };
  }
  const rules = Object.fromEntries(CONSISTENCY_RULES.map((rule) => [rule, input.consistency[rule]])) as Record<(typeof CONSISTENCY_RULES)[number], number>;
  return {
    marginals: marginalsOf(evaluation.measurements),
    joint_checks: evaluation.measurements.joint_checks.map((joint) => ({
      ...joint,
      table_ids: [...joint.table_ids],
      rows: joint.rows.map((row) => ({ ...row, cells: row.cells.map((cell) => ({ ...cell })) })),
    })),
    population_pyramid: pyramidOf(input.pyramid ?? null, input.n_generated),
    drift_thresholds: evaluation.measurements.drift_thresholds === null ? null : { ...evaluation.measurements.drift_thresholds },
    consistency: { total: CONSISTENCY_RULES.reduce((sum, rule) => sum + rules[rule], 0), rules },
    plausibility: plausibilityOf(input),
    duplicate_ids: input.duplicate_ids,
    calibration: input.calibration === null ? null : { ...input.calibration },
    narratives: input.request.narratives.provider === 'none' || input.narratives === null ? null : { ...input.narratives, reasons: { ...input.narratives.reasons } },
    ethnocultural_fallbacks: input.ethnocultural_fallbacks.map((entry) => ({ ...entry })),
    system: { ...input.system },
    n_generated: input.n_generated,
  };
}

export function buildTrustReport(input: PreflightInput | EvaluationInput, evaluation: TrustEvaluation, run: ReportRunInfo): TrustReport {
  const after = afterSampling(input, evaluation);
  const report: TrustReport = {
    report_version: REPORT_VERSION,
    run_id: run.run_id,
    generated_at: run.generated_at,
    stage: evaluation.stage,
    profile: evaluation.profile,
    strict_mode: evaluation.strict,
    scope: input.request.scope,
    n_requested: input.request.n,
    n_generated: after.n_generated,
    config_hash: evaluation.config_hash,
    decision: {
      decision: evaluation.decision,
      quality_tier: evaluation.quality_tier,
      confidence: evaluation.confidence,
      base_confidence: evaluation.base_confidence,
      confidence_factors: [...evaluation.confidence_factors],
      caps_applied: [...evaluation.caps_applied],
      monotonicity_applied: evaluation.monotonicity_applied,
      gate_codes: [...evaluation.gate_codes],
      recommendations: [...evaluation.recommendations],
      hard_gates_triggered: evaluation.hard_gates_triggered,
      should_escalate: evaluation.should_escalate,
      escalation_priority: evaluation.escalation_priority,
      dataset_withheld: evaluation.withhold_dataset,
    },
    gate_details: evaluation.gate_code_details.map((detail) => ({ ...detail })),
    marginals: after.marginals,
    joint_checks: after.joint_checks,
    population_pyramid: after.population_pyramid,
    drift_thresholds: after.drift_thresholds,
    consistency: after.consistency,
    plausibility: after.plausibility,
    duplicate_ids: after.duplicate_ids,
    calibration: after.calibration,
    provenance: provenanceOf(input, evaluation),
    pxweb: { mode: input.pxweb_mode, fetch_log: input.fetch_log.map((attempt) => ({ ...attempt })) },
    narratives: after.narratives,
    ethnocultural_fallbacks: after.ethnocultural_fallbacks,
    system: after.system,
    signals: JSON.parse(JSON.stringify(evaluation.signals)) as TrustReport['signals'],
  };
  // Built to the schema's type; tests check built reports against the schema (random inputs too) and
  // every served one against the contract, so a run does not re-parse it (~1 ms each on the hot path).
  return report;
}
