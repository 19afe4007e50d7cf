// One firing per gate code and profile, table-driven from GATES: every code that is not `off`
// for a profile has a scenario here (or a stated reason it cannot fire), and a code that is
// `off` stays silent on its own scenario. Expected observed values and thresholds are worked
// out by hand (or with SciPy, call beside) from the scenario, not read back from the evaluator.
import { describe, expect, it } from 'vitest';
import { type Profile, PROFILES } from '../../../src/domain/request.js';
import type { ComparedField } from '../../../src/domain/fields.js';
import type { EvaluationInput } from '../../../src/trust/evaluation-input.js';
import { evaluateGates } from '../../../src/trust/evaluate.js';
import { CONFLICT_ALLOWANCES } from '../../../src/trust/conflict-allowances.js';
import { GATE_CODES, MARKER_CODES, type GateCode } from '../../../src/trust/gate-table.js';
import {
  cleanCalibration,
  cleanInput,
  cleanNarratives,
  definitionOf,
  N,
  OVERDUE_VINTAGE,
  SUPERSEDED_VINTAGE,
  table,
  withObserved,
  withRequest,
  withTargets,
} from './fixtures.js';

interface Expected {
  readonly observed: number;
  readonly threshold: number;
  readonly field?: ComparedField;
  readonly subject?: string;
  /** Other codes the same scenario fires by construction. */
  readonly also?: readonly GateCode[];
}

interface Scenario {
  readonly input: EvaluationInput;
  readonly expected: Expected;
}

type ScenarioOf = (profile: Profile) => Scenario;

const BIG_N = 100_000;
const per = <T,>(values: Record<Profile, T>) => (profile: Profile) => values[profile];

function withNarratives(input: EvaluationInput, stats: Partial<ReturnType<typeof cleanNarratives>>): EvaluationInput {
  const provider = input.request.narratives.provider === 'llm' ? 'llm' : 'template';
  return {
    ...withRequest(input, { narratives: { provider } }),
    narratives: { ...cleanNarratives(provider, input.n_generated), ...stats },
  };
}

/**
 * Drift thresholds of the fixture, computed in Python (statistics.NormalDist, math.lgamma), not by
 * the evaluator. The fixture measures M = 18 rows (14 fields, 2 + 2 joint rows), so
 * c(0.001, 18) = √(π/2)·Φ⁻¹(1 − 0.001/36) = 5.052027036079041. E[TVD] is de Moivre's exact
 * binomial mean absolute deviation, Σ E|X − np| / 2n.
 */
const FIXTURE = {
  // sex, target .5/.5, n = 100,000: E[TVD] = 0.0012615631072159083, plus the listed sex allowance
  // 2.5e-5 (the unit sex ratios against the printed thousands, src/trust/conflict-allowances.ts)
  sexThresholdAt100k: 0.00637345092537465 + 2.5e-5,
  // urban row of ethnicity_by_residence, target .6/.3/.1, n = 50,000: E[TVD] = 0.002226845601717396
  urbanThresholdAt50k: 0.011250084185049984,
} as const;

const narrativeRatio = (stat: 'too_short' | 'too_long' | 'language_invalid' | 'name_missing') => (profile: Profile) => ({
  input: withNarratives(cleanInput(profile), { [stat]: 150 }),
  expected: { observed: 0.15, threshold: per({ analysis_only: 0.1, narrative_required: 0.05, high_stakes: 0.02 })(profile) },
});

