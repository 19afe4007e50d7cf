/**
 * Confidence (SPEC §8.3): a base level from named factors, then monotone caps. The confidence
 * never rises above the base: `confidence = min(base_confidence, caps)`.
 */
import { criticalityOf } from '../domain/fields.js';
import type { Profile } from '../domain/request.js';
import type { CalibrationDiagnostics, PreflightInput } from './evaluation-input.js';
import type { NarrativeRunStats } from '../domain/persona.js';
import type { Decision } from './decision.js';
import {
  BASE_CONFIDENCE_BANDS,
  CONFIDENCE_FACTOR_NAMES,
  CONFIDENCE_FACTORS,
  type ConfidenceFactor,
} from './gate-table.js';
import { failedFetchTables, staleTables } from './gates/preflight-gates.js';
import { isModelDependentClass, type ProvenanceSummary } from './provenance-summary.js';

/** Ordered lowest first, so a smaller index is a lower confidence. */
export const CONFIDENCE_LEVELS = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

export interface ConfidenceCapContext {
  readonly decision: Decision;
  readonly profile: Profile;
  /** A super-critical field's target is modelled or secondary. */
  readonly non_official_super_critical: boolean;
}

/** The caps, each with the level it caps at and when it applies. */
export const CONFIDENCE_CAPS = [
  { id: 'decision_reject', cap: 'low', description: 'The decision is REJECT.', applies: (c: ConfidenceCapContext) => c.decision === 'REJECT' },
  {
    id: 'high_stakes_non_official_super_critical',
    cap: 'medium',
    description: 'Profile high_stakes and a super-critical field has a modelled or secondary target.',
    applies: (c: ConfidenceCapContext) => c.profile === 'high_stakes' && c.non_official_super_critical,
  },
  {
    id: 'pass_with_warnings',
    cap: 'medium',
    description: 'The decision is PASS_WITH_WARNINGS.',
    applies: (c: ConfidenceCapContext) => c.decision === 'PASS_WITH_WARNINGS',
  },
] as const satisfies readonly { id: string; cap: Confidence; description: string; applies: (c: ConfidenceCapContext) => boolean }[];

export interface ConfidenceFactorContext {
  readonly input: PreflightInput;
  readonly provenance: ProvenanceSummary;
  /** Known after sampling; undefined at preflight (such factors are not counted then). */
  readonly calibration?: CalibrationDiagnostics | null;
  readonly narratives?: NarrativeRunStats | null;
}

function factorHolds(factor: ConfidenceFactor, context: ConfidenceFactorContext): boolean {
  const { input, provenance, calibration, narratives } = context;
  switch (factor) {
    case 'modelled_targets':
      return provenance.fields.some((entry) => isModelDependentClass(entry.provenance_class));
    case 'modelled_structure':
      return input.tables.some((table) => table.provenance_class === 'modelled');
    case 'secondary_targets':
      // Secondary figures are for soft use (SPEC §3.2): like the fallback gates (§8.2), only a
      // critical or super-critical field's secondary target lowers confidence.
      return provenance.secondary_fields.some((field) => criticalityOf(field) !== 'ordinary');
    case 'stale_sources':
      return staleTables(input.request.profile, input.tables).length > 0;
    case 'high_information_loss':
      return (
        calibration?.applied === true &&
        calibration.information_loss !== null &&
        calibration.information_loss > CONFIDENCE_FACTORS.high_information_loss.threshold
      );
    case 'pxweb_fetch_failed':
      return failedFetchTables(input).length > 0;
    case 'calibration_skipped':
      return !input.request.use_ipf || (calibration !== undefined && calibration?.applied !== true);
    case 'narrative_fallback':
      return narratives !== undefined && narratives !== null && narratives.provider === 'llm' && narratives.template > 0;
    case 'failed_narratives':
      return narratives !== undefined && narratives !== null && narratives.failed + narratives.withheld + narratives.missing > 0;
  }
}

/** The factors that hold, in the table's order. */
export function confidenceFactorsOf(context: ConfidenceFactorContext): ConfidenceFactor[] {
  return CONFIDENCE_FACTOR_NAMES.filter((factor) => factorHolds(factor, context));
}

export function baseConfidenceOf(factorCount: number): Confidence {
  if (factorCount >= BASE_CONFIDENCE_BANDS.low_from_factors) return 'low';
  if (factorCount >= BASE_CONFIDENCE_BANDS.medium_from_factors) return 'medium';
  return 'high';
}

function lower(a: Confidence, b: Confidence): Confidence {
  return CONFIDENCE_LEVELS.indexOf(a) <= CONFIDENCE_LEVELS.indexOf(b) ? a : b;
}

export interface ConfidenceAssessment {
  readonly base_confidence: Confidence;
  readonly confidence: Confidence;
  readonly caps_applied: readonly string[];
  readonly monotonicity_applied: boolean;
}

/** min(base, every applicable cap); `monotonicity_applied` iff that lowered the base. */
export function capConfidence(base: Confidence, context: ConfidenceCapContext): ConfidenceAssessment {
  const applicable = CONFIDENCE_CAPS.filter((cap) => cap.applies(context));
  const confidence = applicable.reduce<Confidence>((level, cap) => lower(level, cap.cap), base);
  return {
    base_confidence: base,
    confidence,
    caps_applied: applicable.filter((cap) => lower(base, cap.cap) !== base).map((cap) => cap.id),
    monotonicity_applied: confidence !== base,
  };
}
