/**
 * The trust report (SPEC §6) as a strict zod schema: everything measured about a run in one
 * document, for `GET /v1/runs/{run_id}/report` and for people. Measures are JSON numbers; a
 * section is null where it does not apply (e.g. nothing was generated because strict preflight
 * stopped the run).
 */
import { z } from 'zod';
import { PROVENANCE_CLASSES, PublicationSchema, TableVintageSchema, TARGET_PROVENANCE_CLASSES, TRUST_LEVELS } from '../census/census-table.js';
import { PROFILES, PXWEB_MODES, SCOPES } from '../domain/request.js';
import { COMPARED_FIELDS } from '../domain/fields.js';
import { AGE_GROUPS, SEXES } from '../domain/categories.js';
import { CONSISTENCY_RULES, PLAUSIBILITY_RULE_IDS } from './evaluation-input.js';
import { NarrativeRunStatsSchema } from '../domain/persona.js';
import { CONFIDENCE_LEVELS } from './confidence.js';
import { DECISIONS } from './decision.js';
import { CONFIDENCE_FACTOR_NAMES, GATE_CODES } from './gate-table.js';
import { GateDetailSchema, Sha256Schema, TrustSignalsSchema } from './payload-schema.js';
import { QUALITY_TIER_VALUES } from './quality-tier.js';

export const REPORT_VERSION = '1.0';

const measure = z.number().nullable();
const provenanceClass = z.enum(PROVENANCE_CLASSES);
const targetProvenanceClass = z.enum(TARGET_PROVENANCE_CLASSES);

/** How far an adult target derived from a wider official table can depend on the model (decision 0006). */
export const ModelDependenceSchema = z
  .strictObject({
    base_universe: z.string().describe('The universe of the official table the adult target is derived from.'),
    base_table_ids: z.array(z.string()),
    youth_share: z.number().min(0).max(1).describe('Share of the base universe under 18 (calibrated age structure).'),
    lower_shares: z.array(z.number()).describe('Per category: the lowest adult share consistent with the base table and the facts.'),
    upper_shares: z.array(z.number()).describe('Per category: the highest adult share consistent with the base table and the facts.'),
    bound_tvd: z.number().min(0).describe('B: the largest TVD between the target and any adult distribution consistent with the base table and the facts.'),
    facts: z.array(z.string()).describe('The facts that limit the under-18 part of the base universe.'),
    base_trust: z.enum(TRUST_LEVELS),
    tolerance_tvd: z
      .number()
      .min(0)
      .nullable()
      .describe('The sampling tolerance c(α, M)·E[TVD] of the field\'s check at this run\'s n: B within it makes the target official_derived.'),
  })
  .describe('An adult target derived from an all-ages, 10+, 15+ or 16+ official table.');
const criticality = z.enum(['super_critical', 'critical', 'ordinary']);

export const CalibrationDiagnosticsSchema = z.strictObject({
  applied: z.boolean(),
  iterations: z.number().int().min(0),
  converged: z.boolean(),
  max_residual: z.number(),
  tolerance: z.number(),
  max_iterations: z.number().int().min(0),
  ess: measure,
  ess_ratio: measure,
  information_loss: measure,
  max_weight: measure,
  mean_weight: measure,
  max_mean_weight_ratio: measure,
  top5_weight_share: measure,
});

export const TableProvenanceSchema = z.strictObject({
  table_id: z.string(),
  provenance_class: provenanceClass,
  trust: z.enum(TRUST_LEVELS),
  reference_date: z.string(),
  retrieved: z.string(),
  fetched_at: z.string().nullable(),
  age_days: measure,
  periodic: z.boolean(),
  source_table_id: z.string(),
  content_hash: z.string(),
  rounding_half_unit: z
    .number()
    .min(0)
    .describe('Half the rounding unit of one published cell, as a share of its base (0: exact counts); drift floors are built from it.'),
  published: PublicationSchema.nullable().describe('When the publisher released the figures, at the precision the sources give (null: a model or a PxWeb table).'),
  vintage: TableVintageSchema.describe('Where the table stands in its series: superseded or not, by its reference period and release cycle.'),
});

export const PxwebFetchAttemptSchema = z.strictObject({
  table_id: z.string(),
  pxweb_table: z.string(),
  started_at: z.string(),
  outcome: z.enum(['ok', 'http_error', 'timeout', 'network_error', 'schema_drift', 'circuit_open', 'skipped']),
  status: z.number().int().nullable(),
  attempts: z.number().int().min(0),
  duration_ms: z.number().min(0),
  message: z.string().nullable(),
});

