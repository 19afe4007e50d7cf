// PASS is reachable for every profile under the documented conditions (docs/trust.md,
// "Reaching PASS"), and the offline default of each profile is what the docs say it is.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../src/domain/request.js';
import { PROFILE_DETAILS, PROFILE_LIST } from '../../../src/domain/profiles.js';
import { evaluateGates, evaluatePreflight } from '../../../src/trust/evaluate.js';
import { GATES } from '../../../src/trust/gate-table.js';
import { cleanInput, offlineAdultInput, SUPERSEDED_VINTAGE } from '../trust/fixtures.js';

describe('profiles table', () => {
  it('defaults strict only for high_stakes and narratives to none only for analysis_only', () => {
    expect(PROFILE_LIST.map((p) => [p.profile, p.strict_default, p.narratives_default])).toEqual([
      ['analysis_only', false, 'none'],
      ['narrative_required', false, 'template'],
      ['high_stakes', true, 'template'],
    ]);
  });
});

describe.each(PROFILES)('%s', (profile) => {
  it('reaches PASS with high confidence: official fresh targets, converged calibration, valid narratives', () => {
    const evaluation = evaluateGates(cleanInput(profile));
    expect(evaluation.decision).toBe('PASS');
    expect(evaluation.gate_codes).toEqual(['PASS']);
    // #13: the passing marker has its own record, as the predecessor documented it
    expect(evaluation.gate_code_details).toEqual([
      {
        code: 'PASS',
        category: 'SUCCESS',
        severity: 'info',
        is_hard_gate: false,
        field: null,
        subject: null,
        measure: 'warning_records',
        comparator: '>',
        observed: 0,
        threshold: 0,
        recommendation: GATES.PASS.recommendation,
      },
    ]);
    expect(evaluation.recommendations).toEqual([GATES.PASS.recommendation]);
    expect(evaluation.confidence).toBe('high');
    expect(evaluation.base_confidence).toBe('high');
    expect(evaluation.confidence_factors).toEqual([]);
    expect(evaluation.monotonicity_applied).toBe(false);
    expect(evaluation.quality_tier).toBe('A');
    expect(evaluation.should_escalate).toBe(false);
    expect(evaluation.escalation_priority).toBe(10);
    expect(evaluation.withhold_dataset).toBe(false);
  });

  it('reaches PASS in strict mode too (strict never turns a PASS into a rejection)', () => {
    const input = cleanInput(profile);
    const evaluation = evaluateGates({ ...input, request: { ...input.request, strict: true } });
    expect(evaluation.gate_codes).toEqual(['PASS']);
  });

  it('passes preflight on the same conditions', () => {
    const evaluation = evaluatePreflight(cleanInput(profile));
    expect(evaluation.gate_codes).toEqual(['PASS']);
    expect(evaluation.stage).toBe('preflight');
    expect(evaluation.measurements).toBeNull();
    expect(evaluation.signals.mean_l1_error).toBeNull();
  });
});

describe('offline defaults (embedded snapshot, no network, adults 18+)', () => {
  it('analysis_only passes; its modelled targets are disclosed, not gated', () => {
    const evaluation = evaluateGates(offlineAdultInput('analysis_only'));
    expect(evaluation.decision).toBe('PASS');
    expect(evaluation.gate_codes).toEqual(['PASS']);
    expect(evaluation.confidence_factors).toEqual(['modelled_targets']);
    expect(evaluation.confidence).toBe('medium');
    expect(evaluation.signals.provenance_by_field.region).toBe('modelled');
    expect(evaluation.signals.provenance_by_field.age_group).toBe('official_snapshot');
    expect(evaluation.signals.fallback_ratio_super_critical).toBe(1);
    expect(evaluation.signals.fallback_ratio_critical).toBeCloseTo(10 / 11, 12);
    expect(evaluation.signals.targets_source).toBe('mixed');
  });

  it('narrative_required is rejected for its modelled super-critical targets and still releases the flagged dataset', () => {
    const evaluation = evaluateGates(offlineAdultInput('narrative_required'));
    expect(evaluation.decision).toBe('REJECT');
    expect(evaluation.gate_codes).toEqual([
      'TARGET_FALLBACK_SUPERCRITICAL',
      'ESTIMATED_FIELD_USED',
      'FALLBACK_CRITICAL_FIELD',
      'FALLBACK_SUPERCRITICAL_FIELD',
    ]);
    expect(evaluation.escalation_priority).toBe(2);
    expect(evaluation.withhold_dataset).toBe(false);
    expect(evaluation.confidence).toBe('low');
  });

  it('high_stakes (strict by default) stops at preflight without generating', () => {
    const preflight = evaluatePreflight(offlineAdultInput('high_stakes'));
    const codes = [
      'FALLBACK_SUPERCRITICAL_FIELD',
      'STRICT_MODE_BLOCKED',
      'TARGET_FALLBACK_SUPERCRITICAL',
      'ESTIMATED_FIELD_USED',
      'FALLBACK_CRITICAL_FIELD',
    ];
    expect(preflight.gate_codes).toEqual(codes);
    expect(preflight.withhold_dataset).toBe(true);
    expect(preflight.signals.n_generated).toBe(0);
    expect(evaluateGates(offlineAdultInput('high_stakes')).gate_codes).toEqual(codes);
  });

  it('with scope "all" (official all-ages, 10+ and 15+ targets) every profile passes while the periodic series are current', () => {
    for (const profile of PROFILES) {
      const input = cleanInput(profile);
      expect(input.tables.filter((t) => t.periodic).map((t) => t.vintage.status)).toEqual(['current']);
      expect(evaluateGates(input).gate_codes).toEqual(['PASS']);
      const superseded = { ...input, tables: input.tables.map((t) => (t.periodic ? { ...t, vintage: SUPERSEDED_VINTAGE } : t)) };
      expect(evaluateGates(superseded).gate_codes).toEqual(
        profile === 'analysis_only' ? ['PASS'] : profile === 'high_stakes' ? ['SNAPSHOT_SERIES_STALE'] : ['SNAPSHOT_SERIES_STALE', 'PASS_WITH_WARNINGS'],
      );
    }
  });

  it('profile defaults come from PROFILE_DETAILS', () => {
    expect(offlineAdultInput('high_stakes').request.strict).toBe(PROFILE_DETAILS.high_stakes.strict_default);
  });
});
