/**
 * The Gradient trust payload v1.0 (SPEC §9) as a strict zod schema: the one source of its JSON
 * Schema (pinned as `components.schemas.GradientTrustPayload` in the OpenAPI document, whose
 * JCS hash is `schema_hash`) and of its TypeScript type. Keys appear in the order SPEC §9 lists.
 *
 * Versioning: additive changes (a new optional key, a new signal, a new gate code) keep "1.0";
 * renaming or removing a key or changing a meaning bumps the major version.
 */
import { z } from 'zod';
import { TARGET_PROVENANCE_CLASSES, VINTAGE_STATUSES } from '../census/census-table.js';
import { PROFILES } from '../domain/request.js';
import { COMPARED_FIELDS } from '../domain/fields.js';
import { PLAUSIBILITY_RULE_IDS, type PlausibilityRuleId } from '../generation/plausibility.js';
import { CONFIDENCE_LEVELS } from './confidence.js';
import { DECISIONS } from './decision.js';
import { CONFIDENCE_FACTOR_NAMES, GATE_CODES } from './gate-table.js';
import { QUALITY_TIER_VALUES } from './quality-tier.js';

export const PAYLOAD_VERSION = '1.0';

export const Sha256Schema = z.string().regex(/^sha256:[0-9a-f]{64}$/);

export const GateDetailSchema = z.strictObject({
  code: z.enum(GATE_CODES),
  category: z.string(),
  severity: z.enum(['hard', 'warning', 'info']).describe('`info` only on the record of the PASS / PASS_WITH_WARNINGS marker.'),
  is_hard_gate: z.boolean(),
  field: z.enum(COMPARED_FIELDS).nullable().describe('The persona field the record is about, or null.'),
  subject: z.string().nullable().describe('The table id, joint check id or consistency rule the record is about, or null.'),
  measure: z.string().describe('What `observed` measures (see GET /v1/gate-codes).'),
  comparator: z.enum(['>', '<']),
  observed: z.number().nullable(),
  threshold: z.number().nullable().describe('The limit `observed` was compared with (after any widening for sampling error).'),
  recommendation: z.string(),
});

const nullableMeasure = z.number().nullable();
const share = z.number().min(0).max(1);

const PlausibilitySignalSchema = z.strictObject({
  count: z.number().int().min(0).describe('Persons of the population the rule flags.'),
  denominator: z.number().int().min(0).describe('Persons in the rule\'s population.'),
  rate: share.nullable().describe('count / denominator; null when the population is empty.'),
  limit: share.describe('The rule\'s documented limit (a decision, not an official figure).'),
});

export const TrustSignalsSchema = z.strictObject({
  provenance_coverage_critical: z
    .strictObject(Object.fromEntries(TARGET_PROVENANCE_CLASSES.map((name) => [name, share])) as Record<(typeof TARGET_PROVENANCE_CLASSES)[number], typeof share>)
    .describe('Share of the compared critical and super-critical fields per provenance class.'),
  targets_source: z.enum(['pxweb_live', 'pxweb_cache', 'official_snapshot', 'mixed']).nullable(),
  pxweb_cache_age_days: nullableMeasure,
  ess_ratio: nullableMeasure,
  information_loss: nullableMeasure,
  mean_l1_error: nullableMeasure,
  max_l1_error: nullableMeasure,
  max_category_error: nullableMeasure,
  max_joint_tvd: nullableMeasure,
  fallback_ratio_super_critical: share.nullable(),
  fallback_ratio_critical: share.nullable(),
  narrative_mock_ratio: nullableMeasure,
  narrative_pii_count: z.number().int().min(0).nullable(),
  consistency_violations: z.number().int().min(0).nullable(),
  duplicate_ids: z.number().int().min(0).nullable(),
  n_requested: z.number().int().min(0),
  n_generated: z.number().int().min(0),
  data_vintages: z.record(z.string(), z.string()).describe('Reference date of every table the run used, by table id.'),
  provenance_by_field: z
    .partialRecord(z.enum(COMPARED_FIELDS), z.enum(TARGET_PROVENANCE_CLASSES))
    .describe('Provenance class of every compared field (discloses modelled targets).'),
  max_js_divergence_bits: nullableMeasure,
  min_chi_square_p_value: nullableMeasure,
  data_vintage_status: z
    .record(z.string(), z.enum(VINTAGE_STATUSES))
    .describe(
      'Where every table the run used stands in its series, by table id (the keys of data_vintages): not_periodic, current, expected_superseded (the next vintage is due, not verified) or superseded (the next vintage is published).',
    ),
  duplicate_record_share: share
    .nullable()
    .describe('Share of the records identical to another record of the dataset, ignoring id, index and narrative (docs/trust.md).'),
  plausibility: z
    .strictObject(Object.fromEntries(PLAUSIBILITY_RULE_IDS.map((id) => [id, PlausibilitySignalSchema])) as Record<PlausibilityRuleId, typeof PlausibilitySignalSchema>)
    .nullable()
    .describe('Per plausibility rule (docs/trust.md §5.2), its count, population, rate and limit; null before sampling. PLAUSIBILITY_RULE_EXCEEDED warns when a rate is over its limit beyond sampling error.'),
});

export const GradientTrustPayloadSchema = z.strictObject({
  payload_version: z.literal(PAYLOAD_VERSION),
  generator_version: z.string(),
  schema_hash: Sha256Schema,
  decision: z.enum(DECISIONS),
  quality_tier: z.enum(QUALITY_TIER_VALUES),
  confidence: z.enum(CONFIDENCE_LEVELS),
  base_confidence: z.enum(CONFIDENCE_LEVELS),
  confidence_factors: z.array(z.enum(CONFIDENCE_FACTOR_NAMES)),
  monotonicity_applied: z.boolean(),
  gate_codes: z.array(z.enum(GATE_CODES)).min(1),
  gate_code_details: z.array(GateDetailSchema),
  hard_gates_triggered: z.boolean(),
  should_escalate: z.boolean(),
  escalation_priority: z.number().int().min(1).max(10),
  recommendations: z.array(z.string()).min(1),
  profile: z.enum(PROFILES),
  strict_mode: z.boolean(),
  signals: TrustSignalsSchema,
  run_id: z.uuid({ version: 'v7' }),
  config_hash: Sha256Schema,
  dataset_sha256: Sha256Schema.nullable().describe('Hash of the NDJSON dataset bytes; null when no dataset was generated.'),
  generation_time_seconds: z.number().min(0),
  timestamp: z.iso.datetime().describe('UTC, ISO 8601, ending in Z.'),
}).meta({ id: 'GradientTrustPayload', description: 'The Gradient trust payload, version 1.0 (SPEC §9).' });
export type GradientTrustPayload = z.infer<typeof GradientTrustPayloadSchema>;