const SCENARIOS: Partial<Record<GateCode, ScenarioOf>> = {
  TARGET_FALLBACK_SUPERCRITICAL: (profile) => ({
    input: withTargets(cleanInput(profile), { region: 'secondary', ethnicity: 'secondary', education_level: 'secondary' }),
    expected: { observed: 0.75, threshold: 0.5, also: ['FALLBACK_SUPERCRITICAL_FIELD'] },
  }),
  FALLBACK_SUPERCRITICAL_FIELD: (profile) => ({
    input: withTargets(cleanInput(profile), { ethnicity: 'secondary' }),
    expected: { observed: 0.25, threshold: 0, field: 'ethnicity' },
  }),
  FALLBACK_CRITICAL_FIELD: (profile) =>
    profile === 'high_stakes'
      ? {
          // 5 of the 11 critical and super-critical fields: 5/11 = 0.4545 > 0.40
          input: withTargets(cleanInput(profile), {
            sex: 'secondary',
            age_group: 'secondary',
            residence: 'secondary',
            mother_tongue: 'secondary',
            religion: 'secondary',
          }),
          expected: { observed: 5 / 11, threshold: 0.4, field: 'sex' },
        }
      : {
          // all 7 critical fields and region: 8/11 = 0.727 > 0.70
          input: withTargets(cleanInput(profile), {
            sex: 'secondary',
            age_group: 'secondary',
            district: 'secondary',
            residence: 'secondary',
            mother_tongue: 'secondary',
            religion: 'secondary',
            marital_status: 'secondary',
            region: 'secondary',
          }),
          expected: { observed: 8 / 11, threshold: 0.7, field: 'sex', also: ['FALLBACK_SUPERCRITICAL_FIELD'] },
        },
  ESTIMATED_FIELD_USED: (profile) => ({
    input: withTargets(cleanInput(profile), { economic_sector: 'modelled' }),
    expected: { observed: 1, threshold: 0, field: 'economic_sector' },
  }),
  SNAPSHOT_SERIES_STALE: (profile) => {
    const input = cleanInput(profile);
    return {
      input: { ...input, tables: input.tables.map((t) => (t.table_id === 'age_single' ? { ...t, vintage: SUPERSEDED_VINTAGE } : t)) },
      expected: { observed: 1, threshold: 0, subject: 'age_single' },
    };
  },
  PXWEB_CACHE_STALE: (profile) => {
    const limit = per({ analysis_only: 60, narrative_required: 30, high_stakes: 7 })(profile);
    const input = cleanInput(profile);
    const cached = table('age_sex_residence', { provenance_class: 'pxweb_cache', fetched_at: '2026-01-01T00:00:00Z', age_days: limit + 1 });
    return { input: { ...input, tables: [...input.tables, cached] }, expected: { observed: limit + 1, threshold: limit, subject: 'age_sex_residence' } };
  },
  PXWEB_FETCH_FAILED: (profile) => {
    const attempt = { pxweb_table: 'POP010200rcl.px', started_at: '2026-01-01T00:00:00Z', status: null, attempts: 3, duration_ms: 30_000, message: null };
    return {
      input: {
        ...cleanInput(profile),
        pxweb_mode: 'live',
        fetch_log: [
          { ...attempt, table_id: 'age_sex_residence', outcome: 'timeout' },
          { ...attempt, table_id: 'sex', outcome: 'ok', status: 200 },
        ],
      },
      expected: { observed: 1, threshold: 0 },
    };
  },
  CONFIG_INVALID_SEED: (profile) => ({ input: withRequest(cleanInput(profile), { seed: -1 }), expected: { observed: 1, threshold: 0 } }),
  CONFIG_VERSION_MISMATCH: (profile) => ({
    input: { ...cleanInput(profile), requested_generator_version: '0.0.9' },
    expected: { observed: 1, threshold: 0 },
  }),
  CONFIG_INCOMPLETE: (profile) => {
    const input = withRequest(cleanInput(profile), { narratives: { provider: 'llm' } });
    return { input: { ...input, llm_configured: false, narratives: cleanNarratives('llm') }, expected: { observed: 1, threshold: 0 } };
  },
  STRICT_MODE_BLOCKED: (profile) => ({
    input: { ...withRequest(cleanInput(profile), { strict: true }), duplicate_ids: 1 },
    expected: { observed: 1, threshold: 0, also: ['DUPLICATE_RECORDS'] },
  }),
  MARGINAL_ERROR_HIGH: (profile) => ({
    // sex 50,900 / 49,100: TVD 0.009, between T = 0.00637 and 2T = 0.01275 (so not critical);
    // chi-square 2·900²/50,000 = 32.4, p = erfc(√16.2) = 1.25e-8 < 0.001/18
    input: withObserved(cleanInput(profile, BIG_N), 'sex', [50_900, 49_100]),
    expected: { observed: 0.009, threshold: FIXTURE.sexThresholdAt100k, field: 'sex' },
  }),
  MARGINAL_ERROR_CRITICAL: (profile) => ({
    // sex 80,000 / 20,000: TVD 0.3 > 2T; scipy.stats.chisquare([80000, 20000], [50000, 50000]).pvalue = 0
    input: withObserved(cleanInput(profile, BIG_N), 'sex', [80_000, 20_000]),
    expected: { observed: 0.3, threshold: 2 * FIXTURE.sexThresholdAt100k, field: 'sex', also: ['MARGINAL_ERROR_HIGH'] },
  }),
  JOINT_DISTRIBUTION_DRIFT: (profile) => {
    const input = cleanInput(profile, BIG_N);
    const [first, ...rest] = input.joint_checks;
    if (first === undefined) throw new Error('fixture has joint checks');
    // urban row: target .6/.3/.1, observed .45/.45/.1 → TVD 0.15
    const drifted = { ...first, observed_counts: [[22_500, 22_500, 5_000], first.observed_counts[1] ?? []] };
    return {
      input: { ...input, joint_checks: [drifted, ...rest] },
      expected: { observed: 0.15, threshold: FIXTURE.urbanThresholdAt50k, field: 'ethnicity', subject: 'ethnicity_by_residence' },
    };
  },
  CONSISTENCY_VIOLATION: (profile) => ({
    input: { ...cleanInput(profile), consistency: { ...cleanInput(profile).consistency, tertiary_under_19: 3 } },
    expected: { observed: 3, threshold: 0, subject: 'tertiary_under_19' },
  }),
  DUPLICATE_RECORDS: (profile) => ({ input: { ...cleanInput(profile), duplicate_ids: 2 }, expected: { observed: 2, threshold: 0 } }),
  PLAUSIBILITY_RULE_EXCEEDED: (profile) => ({
    // 40 of 2,000 persons aged 18-20 with a degree: rate 0.02 > limit 0.005, and
    // scipy.stats.binom.sf(39, 2000, 0.005) = 5.9e-13 < 0.001 / 1 (the one rule with a population)
    input: { ...cleanInput(profile), plausibility: { ...cleanInput(profile).plausibility, degree_before_21: { count: 40, denominator: 2000 } } },
    expected: { observed: 0.02, threshold: 0.005, subject: 'degree_before_21' },
  }),
  RECORD_COUNT_MISMATCH: (profile) => ({ input: { ...cleanInput(profile), n_generated: N - 10 }, expected: { observed: 10, threshold: 0 } }),
  ESS_TOO_LOW: (profile) => {
    const input = cleanInput(profile);
    const calibration = { ...cleanCalibration(), ess_ratio: 0.4, information_loss: 0.6 };
    return { input: { ...input, calibration }, expected: { observed: 0.4, threshold: per({ analysis_only: 0.5, narrative_required: 0.7, high_stakes: 0.85 })(profile) } };
  },
  WEIGHT_CONCENTRATION_HIGH: (profile) => {
    const input = cleanInput(profile);
    const calibration = { ...cleanCalibration(), max_weight: 60, max_mean_weight_ratio: 60 };
    return { input: { ...input, calibration }, expected: { observed: 60, threshold: per({ analysis_only: 50, narrative_required: 20, high_stakes: 10 })(profile) } };
  },
  IPF_DIVERGENCE: (profile) => {
    const input = cleanInput(profile);
    const calibration = { ...cleanCalibration(), converged: false, max_residual: 0.01, iterations: 1000 };
    return { input: { ...input, calibration }, expected: { observed: 0.01, threshold: 1e-6 } };
  },
  ETHNOCULTURAL_FALLBACK_USED: (profile) => ({
    input: { ...cleanInput(profile), ethnocultural_fallbacks: [{ table_id: 'mother_tongue_by_ethnicity', persons: 60 }] },
    expected: { observed: 0.06, threshold: per({ analysis_only: 0.05, narrative_required: 0.02, high_stakes: 0.01 })(profile), subject: 'mother_tongue_by_ethnicity' },
  }),
  NARRATIVE_MOCK_RATIO_HIGH: (profile) => ({
    input: withNarratives(cleanInput(profile), { mock_ratio: 0.3 }),
    expected: { observed: 0.3, threshold: per({ analysis_only: 1, narrative_required: 0.2, high_stakes: 0.05 })(profile) },
  }),
  NARRATIVE_SCHEMA_INVALID: (profile) => ({
    input: withNarratives(cleanInput(profile), { schema_invalid_ratio: 0.6 }),
    expected: { observed: 0.4, threshold: per({ analysis_only: 0.5, narrative_required: 0.9, high_stakes: 0.95 })(profile) },
  }),
  NARRATIVE_PARSE_FAILURE: (profile) => ({
    input: withNarratives(cleanInput(profile), { parse_failure_ratio: 0.2 }),
    expected: { observed: 0.2, threshold: 0.1 },
  }),
  NARRATIVE_TOO_SHORT: narrativeRatio('too_short'),
  NARRATIVE_TOO_LONG: narrativeRatio('too_long'),
  NARRATIVE_LANGUAGE_INVALID: narrativeRatio('language_invalid'),
  NARRATIVE_NAME_MISSING: narrativeRatio('name_missing'),
  NARRATIVE_PRONOUN_MISMATCH: (profile) => ({
    input: withNarratives(cleanInput(profile), { pronoun_mismatch: 60 }),
    expected: { observed: 0.06, threshold: per({ analysis_only: 0.05, narrative_required: 0.01, high_stakes: 0 })(profile) },
  }),
  NARRATIVE_CONTRADICTION: (profile) => ({
    input: withNarratives(cleanInput(profile), { contradiction: 60 }),
    expected: { observed: 0.06, threshold: per({ analysis_only: 0.05, narrative_required: 0.02, high_stakes: 0 })(profile) },
  }),
  NARRATIVE_PII_DETECTED: (profile) => ({
    input: withNarratives(cleanInput(profile), { pii_count: 2, withheld: 2 }),
    expected: { observed: 2, threshold: 0 },
  }),
  SYSTEM_MEMORY_EXCEEDED: (profile) => ({
    input: { ...cleanInput(profile), system: { timed_out: false, memory_exceeded: true, checkpoint_corrupt: false } },
    expected: { observed: 1, threshold: 0 },
  }),
  SYSTEM_TIMEOUT: (profile) => ({
    input: { ...cleanInput(profile), system: { timed_out: true, memory_exceeded: false, checkpoint_corrupt: false } },
    expected: { observed: 1, threshold: 0 },
  }),
  SYSTEM_CHECKPOINT_CORRUPT: (profile) => ({
    input: { ...cleanInput(profile), system: { timed_out: false, memory_exceeded: false, checkpoint_corrupt: true } },
    expected: { observed: 1, threshold: 0 },
  }),
};

