import { describe, expect, it } from 'vitest';
import { baseConfidenceOf, capConfidence, confidenceFactorsOf } from '../../../src/trust/confidence.js';
import { summariseProvenance } from '../../../src/trust/provenance-summary.js';
import type { ComparedField } from '../../../src/domain/fields.js';
import { cleanCalibration, cleanInput, cleanNarratives, table, withRequest, withTargets } from './fixtures.js';

describe('baseConfidenceOf', () => {
  it.each([
    [0, 'high'],
    [1, 'medium'],
    [2, 'medium'],
    [3, 'low'],
    [8, 'low'],
  ] as const)('maps %i factors to %s', (count, level) => {
    expect(baseConfidenceOf(count)).toBe(level);
  });
});

describe('capConfidence', () => {
  it('caps a rejection at low', () => {
    expect(capConfidence('high', { decision: 'REJECT', profile: 'analysis_only', non_official_super_critical: false })).toEqual({
      base_confidence: 'high',
      confidence: 'low',
      caps_applied: ['decision_reject'],
      monotonicity_applied: true,
    });
  });

  it('caps high_stakes with a non-official super-critical source at medium, even on PASS', () => {
    const result = capConfidence('high', { decision: 'PASS', profile: 'high_stakes', non_official_super_critical: true });
    expect(result.confidence).toBe('medium');
    expect(result.caps_applied).toEqual(['high_stakes_non_official_super_critical']);
  });

  it('does not cap other profiles for a non-official super-critical source', () => {
    expect(capConfidence('high', { decision: 'PASS', profile: 'narrative_required', non_official_super_critical: true }).confidence).toBe('high');
  });

  it('caps PASS_WITH_WARNINGS at medium', () => {
    expect(capConfidence('high', { decision: 'PASS_WITH_WARNINGS', profile: 'analysis_only', non_official_super_critical: false }).confidence).toBe(
      'medium',
    );
  });

  it('never raises a low base (the predecessor assigned "medium" over "low")', () => {
    const result = capConfidence('low', { decision: 'PASS_WITH_WARNINGS', profile: 'high_stakes', non_official_super_critical: true });
    expect(result.confidence).toBe('low');
    expect(result.monotonicity_applied).toBe(false);
    expect(result.caps_applied).toEqual([]);
  });
});

describe('confidenceFactorsOf', () => {
  it('names every factor that holds, in table order', () => {
    const input = withRequest(withTargets(cleanInput('narrative_required'), { religion: 'modelled', region: 'secondary' }), {
      use_ipf: false,
      narratives: { provider: 'llm' },
    });
    const staleInput = {
      ...input,
      tables: [...input.tables, table('age_sex_residence', { provenance_class: 'pxweb_cache', age_days: 45 })],
      fetch_log: [{ table_id: 'x', pxweb_table: 'x', started_at: '2026-01-01T00:00:00Z', outcome: 'timeout' as const, status: null, attempts: 3, duration_ms: 1, message: null }],
    };
    const narratives = { ...cleanNarratives('llm'), template: 5, failed: 1 };
    const factors = confidenceFactorsOf({
      input: staleInput,
      provenance: summariseProvenance(staleInput.field_targets),
      calibration: { ...cleanCalibration(), applied: false, information_loss: 0.5 },
      narratives,
    });
    expect(factors).toEqual([
      'modelled_targets',
      'secondary_targets',
      'stale_sources',
      'pxweb_fetch_failed',
      'calibration_skipped',
      'narrative_fallback',
      'failed_narratives',
    ]);
  });

  it('counts a secondary target only on a critical or super-critical field (ordinary fields: soft use)', () => {
    const factorsWith = (field: ComparedField) => {
      const input = withTargets(cleanInput('analysis_only'), { [field]: 'secondary' });
      return confidenceFactorsOf({ input, provenance: summariseProvenance(input.field_targets), calibration: cleanCalibration(), narratives: null });
    };
    expect(factorsWith('inactivity_reason')).toEqual([]);
    expect(factorsWith('religion')).toEqual(['secondary_targets']);
    expect(factorsWith('employment_status')).toEqual(['secondary_targets']);
  });

  it('counts information loss above 0.2 only for an applied calibration', () => {
    const input = cleanInput('analysis_only');
    const calibration = { ...cleanCalibration(), ess_ratio: 0.75, information_loss: 0.25 };
    expect(confidenceFactorsOf({ input, provenance: summariseProvenance(input.field_targets), calibration, narratives: null })).toEqual([
      'high_information_loss',
    ]);
    const atLimit = { ...calibration, information_loss: 0.2 };
    expect(confidenceFactorsOf({ input, provenance: summariseProvenance(input.field_targets), calibration: atLimit, narratives: null })).toEqual([]);
  });
});
