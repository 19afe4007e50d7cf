/**
 * Run-level narrative statistics (SPEC §6, §7): per-persona outcomes folded into the counts and
 * ratios the trust gates read. Unlike the predecessor, a narrative that was requested and is
 * absent counts as missing (and as failed in the mock ratio), and a template narrative standing
 * in for a requested llm one is mock. Pure; field names are the gates' contract.
 */
import { ServiceError } from '../errors.js';
import type { Narrative, NarrativeRunStats } from '../domain/persona.js';
import type { NarrativeSource } from '../domain/request.js';
import { NARRATIVE_REASON_CODES, type NarrativeReasonCode } from './reasons.js';

/** The counts the ratios derive from; stats of two shards merge by adding these. */
type Counts = Omit<NarrativeRunStats, 'mock_ratio' | 'schema_invalid_ratio' | 'parse_failure_ratio'>;

function emptyCounts(provider: NarrativeSource): Counts {
  return {
    provider,
    total: 0,
    generated: 0,
    template: 0,
    failed: 0,
    withheld: 0,
    missing: 0,
    pii_count: 0,
    too_short: 0,
    too_long: 0,
    language_invalid: 0,
    pronoun_mismatch: 0,
    name_missing: 0,
    contradiction: 0,
    reasons: {},
  };
}

function withRatios(counts: Counts): NarrativeRunStats {
  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  const templateFallbacks = counts.provider === 'llm' ? counts.template : 0;
  const attempted = counts.total - counts.missing;
  // Reasons in catalogue order first, then any others sorted: output order never follows input.
  const known: readonly string[] = NARRATIVE_REASON_CODES;
  const reasons: Record<string, number> = {};
  for (const code of [...known, ...Object.keys(counts.reasons).filter((c) => !known.includes(c)).sort()]) {
    const count = counts.reasons[code];
    if (count !== undefined) reasons[code] = count;
  }
  return {
    ...counts,
    reasons,
    mock_ratio: share(counts.failed + counts.missing + templateFallbacks, counts.total),
    schema_invalid_ratio: share(reasons.NARRATIVE_SCHEMA_INVALID ?? 0, attempted),
    parse_failure_ratio: share(reasons.NARRATIVE_PARSE_FAILURE ?? 0, attempted),
  };
}

type ReasonField = 'too_short' | 'too_long' | 'language_invalid' | 'pronoun_mismatch' | 'name_missing' | 'contradiction';
const REASON_FIELDS: ReadonlyMap<string, ReasonField> = new Map<NarrativeReasonCode, ReasonField>([
  ['NARRATIVE_TOO_SHORT', 'too_short'],
  ['NARRATIVE_TOO_LONG', 'too_long'],
  ['NARRATIVE_LANGUAGE_INVALID', 'language_invalid'],
  ['NARRATIVE_PRONOUN_MISMATCH', 'pronoun_mismatch'],
  ['NARRATIVE_NAME_MISSING', 'name_missing'],
  ['NARRATIVE_CONTRADICTION', 'contradiction'],
]);

function addInPlace(counts: Counts, narrative: Narrative | undefined): void {
  counts.total += 1;
  if (narrative === undefined) {
    counts.missing += 1;
    return;
  }
  counts[narrative.status] += 1;
  const reasons = new Set(narrative.reasons ?? []);
  if (narrative.status === 'withheld' && reasons.has('NARRATIVE_PII_DETECTED')) counts.pii_count += 1;
  for (const reason of reasons) {
    counts.reasons[reason] = (counts.reasons[reason] ?? 0) + 1;
    const field = REASON_FIELDS.get(reason);
    if (field !== undefined) counts[field] += 1;
  }
}

/**
 * Folds the narratives of the personas for which one was requested (`undefined` = missing).
 * @example narrativeRunStats('llm', [undefined]).mock_ratio // => 1
 */
export function narrativeRunStats(provider: NarrativeSource, narratives: Iterable<Narrative | undefined>): NarrativeRunStats {
  const counts = emptyCounts(provider);
  for (const narrative of narratives) addInPlace(counts, narrative);
  return withRatios(counts);
}

/** Stats of two parts of one run (e.g. two shards), as if folded together. */
export function mergeNarrativeRunStats(a: NarrativeRunStats, b: NarrativeRunStats): NarrativeRunStats {
  if (a.provider !== b.provider) {
    throw new ServiceError('STATS_INVALID_ARGUMENT', `mergeNarrativeRunStats requires one provider, got ${a.provider} and ${b.provider}`);
  }
  const reasons: Record<string, number> = { ...a.reasons };
  for (const [code, count] of Object.entries(b.reasons)) reasons[code] = (reasons[code] ?? 0) + count;
  const sum = (field: Exclude<keyof Counts, 'provider' | 'reasons'>) => a[field] + b[field];
  return withRatios({
    provider: a.provider,
    total: sum('total'),
    generated: sum('generated'),
    template: sum('template'),
    failed: sum('failed'),
    withheld: sum('withheld'),
    missing: sum('missing'),
    pii_count: sum('pii_count'),
    too_short: sum('too_short'),
    too_long: sum('too_long'),
    language_invalid: sum('language_invalid'),
    pronoun_mismatch: sum('pronoun_mismatch'),
    name_missing: sum('name_missing'),
    contradiction: sum('contradiction'),
    reasons,
  });
}