/** Pairs whose severity is not `off` but whose declared threshold cannot be crossed. */
const UNREACHABLE: Partial<Record<GateCode, Partial<Record<Profile, string>>>> = {
  NARRATIVE_MOCK_RATIO_HIGH: { analysis_only: 'max_mock_ratio is 1.0 and a ratio cannot exceed 1' },
};

const GATE_ONLY = GATE_CODES.filter((code) => !(MARKER_CODES as readonly GateCode[]).includes(code));

/** The ordering rule of SPEC §8.2, restated as the test's oracle. */
function expectedCodes(profile: Profile, codes: readonly GateCode[]): GateCode[] {
  const active = [...new Set(codes)].filter((code) => definitionOf(code).severity[profile] !== 'off');
  const hard = active.filter((code) => definitionOf(code).severity[profile] === 'hard').sort();
  const warnings = active.filter((code) => definitionOf(code).severity[profile] === 'warning').sort();
  if (hard.length > 0) return [...hard, ...warnings];
  return warnings.length > 0 ? [...warnings, 'PASS_WITH_WARNINGS'] : ['PASS'];
}

const cases = GATE_ONLY.flatMap((code) => PROFILES.map((profile) => ({ code, profile, severity: definitionOf(code).severity[profile] })));

describe('gate firing, one scenario per code and profile', () => {
  it('has a scenario for every gate code', () => {
    expect(GATE_ONLY.filter((code) => SCENARIOS[code] === undefined)).toEqual([]);
  });

  it.each(cases.filter((c) => c.severity !== 'off' && UNREACHABLE[c.code]?.[c.profile] === undefined))(
    '$code fires as $severity for $profile',
    ({ code, profile, severity }) => {
      const scenario = (SCENARIOS[code] as ScenarioOf)(profile);
      const evaluation = evaluateGates(scenario.input);
      const codes = expectedCodes(profile, [code, ...(scenario.expected.also ?? [])]);
      expect(evaluation.gate_codes).toEqual(codes);
      expect(evaluation.decision).toBe(codes.includes('PASS_WITH_WARNINGS') ? 'PASS_WITH_WARNINGS' : 'REJECT');
      if (severity === 'hard') expect(evaluation.decision).toBe('REJECT');

      const detail = evaluation.gate_code_details.find((entry) => entry.code === code);
      expect(detail).toBeDefined();
      expect(detail?.severity).toBe(severity);
      expect(detail?.is_hard_gate).toBe(severity === 'hard');
      expect(detail?.category).toBe(definitionOf(code).category);
      expect(detail?.recommendation).toBe(definitionOf(code).recommendation);
      expect(detail?.observed).toBeCloseTo(scenario.expected.observed, 9);
      expect(detail?.threshold).toBeCloseTo(scenario.expected.threshold, 9);
      expect(detail?.field).toBe(scenario.expected.field ?? null);
      expect(detail?.subject).toBe(scenario.expected.subject ?? null);
      expect(typeof detail?.observed).toBe('number');
      expect(typeof detail?.threshold).toBe('number');

      expect(evaluation.recommendations).toEqual(evaluation.gate_codes.map((c) => definitionOf(c).recommendation));
      expect(evaluation.escalation_priority).toBe(Math.min(10, ...codes.map((c) => definitionOf(c).priority)));
      expect(evaluation.should_escalate).toBe(evaluation.decision === 'REJECT' || code === 'NARRATIVE_PII_DETECTED');
      expect(evaluation.quality_tier === 'REJECT').toBe(evaluation.decision === 'REJECT');
    },
  );

  it.each(cases.filter((c) => c.severity === 'off'))('$code stays silent for $profile (off)', ({ code, profile }) => {
    const scenario = (SCENARIOS[code] as ScenarioOf)(profile);
    expect(evaluateGates(scenario.input).gate_codes).not.toContain(code);
  });

  it.each(
    cases.filter((c) => UNREACHABLE[c.code]?.[c.profile] !== undefined).map((c) => ({ ...c, reason: UNREACHABLE[c.code]?.[c.profile] })),
  )('$code cannot fire for $profile: $reason', ({ code, profile }) => {
    const scenario = (SCENARIOS[code] as ScenarioOf)(profile);
    const extreme = withNarratives(scenario.input, { mock_ratio: 1 });
    expect(evaluateGates(extreme).gate_codes).not.toContain(code);
  });
});