/** What a compared row's drift threshold is made of (docs/trust.md §5.2). */
const rowThreshold = {
  expected_sampling_tvd: measure.describe('E[TVD] of a multinomial sample of the row\'s n from its target (exact, de Moivre).'),
  floor: z.number().min(0).describe('Rounding of the published figures: (K − 1) × half the rounding unit; 0 for a modelled target.'),
  allowance: z.number().min(0).describe('Reviewed conflict allowance of the row (src/trust/conflict-allowances.ts); 0 for a modelled target.'),
  threshold: measure.describe('The threshold the TVD is gated against: c(α, M)·expected_sampling_tvd + floor + allowance.'),
  critical_threshold: measure.describe('The hard threshold (critical_factor × threshold; hard for marginals only).'),
};

const MarginalSchema = z.strictObject({
  id: z.enum(COMPARED_FIELDS).describe('The check\'s id: the field.'),
  field: z.enum(COMPARED_FIELDS),
  criticality,
  n: z.number().min(0),
  categories: z.array(
    z.strictObject({ category: z.string(), target_share: z.number(), actual_share: measure, observed_count: z.number().min(0) }),
  ),
  l1_error: measure,
  tvd: measure,
  max_category_error: measure,
  max_category_error_limit: measure.describe('No longer gated (the field\'s TVD is, against threshold): null.'),
  js_divergence_bits: measure,
  chi_square: z
    .strictObject({ statistic: z.number(), degrees_of_freedom: z.number().int().min(0), p_value: z.number(), pooled_categories: z.number().int().min(0) })
    .nullable(),
  expected_sampling_l1: measure,
  ...rowThreshold,
});

const JointCheckReportSchema = z.strictObject({
  id: z.string(),
  row_field: z.enum(COMPARED_FIELDS),
  col_field: z.enum(COMPARED_FIELDS),
  provenance_class: provenanceClass,
  table_ids: z.array(z.string()),
  max_row_tvd: measure,
  worst_row: z.string().nullable(),
  rows: z.array(
    z.strictObject({
      row: z.string(),
      n: z.number().min(0),
      published_cells: z.number().int().min(0),
      pooled_rest: z.boolean(),
      cells: z
        .array(z.strictObject({ category: z.string(), target_share: z.number(), actual_share: measure, observed_count: z.number().min(0) }))
        .describe('The cells compared: the published ones, then the pooled rest ("(rest)") of a partial row.'),
      tvd: measure,
      ...rowThreshold,
      limit: measure.describe('The threshold the row was gated against (same as threshold).'),
      p_value: measure.describe('Chi-square goodness-of-fit p-value of the row against its target.'),
    }),
  ),
});

const PlausibilityReportSchema = z.strictObject({
  alpha: z.number().describe('Probability that a generator whose every rate is at its limit warns by chance.'),
  rules_measured: z.number().int().min(0).describe('R: the rules whose population is not empty, tested together.'),
  p_value_limit: z.number().describe('α / R: a rule over its limit must also fall below this binomial p-value to fire.'),
  rules: z.array(
    z.strictObject({
      id: z.enum(PLAUSIBILITY_RULE_IDS),
      description: z.string(),
      population: z.string().describe('The persons the rate is taken over (the denominator).'),
      flagged: z.string().describe('What the rule flags among them (the numerator).'),
      count: z.number().int().min(0),
      denominator: z.number().int().min(0),
      rate: measure.describe('count / denominator; null when the population is empty.'),
      limit: z.number().min(0).max(1).describe('The documented limit (a decision, not an official figure).'),
      p_value: measure.describe('P(X ≥ count), X ~ Binomial(denominator, limit); null when the population is empty.'),
      exceeded: z.boolean().describe('rate > limit and p_value < p_value_limit: PLAUSIBILITY_RULE_EXCEEDED fired for the rule.'),
      reason: z.string().describe('The facts the limit rests on.'),
    }),
  ),
});

