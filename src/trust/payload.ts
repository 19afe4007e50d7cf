/**
 * Builds the Gradient trust payload v1.0 from an evaluation. Identity and time (`run_id`,
 * `timestamp`, `generation_time_seconds`) and the pinned `schema_hash` are arguments: this
 * module reads no clock and no file.
 */
import { ServiceError } from '../errors.js';
import type { TrustEvaluation } from './evaluate.js';
import { GradientTrustPayloadSchema, PAYLOAD_VERSION, type GradientTrustPayload } from './payload-schema.js';

export interface PayloadRunInfo {
  /** UUIDv7 of the run. */
  readonly run_id: string;
  /** `schemaHashOf(components.schemas.GradientTrustPayload)` of the pinned OpenAPI document. */
  readonly schema_hash: string;
  /** `sha256:<hex>` of the NDJSON bytes, or null when nothing was generated. */
  readonly dataset_sha256: string | null;
  readonly generation_time_seconds: number;
  /** UTC ISO 8601 time the payload was built, e.g. `2026-01-02T03:04:05.678Z`. */
  readonly timestamp: string;
}

export function buildGradientPayload(evaluation: TrustEvaluation, run: PayloadRunInfo): GradientTrustPayload {
  const payload: GradientTrustPayload = {
    payload_version: PAYLOAD_VERSION,
    generator_version: evaluation.generator_version,
    schema_hash: run.schema_hash,
    decision: evaluation.decision,
    quality_tier: evaluation.quality_tier,
    confidence: evaluation.confidence,
    base_confidence: evaluation.base_confidence,
    confidence_factors: [...evaluation.confidence_factors],
    monotonicity_applied: evaluation.monotonicity_applied,
    gate_codes: [...evaluation.gate_codes],
    gate_code_details: evaluation.gate_code_details.map((detail) => ({ ...detail })),
    hard_gates_triggered: evaluation.hard_gates_triggered,
    should_escalate: evaluation.should_escalate,
    escalation_priority: evaluation.escalation_priority,
    recommendations: [...evaluation.recommendations],
    profile: evaluation.profile,
    strict_mode: evaluation.strict,
    signals: {
      ...evaluation.signals,
      provenance_coverage_critical: { ...evaluation.signals.provenance_coverage_critical },
      data_vintages: { ...evaluation.signals.data_vintages },
      data_vintage_status: { ...evaluation.signals.data_vintage_status },
      provenance_by_field: { ...evaluation.signals.provenance_by_field },
    },
    run_id: run.run_id,
    config_hash: evaluation.config_hash,
    dataset_sha256: run.dataset_sha256,
    generation_time_seconds: run.generation_time_seconds,
    timestamp: run.timestamp,
  };
  // The schema is the contract: a payload that does not fit it is a defect, caught here.
  const parsed = GradientTrustPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new ServiceError('INTERNAL', 'the trust payload does not match its schema', {
      details: { issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) },
    });
  }
  return parsed.data;
}