describe('staleness of the embedded periodic series', () => {
  const withAgeSingle = (vintage: typeof SUPERSEDED_VINTAGE, overrides = {}) => {
    const input = cleanInput('high_stakes');
    return { ...input, tables: input.tables.map((t) => (t.table_id === 'age_single' ? { ...t, vintage, ...overrides } : t)) };
  };
  const staleDetails = (input: EvaluationInput) => evaluateGates(input).gate_code_details.filter((d) => d.code === 'SNAPSHOT_SERIES_STALE');

  it('says whether the next vintage is seen published or only overdue', () => {
    expect(staleDetails(withAgeSingle(SUPERSEDED_VINTAGE)).map((d) => d.measure)).toEqual(['series_superseded']);
    expect(staleDetails(withAgeSingle(OVERDUE_VINTAGE)).map((d) => d.measure)).toEqual(['series_release_overdue']);
  });

  it('never fires for a current series, however old its copy date (retrieved) or its age', () => {
    const current = withAgeSingle({ ...SUPERSEDED_VINTAGE, status: 'current' }, { retrieved: '2000-01-01', age_days: 10_000 });
    expect(staleDetails(current)).toEqual([]);
    expect(evaluateGates(current).gate_codes).toEqual(['PASS']);
  });

  it('never fires for a census table, even one wrongly marked superseded, unless it is periodic', () => {
    const input = cleanInput('high_stakes');
    const census = { ...input, tables: input.tables.map((t) => (t.table_id === 'sex' ? { ...t, vintage: SUPERSEDED_VINTAGE } : t)) };
    expect(staleDetails(census)).toEqual([]);
  });
});

