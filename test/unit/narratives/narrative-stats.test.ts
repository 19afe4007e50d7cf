import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Narrative } from '../../../src/domain/persona.js';
import { mergeNarrativeRunStats, narrativeRunStats } from '../../../src/narratives/narrative-stats.js';

const sections = {
  descriere_generala: 'x'.repeat(20),
  profil_profesional: 'x'.repeat(20),
  hobby_sport: 'x'.repeat(10),
  hobby_arta_cultura: 'x'.repeat(10),
  hobby_calatorii: 'x'.repeat(10),
  hobby_culinar: 'x'.repeat(10),
  career_goals_and_ambitions: 'x'.repeat(10),
  persona_summary: 'x'.repeat(10),
};
const generated: Narrative = { status: 'generated', source: 'llm', prompt_version: 'ro-v1', sections };
const template: Narrative = { status: 'template', source: 'template', prompt_version: 'ro-template-v1', sections };
const failed = (...reasons: string[]): Narrative => ({ status: 'failed', source: 'llm', prompt_version: 'ro-v1', reasons });
const withheld: Narrative = { status: 'withheld', source: 'llm', prompt_version: 'ro-v1', reasons: ['NARRATIVE_PII_DETECTED'] };

describe('narrativeRunStats', () => {
  it('is all zeros for no requested narratives', () => {
    expect(narrativeRunStats('template', [])).toEqual({
      provider: 'template',
      total: 0,
      generated: 0,
      template: 0,
      failed: 0,
      withheld: 0,
      missing: 0,
      mock_ratio: 0,
      pii_count: 0,
      schema_invalid_ratio: 0,
      parse_failure_ratio: 0,
      too_short: 0,
      too_long: 0,
      language_invalid: 0,
      pronoun_mismatch: 0,
      name_missing: 0,
      contradiction: 0,
      reasons: {},
    });
  });

  it('counts a missing narrative as failed in the mock ratio (the predecessor counted it as fine)', () => {
    expect(narrativeRunStats('llm', [undefined]).mock_ratio).toBe(1);
  });

  it('does not count template narratives as mock when the template provider was requested', () => {
    const stats = narrativeRunStats('template', [template, template, template, failed('NARRATIVE_TOO_SHORT'), undefined]);
    expect(stats).toMatchObject({ total: 5, template: 3, failed: 1, missing: 1, too_short: 1 });
    expect(stats.mock_ratio).toBeCloseTo(2 / 5, 12);
  });

  it('counts template stand-ins, failures and missing narratives as mock when llm was requested', () => {
    const stats = narrativeRunStats('llm', [
      generated,
      generated,
      template,
      failed('NARRATIVE_PARSE_FAILURE'),
      withheld,
      undefined,
    ]);
    expect(stats).toMatchObject({ total: 6, generated: 2, template: 1, failed: 1, withheld: 1, missing: 1, pii_count: 1 });
    expect(stats.mock_ratio).toBeCloseTo(3 / 6, 12);
    // Over the 5 attempted narratives (6 requested − 1 missing).
    expect(stats.parse_failure_ratio).toBeCloseTo(1 / 5, 12);
    expect(stats.schema_invalid_ratio).toBe(0);
  });

  it('counts each reason once per narrative, fills the named counters and lists reasons in catalogue order', () => {
    const stats = narrativeRunStats('llm', [
      failed('NARRATIVE_CONTRADICTION', 'NARRATIVE_SCHEMA_INVALID', 'NARRATIVE_CONTRADICTION'),
      failed('NARRATIVE_PRONOUN_MISMATCH', 'NARRATIVE_NAME_MISSING', 'NARRATIVE_LANGUAGE_INVALID', 'NARRATIVE_TOO_LONG'),
      failed('NARRATIVE_PROVIDER_FAILED'),
    ]);
    expect(stats).toMatchObject({ contradiction: 1, pronoun_mismatch: 1, name_missing: 1, language_invalid: 1, too_long: 1 });
    expect(stats.schema_invalid_ratio).toBeCloseTo(1 / 3, 12);
    expect(Object.keys(stats.reasons)).toEqual([
      'NARRATIVE_SCHEMA_INVALID',
      'NARRATIVE_TOO_LONG',
      'NARRATIVE_LANGUAGE_INVALID',
      'NARRATIVE_PRONOUN_MISMATCH',
      'NARRATIVE_NAME_MISSING',
      'NARRATIVE_CONTRADICTION',
      'NARRATIVE_PROVIDER_FAILED',
    ]);
  });

  it('merges two parts into the stats of the whole', () => {
    const outcome = fc.constantFrom<Narrative | undefined>(
      generated,
      template,
      withheld,
      undefined,
      failed('NARRATIVE_PARSE_FAILURE'),
      failed('NARRATIVE_SCHEMA_INVALID', 'NARRATIVE_TOO_SHORT'),
    );
    fc.assert(
      fc.property(fc.array(outcome), fc.array(outcome), fc.constantFrom('llm' as const, 'template' as const), (a, b, provider) => {
        const merged = mergeNarrativeRunStats(narrativeRunStats(provider, a), narrativeRunStats(provider, b));
        const whole = narrativeRunStats(provider, [...a, ...b]);
        expect(merged).toEqual({ ...whole, mock_ratio: merged.mock_ratio, schema_invalid_ratio: merged.schema_invalid_ratio, parse_failure_ratio: merged.parse_failure_ratio });
        expect(merged.mock_ratio).toBeCloseTo(whole.mock_ratio, 12);
        expect(merged.schema_invalid_ratio).toBeCloseTo(whole.schema_invalid_ratio, 12);
        expect(merged.parse_failure_ratio).toBeCloseTo(whole.parse_failure_ratio, 12);
      }),
    );
  });

  it('refuses to merge stats of different providers with STATS_INVALID_ARGUMENT', () => {
    expect(() => mergeNarrativeRunStats(narrativeRunStats('llm', []), narrativeRunStats('template', []))).toThrow(
      expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }),
    );
  });
});
