// The gate table keeps the predecessor's vocabulary and starting thresholds (anchor §5.1, §5.9,
// §5.10; SPEC §8.1–8.3). These lists are the contract restated, so a change to the table that
// breaks it fails here.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../src/domain/request.js';
import { DRIFT_THRESHOLDS, GATES, GATE_CODES, measureOf, thresholdOf, type GateCode } from '../../../src/trust/gate-table.js';
import { definitionOf } from './fixtures.js';

const PREDECESSOR_CODES = [
  'MARGINAL_ERROR_HIGH',
  'MARGINAL_ERROR_CRITICAL',
  'FALLBACK_CRITICAL_FIELD',
  'FALLBACK_SUPERCRITICAL_FIELD',
  'TARGET_FALLBACK_SUPERCRITICAL',
  'ESTIMATED_FIELD_USED',
  'PXWEB_CACHE_STALE',
  'PXWEB_FETCH_FAILED',
  'ETHNOCULTURAL_FALLBACK_USED',
  'ESS_TOO_LOW',
  'WEIGHT_CONCENTRATION_HIGH',
  'IPF_DIVERGENCE',
  'NARRATIVE_SCHEMA_INVALID',
  'NARRATIVE_PARSE_FAILURE',
  'NARRATIVE_TOO_SHORT',
  'NARRATIVE_TOO_LONG',
  'NARRATIVE_LANGUAGE_INVALID',
  'NARRATIVE_PRONOUN_MISMATCH',
  'NARRATIVE_MOCK_RATIO_HIGH',
  'NARRATIVE_PII_DETECTED',
  'CONFIG_INVALID_SEED',
  'CONFIG_VERSION_MISMATCH',
  'CONFIG_INCOMPLETE',
  'SYSTEM_MEMORY_EXCEEDED',
  'SYSTEM_TIMEOUT',
  'SYSTEM_CHECKPOINT_CORRUPT',
  'PASS',
  'PASS_WITH_WARNINGS',
];

const SPEC_PRIORITIES: Record<string, number> = {
  NARRATIVE_PII_DETECTED: 1,
  FALLBACK_SUPERCRITICAL_FIELD: 2,
  TARGET_FALLBACK_SUPERCRITICAL: 2,
  ESS_TOO_LOW: 3,
  MARGINAL_ERROR_CRITICAL: 4,
  NARRATIVE_PRONOUN_MISMATCH: 5,
  PXWEB_FETCH_FAILED: 6,
  SYSTEM_MEMORY_EXCEEDED: 7,
  SYSTEM_TIMEOUT: 8,
};