describe('gate details', () => {
  it('emits one record per offending field, in field order', () => {
    const input = withTargets(cleanInput('narrative_required'), { region: 'modelled', employment_status: 'modelled', sex: 'modelled' });
    const fields = evaluateGates(input)
      .gate_code_details.filter((detail) => detail.code === 'ESTIMATED_FIELD_USED')
      .map((detail) => detail.field);
    expect(fields).toEqual(['sex', 'region', 'employment_status']);
  });

  it('needs the chi-square test too: a rare category over its TVD threshold by chance fires nothing', () => {
    // n = 100, target .99/.01, observed 95/5: TVD 0.04 > T = c(0.001, 18)·E[TVD] = 5.0520·0.0073206 = 0.03698
    // (E|X − 1| for X ~ Binomial(100, .01) = 4·C(100, 2)·.01²·.99⁹⁹ = 0.7321, computed in Python). Such
    // tails are Poisson, not normal; the chi-square test pools the expected count of 1, leaves df = 0, p = 1.
    const input = withObserved(cleanInput('analysis_only'), 'inactivity_reason', [95, 5], [0.99, 0.01]);
    const evaluation = evaluateGates(input);
    const field = evaluation.measurements?.fields.find((entry) => entry.field === 'inactivity_reason');
    expect(field?.tvd).toBeCloseTo(0.04, 12);
    expect(field?.threshold).toBeCloseTo(0.03698410568383195, 9);
    expect(field?.chi_square?.p_value).toBe(1);
    expect(evaluation.gate_codes).toEqual(['PASS']);
  });

  it('builds each threshold from c(α, M)·E[TVD] at the row\'s n, the rounding floor and the allowance', () => {
    // n = 1,000, M = 18. sex .5/.5: E[TVD] = 0.012612509089179826; the sex table's half rounding unit
    // 0.0005 gives the floor (K − 1)·h = 0.0005. region .5/.3/.2: E[TVD] = 0.017129723134777567, no
    // rounding, plus the listed region allowance. All computed in Python.
    const base = cleanInput('analysis_only');
    const input = { ...base, tables: base.tables.map((t) => (t.table_id === 'sex' ? { ...t, rounding_half_unit: 0.0005 } : t)) };
    const measured = evaluateGates(input).measurements;
    expect(measured?.drift_thresholds).toEqual({
      alpha: 0.001,
      rows_gated: 18,
      multiplier: expect.closeTo(5.052027036079041, 12),
      critical_factor: 2,
      p_value_limit: 0.001 / 18,
    });
    const sex = measured?.fields.find((field) => field.field === 'sex');
    expect(sex?.expected_sampling_tvd).toBeCloseTo(0.012612509089179826, 12);
    expect(sex?.floor).toBeCloseTo(0.0005, 15);
    const sexAllowance = CONFLICT_ALLOWANCES.find((entry) => entry.check === 'sex' && entry.row === null)?.allowance ?? 0;
    expect(sex?.allowance).toBe(sexAllowance);
    expect(sex?.threshold).toBeCloseTo(0.06421873691132912 + sexAllowance, 12);
    expect(sex?.critical_threshold).toBeCloseTo(2 * (0.06421873691132912 + sexAllowance), 12);
    const listed = CONFLICT_ALLOWANCES.find((entry) => entry.check === 'region' && entry.row === null)?.allowance;
    expect(listed).toBeGreaterThan(0);
    const region = measured?.fields.find((field) => field.field === 'region');
    expect(region?.allowance).toBe(listed);
    expect(region?.threshold).toBeCloseTo(0.08653982439744488 + (listed ?? 0), 12);
  });

  it('gives a modelled target neither a rounding floor nor an allowance (the target is the model itself)', () => {
    const base = withTargets(cleanInput('analysis_only'), { sex: 'modelled', region: 'modelled' });
    const input = { ...base, tables: base.tables.map((t) => (t.table_id === 'sex' ? { ...t, rounding_half_unit: 0.0005 } : t)) };
    const fields = evaluateGates(input).measurements?.fields ?? [];
    for (const name of ['sex', 'region'] as const) {
      const field = fields.find((entry) => entry.field === name);
      expect([field?.floor, field?.allowance]).toEqual([0, 0]);
      expect(field?.threshold).toBeCloseTo(5.052027036079041 * (field?.expected_sampling_tvd ?? NaN), 12);
    }
  });

  it('fires CONFIG_INCOMPLETE when narrative_required runs without narratives', () => {
    const input = { ...withRequest(cleanInput('narrative_required'), { narratives: { provider: 'none' } }), narratives: null };
    const evaluation = evaluateGates(input);
    expect(evaluation.gate_codes).toEqual(['CONFIG_INCOMPLETE']);
  });

  it('compares a partial cross-tab on its published cells plus one pooled rest cell', () => {
    const input = cleanInput('analysis_only', BIG_N);
    const partial = input.joint_checks[1];
    if (partial === undefined) throw new Error('fixture has a partial joint check');
    // row region_a: target a = .9, rest .1; observed a = .7 (28,000 of 40,000) → TVD over {a, rest} = 0.2
    const drifted = { ...partial, observed_counts: [[28_000, 6_000, 6_000], ...partial.observed_counts.slice(1)] };
    const evaluation = evaluateGates({ ...input, joint_checks: [input.joint_checks[0] ?? partial, drifted] });
    const detail = evaluation.gate_code_details.find((entry) => entry.code === 'JOINT_DISTRIBUTION_DRIFT');
    expect(detail?.subject).toBe('ethnicity_by_region');
    expect(detail?.observed).toBeCloseTo(0.2, 12);
    const row = evaluation.measurements?.joint_checks[1]?.rows.find((r) => r.row === 'region_a');
    expect(row?.pooled_rest).toBe(true);
    expect(row?.published_cells).toBe(1);
    // The unpublished row (region_b) is not compared.
    expect(evaluation.measurements?.joint_checks[1]?.rows.map((r) => r.row)).toEqual(['region_a', 'region_c']);
  });

  it('throws STATS_INVALID_ARGUMENT when a target field has no observed counts', () => {
    const input = cleanInput('analysis_only');
    const { sex: _sex, ...others } = input.field_observed;
    expect(() => evaluateGates({ ...input, field_observed: others })).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });

  it('throws STATS_INVALID_ARGUMENT when target shares do not sum to 1', () => {
    const input = cleanInput('analysis_only');
    const broken = input.field_targets.map((t) => (t.field === 'sex' ? { ...t, target_shares: [0.5, 0.4] } : t));
    expect(() => evaluateGates({ ...input, field_targets: broken })).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});

describe('a run that generated nothing', () => {
  it('fires RECORD_COUNT_MISMATCH and measures nothing', () => {
    const input = { ...cleanInput('analysis_only'), n_generated: 0, field_observed: {}, joint_checks: [], narratives: null };
    const evaluation = evaluateGates(input);
    expect(evaluation.gate_codes).toEqual(['RECORD_COUNT_MISMATCH']);
    expect(evaluation.gate_code_details[0]?.observed).toBe(N);
    expect(evaluation.signals.mean_l1_error).toBeNull();
    expect(evaluation.measurements?.fields.every((field) => field.l1_error === null)).toBe(true);
    expect(evaluation.quality_tier).toBe('REJECT');
  });
});
