/**
 * Gates on the run after sampling other than drift: record integrity (consistency rules,
 * duplicate ids, record count), the plausibility rules, calibration diagnostics, ethnocultural
 * fallbacks, narratives and the system flags.
 */
import type { Profile } from '../../domain/request.js';
import { CONSISTENCY_RULES, type EvaluationInput } from '../evaluation-input.js';
import type { NarrativeRunStats } from '../../domain/persona.js';
import { measurePlausibility } from '../plausibility.js';
import { check, detailOf, type GateDetail } from './gate-detail.js';

function integrityGates(profile: Profile, input: EvaluationInput): GateDetail[] {
  return [
    ...CONSISTENCY_RULES.flatMap((rule) => check(profile, 'CONSISTENCY_VIOLATION', 'violations', input.consistency[rule], { subject: rule })),
    ...check(profile, 'DUPLICATE_RECORDS', 'duplicate_ids', input.duplicate_ids),
    ...check(profile, 'RECORD_COUNT_MISMATCH', 'record_count_difference', Math.abs(input.request.n - input.n_generated)),
  ];
}

/** One record per rule whose rate is over its limit beyond sampling error (src/trust/plausibility.ts). */
function plausibilityGates(profile: Profile, input: EvaluationInput): GateDetail[] {
  return measurePlausibility(input).rules.flatMap((rule) =>
    rule.exceeded ? detailOf(profile, 'PLAUSIBILITY_RULE_EXCEEDED', 'plausibility_rate', { observed: rule.rate, threshold: rule.limit }, { subject: rule.id }) : [],
  );
}

function calibrationGates(profile: Profile, input: EvaluationInput): GateDetail[] {
  const calibration = input.calibration;
  if (calibration === null || !calibration.applied) return [];
  // A run that stopped at max_iterations fires even when its last residual equals the tolerance.
  const diverged = !calibration.converged || calibration.max_residual > calibration.tolerance;
  const divergence = diverged
    ? detailOf(profile, 'IPF_DIVERGENCE', 'max_residual', { observed: calibration.max_residual, threshold: calibration.tolerance })
    : [];
  return [
    ...check(profile, 'ESS_TOO_LOW', 'ess_ratio', calibration.ess_ratio),
    ...check(profile, 'WEIGHT_CONCENTRATION_HIGH', 'max_mean_weight_ratio', calibration.max_mean_weight_ratio),
    ...check(profile, 'WEIGHT_CONCENTRATION_HIGH', 'top5_weight_share', calibration.top5_weight_share),
    ...divergence,
  ];
}

function ethnoculturalGates(profile: Profile, input: EvaluationInput): GateDetail[] {
  if (input.n_generated === 0) return [];
  const ordered = [...input.ethnocultural_fallbacks].sort((a, b) => (a.table_id < b.table_id ? -1 : a.table_id > b.table_id ? 1 : 0));
  return ordered.flatMap((fallback) =>
    check(profile, 'ETHNOCULTURAL_FALLBACK_USED', 'ethnocultural_fallback_share', fallback.persons / input.n_generated, {
      subject: fallback.table_id,
    }),
  );
}

function narrativeGates(profile: Profile, stats: NarrativeRunStats | null): GateDetail[] {
  if (stats === null || stats.total === 0) return [];
  const share = (count: number) => count / stats.total;
  return [
    ...check(profile, 'NARRATIVE_MOCK_RATIO_HIGH', 'mock_ratio', stats.mock_ratio),
    ...check(profile, 'NARRATIVE_SCHEMA_INVALID', 'schema_valid_ratio', 1 - stats.schema_invalid_ratio),
    ...check(profile, 'NARRATIVE_PARSE_FAILURE', 'parse_failure_ratio', stats.parse_failure_ratio),
    ...check(profile, 'NARRATIVE_TOO_SHORT', 'too_short_ratio', share(stats.too_short)),
    ...check(profile, 'NARRATIVE_TOO_LONG', 'too_long_ratio', share(stats.too_long)),
    ...check(profile, 'NARRATIVE_LANGUAGE_INVALID', 'language_invalid_ratio', share(stats.language_invalid)),
    ...check(profile, 'NARRATIVE_PRONOUN_MISMATCH', 'pronoun_mismatch_ratio', share(stats.pronoun_mismatch)),
    ...check(profile, 'NARRATIVE_PII_DETECTED', 'pii_count', stats.pii_count),
    ...check(profile, 'NARRATIVE_NAME_MISSING', 'name_missing_ratio', share(stats.name_missing)),
    ...check(profile, 'NARRATIVE_CONTRADICTION', 'contradiction_ratio', share(stats.contradiction)),
  ];
}

function systemGates(profile: Profile, input: EvaluationInput): GateDetail[] {
  const asFlag = (value: boolean) => (value ? 1 : 0);
  return [
    ...check(profile, 'SYSTEM_MEMORY_EXCEEDED', 'memory_exceeded', asFlag(input.system.memory_exceeded)),
    ...check(profile, 'SYSTEM_TIMEOUT', 'timed_out', asFlag(input.system.timed_out)),
    ...check(profile, 'SYSTEM_CHECKPOINT_CORRUPT', 'checkpoint_corrupt', asFlag(input.system.checkpoint_corrupt)),
  ];
}

export function runGates(input: EvaluationInput): GateDetail[] {
  const profile = input.request.profile;
  return [
    ...integrityGates(profile, input),
    ...plausibilityGates(profile, input),
    ...calibrationGates(profile, input),
    ...ethnoculturalGates(profile, input),
    ...narrativeGates(profile, input.narratives),
    ...systemGates(profile, input),
  ];
}
