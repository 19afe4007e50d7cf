/**
 * Why a narrative was not served: reason codes and the structured issue record. Each code is
 * also a gate code of the trust table (SPEC §8.1), so a run's narrative stats can be gated
 * without mapping free text. The first seven are the predecessor's codes (anchor-behaviour
 * §5.9); the rest are ours (listed in docs/narratives.md).
 */
import type { NarrativeSectionKey } from '../domain/persona.js';
import type { PiiType } from './pii.js';

export const NARRATIVE_REASON_CODES = [
  // Predecessor codes, kept with their meaning.
  'NARRATIVE_SCHEMA_INVALID',
  'NARRATIVE_PARSE_FAILURE',
  'NARRATIVE_TOO_SHORT',
  'NARRATIVE_TOO_LONG',
  'NARRATIVE_LANGUAGE_INVALID',
  'NARRATIVE_PRONOUN_MISMATCH',
  'NARRATIVE_PII_DETECTED',
  // New: the contract checks the predecessor defined but never ran, and provider failure.
  'NARRATIVE_NAME_MISSING',
  'NARRATIVE_CONTRADICTION',
  'NARRATIVE_SECTION_DUPLICATED',
  'NARRATIVE_PROVIDER_FAILED',
] as const;
export type NarrativeReasonCode = (typeof NARRATIVE_REASON_CODES)[number];

/**
 * One finding about a narrative, data first: the text is rendered from it (English in
 * `detail`, Romanian in the repair prompt). `detail` never quotes a PII match; it may quote
 * the narrative's own words (e.g. the mismatched form "născut") and name persona attributes
 * (a stated age against the persona's), so treat issues as persona data: do not log them.
 */
export interface NarrativeIssue {
  readonly code: NarrativeReasonCode;
  readonly section?: NarrativeSectionKey;
  readonly detail: string;
  /** The measured value (a length, a count, a stated age) when there is one. */
  readonly observed?: number;
  /** The bound it was compared with (a minimum or maximum length, the persona's age). */
  readonly limit?: number;
  readonly pii_type?: PiiType;
  /** For `NARRATIVE_PROVIDER_FAILED`: the error catalogue code of the failure (`LLM_TIMEOUT`, …). */
  readonly error_code?: string;
}

/** The distinct codes of a list of issues, in catalogue order (never in discovery order). */
export function reasonCodesOf(issues: readonly NarrativeIssue[]): NarrativeReasonCode[] {
  const present = new Set(issues.map((issue) => issue.code));
  return NARRATIVE_REASON_CODES.filter((code) => present.has(code));
}