describe('GATES', () => {
  it('keeps all 28 predecessor codes, marked as such, and marks every other code as added with a reason', () => {
    expect(PREDECESSOR_CODES).toHaveLength(28);
    for (const code of PREDECESSOR_CODES) expect(GATE_CODES).toContain(code);
    for (const code of GATE_CODES) {
      const definition = definitionOf(code);
      expect(definition.origin).toBe(PREDECESSOR_CODES.includes(code) ? 'predecessor' : 'added');
      if (definition.origin === 'added') expect(definition.reason_added?.length).toBeGreaterThan(20);
    }
  });

  it('derives each category from the code prefix, as the predecessor did', () => {
    for (const code of GATE_CODES) expect(code.startsWith(definitionOf(code).category)).toBe(true);
  });

  it('gives the SPEC §8.3 escalation priorities and 10 to every other code', () => {
    for (const code of GATE_CODES) expect(definitionOf(code).priority).toBe(SPEC_PRIORITIES[code] ?? 10);
  });

  it('keeps the predecessor starting thresholds', () => {
    const expected: [GateCode, string, number[]][] = [
      ['ESS_TOO_LOW', 'ess_ratio', [0.5, 0.7, 0.85]],
      ['NARRATIVE_MOCK_RATIO_HIGH', 'mock_ratio', [1.0, 0.2, 0.05]],
      ['PXWEB_CACHE_STALE', 'cache_age_days', [60, 30, 7]],
      ['FALLBACK_CRITICAL_FIELD', 'fallback_ratio_critical', [0.7, 0.7, 0.4]],
      ['TARGET_FALLBACK_SUPERCRITICAL', 'fallback_ratio_super_critical', [1.0, 0.5, 0.5]],
      ['NARRATIVE_SCHEMA_INVALID', 'schema_valid_ratio', [0.5, 0.9, 0.95]],
    ];
    for (const [code, measure, values] of expected) {
      expect(PROFILES.map((profile) => thresholdOf(code, measure, profile))).toEqual(values);
    }
  });

  it('takes every drift threshold from the sampling error of the run, the same in every profile', () => {
    // The predecessor's fixed limits (mean L1 0.10/0.10/0.06, category error 0.25/0.15, JSD
    // 0.06/0.04/0.03 bits, joint TVD 0.10/0.06) were ~100× the sampling error at n = 200,000.
    const drift: [GateCode, string][] = [
      ['MARGINAL_ERROR_HIGH', 'field_tvd'],
      ['MARGINAL_ERROR_HIGH', 'chi_square_p_value'],
      ['MARGINAL_ERROR_CRITICAL', 'field_tvd'],
      ['MARGINAL_ERROR_CRITICAL', 'chi_square_p_value'],
      ['JOINT_DISTRIBUTION_DRIFT', 'joint_row_tvd'],
      ['JOINT_DISTRIBUTION_DRIFT', 'joint_row_p_value'],
    ];
    for (const [code, measure] of drift) {
      expect(PROFILES.map((profile) => thresholdOf(code, measure, profile))).toEqual([null, null, null]);
      expect(measureOf(code, measure).sampling_adjusted).toBe(true);
      expect(measureOf(code, measure).threshold_source).toMatch(/α/);
    }
    for (const code of ['MARGINAL_ERROR_HIGH', 'MARGINAL_ERROR_CRITICAL', 'JOINT_DISTRIBUTION_DRIFT'] as const) {
      expect(GATES[code].measures.map((m) => m.measure)).toHaveLength(2);
      expect(GATES[code].combine).toBe('all');
    }
    expect(DRIFT_THRESHOLDS).toEqual({ alpha: 0.001, critical_factor: 2 });
  });

  it('honours the severities SPEC §8.2 names', () => {
    expect(GATES.FALLBACK_SUPERCRITICAL_FIELD.severity.high_stakes).toBe('hard');
    expect(GATES.ESTIMATED_FIELD_USED.severity).toEqual({ analysis_only: 'off', narrative_required: 'warning', high_stakes: 'warning' });
    expect(GATES.MARGINAL_ERROR_HIGH.severity.analysis_only).toBe('warning');
    expect(GATES.MARGINAL_ERROR_CRITICAL.severity.analysis_only).toBe('hard');
    expect(GATES.CONSISTENCY_VIOLATION.severity).toEqual({ analysis_only: 'hard', narrative_required: 'hard', high_stakes: 'hard' });
    expect(GATES.NARRATIVE_PII_DETECTED.always_escalate).toBe(true);
  });

  it('declares a measure, a recommendation and a stage for every gate, and for the markers only the warning count their record carries', () => {
    for (const code of GATE_CODES) {
      const definition = definitionOf(code);
      expect(definition.recommendation.length).toBeGreaterThan(10);
      expect(definition.measures.length).toBeGreaterThan(0);
      if (definition.stage === 'marker') expect(definition.measures.map((m) => m.measure)).toEqual(['warning_records']);
      for (const measure of definition.measures) {
        for (const profile of PROFILES) {
          const threshold = measure.threshold[profile];
          expect(threshold === null ? measure.threshold_source !== undefined : Number.isFinite(threshold)).toBe(true);
        }
      }
    }
  });

  it('throws on an unknown measure', () => {
    expect(() => thresholdOf('ESS_TOO_LOW', 'nothing', 'analysis_only')).toThrow(RangeError);
  });
});
