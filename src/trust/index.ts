/**
 * What other folders may use from the trust evaluator (pure: no I/O, no clock, no randomness).
 *
 *   before sampling:  evaluatePreflight(PreflightInput) → TrustEvaluation (withhold_dataset: do not generate)
 *   after sampling:   evaluateGates(EvaluationInput)    → TrustEvaluation (withhold_dataset: do not release)
 *   documents:        buildGradientPayload / buildTrustReport / buildRunManifest (time and ids are arguments)
 *   contract:         *JsonSchema() for components.schemas; schemaHashOf(pinned GradientTrustPayload)
 */
export {
  COMPARED_FIELDS,
  CONSISTENCY_RULES,
  NARRATIVE_PROVIDERS,
  PXWEB_MODES,
  tableProvenanceOf,
  type CalibrationDiagnostics,
  type ComparedField,
  type ConsistencyRule,
  type EffectiveRequest,
  type EthnoculturalFallback,
  type EvaluationInput,
  type FieldTarget,
  type JointCheck,
  type NarrativeProvider,
  type NarrativeRunStats,
  type PreflightInput,
  type PxwebMode,
  type SystemFlags,
  type TableProvenance,
} from './evaluation-input.js';
export { evaluateGates, evaluatePreflight, type TrustEvaluation } from './evaluate.js';
export { decide, DECISIONS, type Decision, type GateOutcome } from './decision.js';
export { CONFIDENCE_CAPS, CONFIDENCE_LEVELS, type Confidence } from './confidence.js';
export { QUALITY_TIER_VALUES, type QualityTier } from './quality-tier.js';
export {
  CONFIDENCE_FACTORS,
  GATE_CODES,
  GATES,
  SAMPLING,
  severityOf,
  thresholdOf,
  type GateCode,
  type GateDefinition,
  type GateMeasure,
  type Severity,
} from './gate-table.js';
export type { GateDetail } from './gates/gate-detail.js';
export { PROFILE_DETAILS, PROFILE_LIST, type ProfileDetail } from './profiles.js';
export { configHashOf, effectiveConfigOf, schemaHashOf, sha256OfCanonicalJson, type EffectiveConfig } from './hashes.js';
export { buildGradientPayload, type PayloadRunInfo } from './payload.js';
export { GradientTrustPayloadSchema, PAYLOAD_VERSION, type GradientTrustPayload } from './payload-schema.js';
export { buildTrustReport, type ReportRunInfo } from './report.js';
export { TrustReportSchema, type TrustReport } from './report-schema.js';
export { buildRunManifest, RunManifestSchema, type ManifestRunInfo, type OutputFile, type RunManifest } from './manifest.js';
export { gradientTrustPayloadJsonSchema, runManifestJsonSchema, trustReportJsonSchema } from './json-schema.js';
export { gateCatalogue, GateCatalogueSchema, profileCatalogue, ProfileCatalogueSchema } from './catalogue.js';
export { kishEffectiveSampleSize, kishEssRatio } from './metrics/index.js';