export const TrustReportSchema = z.strictObject({
  report_version: z.literal(REPORT_VERSION),
  run_id: z.string(),
  generated_at: z.iso.datetime(),
  stage: z.enum(['preflight', 'final']),
  profile: z.enum(PROFILES),
  strict_mode: z.boolean(),
  scope: z.enum(SCOPES),
  n_requested: z.number().int().min(0),
  n_generated: z.number().int().min(0),
  config_hash: Sha256Schema,
  decision: z.strictObject({
    decision: z.enum(DECISIONS),
    quality_tier: z.enum(QUALITY_TIER_VALUES),
    confidence: z.enum(CONFIDENCE_LEVELS),
    base_confidence: z.enum(CONFIDENCE_LEVELS),
    confidence_factors: z.array(z.enum(CONFIDENCE_FACTOR_NAMES)),
    caps_applied: z.array(z.string()),
    monotonicity_applied: z.boolean(),
    gate_codes: z.array(z.enum(GATE_CODES)).min(1),
    recommendations: z.array(z.string()).min(1),
    hard_gates_triggered: z.boolean(),
    should_escalate: z.boolean(),
    escalation_priority: z.number().int().min(1).max(10),
    dataset_withheld: z.boolean(),
  }),
  gate_details: z.array(GateDetailSchema),
  marginals: z
    .strictObject({
      fields: z.array(MarginalSchema),
      mean_l1_error: measure,
      mean_l1_error_limit: measure.describe('No longer gated: null.'),
      max_l1_error: measure,
      max_l1_field: z.enum(COMPARED_FIELDS).nullable(),
      max_category_error: measure,
      max_category_field: z.enum(COMPARED_FIELDS).nullable(),
      max_js_divergence_bits: measure,
      min_chi_square_p_value: measure,
    })
    .nullable(),
  joint_checks: z.array(JointCheckReportSchema).nullable(),
  population_pyramid: z
    .strictObject({
      provenance_class: provenanceClass.describe('Of the target: official only when a single age × sex table was read and the run has no condition or scope.'),
      table_ids: z.array(z.string()),
      derivation: z.string(),
      n: z.number().int().min(0),
      rows: z.array(
        z.strictObject({
          age_group: z.enum(AGE_GROUPS),
          cells: z.array(
            z.strictObject({
              sex: z.enum(SEXES),
              target_share: z.number().min(0).max(1).describe('Share of the whole run the calibrated model gives this age group and sex.'),
              actual_share: measure,
              observed_count: z.number().int().min(0),
            }),
          ),
        }),
      ),
    })
    .nullable()
    // Optional: reports stored before it was added (report_version 1.0 too) lack it and stay valid.
    .optional()
    .describe('Five-year age group × sex of the output against the calibrated model (the report\'s pyramid). Shown, not gated: age group and sex are gated as fields. Null when nothing was generated; absent in reports stored before it was added.'),
  drift_thresholds: z
    .strictObject({
      alpha: z.number().describe('Family-wise false-alarm probability of a run drawn from its targets.'),
      rows_gated: z.number().int().min(1).describe('M: the fields and joint rows with records, gated together.'),
      multiplier: z.number().describe('c(α, M) = √(π/2)·Φ⁻¹(1 − α/(2M)).'),
      critical_factor: z.number(),
      p_value_limit: z.number().describe('α / M: a row must also fall below this chi-square p-value to fire.'),
    })
    .nullable()
    .describe('How this run\'s drift thresholds were set (docs/trust.md §5.2); null when nothing was measured.'),
  consistency: z.strictObject({ total: z.number().int().min(0), rules: z.strictObject(Object.fromEntries(CONSISTENCY_RULES.map((rule) => [rule, z.number().int().min(0)])) as Record<(typeof CONSISTENCY_RULES)[number], z.ZodNumber>) }).nullable(),
  plausibility: PlausibilityReportSchema.nullable().describe('Every plausibility rule with its counts, limit and reason (docs/trust.md §5.2); null when nothing was generated.'),
  duplicate_ids: z.number().int().min(0).nullable(),
  calibration: CalibrationDiagnosticsSchema.nullable(),
  provenance: z.strictObject({
    fields: z.array(
      z.strictObject({
        field: z.enum(COMPARED_FIELDS),
        criticality,
        universe: z.string(),
        provenance_class: targetProvenanceClass,
        is_fallback: z.boolean(),
        trust: z.enum(TRUST_LEVELS).nullable(),
        table_ids: z.array(z.string()),
        derivation: z.string().nullable(),
        categories: z.array(z.string()),
        target_shares: z.array(z.number()),
        model_dependence: ModelDependenceSchema.nullable(),
      }),
    ),
    tables: z.array(TableProvenanceSchema.extend({ stale: z.boolean() })),
    targets_source: z.enum(['pxweb_live', 'pxweb_cache', 'official_snapshot', 'mixed']).nullable(),
    fallback_ratio_super_critical: measure,
    fallback_ratio_critical: measure,
    modelled_fields: z.array(z.enum(COMPARED_FIELDS)),
    secondary_fields: z.array(z.enum(COMPARED_FIELDS)),
    lacking_official_figures: z
      .array(z.strictObject({ field: z.enum(COMPARED_FIELDS), universe: z.string(), criticality, reason: z.string() }))
      .describe('The official figures this run lacks: every compared field whose target is modelled or secondary, with why.'),
  }),
  pxweb: z.strictObject({ mode: z.enum(PXWEB_MODES), fetch_log: z.array(PxwebFetchAttemptSchema) }),
  narratives: NarrativeRunStatsSchema.nullable(),
  ethnocultural_fallbacks: z.array(z.strictObject({ table_id: z.string(), persons: z.number().min(0) })).nullable(),
  system: z.strictObject({ timed_out: z.boolean(), memory_exceeded: z.boolean(), checkpoint_corrupt: z.boolean() }).nullable(),
  signals: TrustSignalsSchema,
});
export type TrustReport = z.infer<typeof TrustReportSchema>;
