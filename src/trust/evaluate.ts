/**
 * The trust evaluator's two entry points. `evaluatePreflight` runs before sampling on what is
 * already known (provenance, staleness, configuration): a strict run whose preflight rejects
 * stops there (`withhold_dataset`), and its payload and report are built from this result.
 * `evaluateGates` runs every gate on the final output. Both return the same shape.
 */
import type { Profile } from '../domain/request.js';
import { baseConfidenceOf, capConfidence, confidenceFactorsOf, type Confidence } from './confidence.js';
import { decide, type GateOutcome } from './decision.js';
import type { EvaluationInput, PreflightInput } from './evaluation-input.js';
import type { ConfidenceFactor } from './gate-table.js';
import { driftGates } from './gates/drift-gates.js';
import { preflightGates } from './gates/preflight-gates.js';
import { runGates } from './gates/run-gates.js';
import { configHashOf, effectiveConfigOf, type EffectiveConfig } from './hashes.js';
import { measureRun, type RunMeasurements } from './measurements.js';
import { isModelDependentClass, summariseProvenance, type ProvenanceSummary } from './provenance-summary.js';
import { qualityTierOf, type QualityTier } from './quality-tier.js';
import { buildSignals, type TrustSignals } from './signals.js';
import { validateEvaluationInput, validatePreflightInput } from './validate-input.js';

export interface TrustEvaluation extends GateOutcome {
  readonly stage: 'preflight' | 'final';
  readonly profile: Profile;
  readonly strict: boolean;
  readonly generator_version: string;
  readonly effective_config: EffectiveConfig;
  readonly config_hash: string;
  readonly base_confidence: Confidence;
  readonly confidence_factors: readonly ConfidenceFactor[];
  readonly confidence: Confidence;
  readonly monotonicity_applied: boolean;
  readonly caps_applied: readonly string[];
  readonly quality_tier: QualityTier;
  readonly provenance: ProvenanceSummary;
  /** null at preflight (nothing generated). */
  readonly measurements: RunMeasurements | null;
  readonly signals: TrustSignals;
}

function assemble(
  stage: TrustEvaluation['stage'],
  input: PreflightInput,
  parts: {
    readonly provenance: ProvenanceSummary;
    readonly outcome: GateOutcome;
    readonly factors: readonly ConfidenceFactor[];
    readonly measurements: RunMeasurements | null;
    readonly signals: TrustSignals;
  },
): TrustEvaluation {
  const profile = input.request.profile;
  const assessment = capConfidence(baseConfidenceOf(parts.factors.length), {
    decision: parts.outcome.decision,
    profile,
    non_official_super_critical: parts.provenance.super_critical_fallback_fields.length > 0,
  });
  const effectiveConfig = effectiveConfigOf(input);
  return {
    stage,
    profile,
    strict: input.request.strict,
    generator_version: input.generator_version,
    effective_config: effectiveConfig,
    config_hash: configHashOf(effectiveConfig),
    ...parts.outcome,
    base_confidence: assessment.base_confidence,
    confidence_factors: parts.factors,
    confidence: assessment.confidence,
    monotonicity_applied: assessment.monotonicity_applied,
    caps_applied: assessment.caps_applied,
    quality_tier: qualityTierOf(parts.outcome.decision, parts.measurements, parts.outcome.gate_codes, modelDependent(parts.provenance)),
    provenance: parts.provenance,
    measurements: parts.measurements,
    signals: parts.signals,
  };
}

/**
 * Some compared field's target goes through the model (modelled or official_derived). A modelled
 * cross-tab alone (the sector split) does not count: it checks the sampler against the model,
 * it does not stand in for an official figure of the run's universe.
 */
function modelDependent(provenance: ProvenanceSummary): boolean {
  return provenance.fields.some((entry) => isModelDependentClass(entry.provenance_class));
}

/** Preflight gates only (before sampling). `withhold_dataset` true: do not generate. */
export function evaluatePreflight(input: PreflightInput): TrustEvaluation {
  validatePreflightInput(input);
  const provenance = summariseProvenance(input.field_targets);
  const outcome = decide({ profile: input.request.profile, strict: input.request.strict, firings: preflightGates(input, provenance) });
  return assemble('preflight', input, {
    provenance,
    outcome,
    factors: confidenceFactorsOf({ input, provenance }),
    measurements: null,
    signals: buildSignals(input, provenance, null),
  });
}

/** Every gate on the final output. `withhold_dataset` true: store and serve no dataset. */
export function evaluateGates(input: EvaluationInput): TrustEvaluation {
  validateEvaluationInput(input);
  const profile = input.request.profile;
  const provenance = summariseProvenance(input.field_targets);
  const measurements = measureRun(input);
  const firings = [...preflightGates(input, provenance), ...driftGates(profile, measurements), ...runGates(input)];
  const outcome = decide({ profile, strict: input.request.strict, firings });
  const narratives = input.request.narratives.provider === 'none' ? null : input.narratives;
  return assemble('final', input, {
    provenance,
    outcome,
    factors: confidenceFactorsOf({ input, provenance, calibration: input.calibration, narratives }),
    measurements,
    signals: buildSignals(input, provenance, measurements),
  });
}
