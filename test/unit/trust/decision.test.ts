import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../src/domain/request.js';
import { COMPARED_FIELDS } from '../../../src/domain/fields.js';
import { CONSISTENCY_RULES, type EvaluationInput } from '../../../src/trust/evaluation-input.js';
import { CONFIDENCE_LEVELS } from '../../../src/trust/confidence.js';
import { decide } from '../../../src/trust/decision.js';
import { evaluateGates } from '../../../src/trust/evaluate.js';
import { GATE_CODES, MARKER_CODES, type GateCode } from '../../../src/trust/gate-table.js';
import { buildRunManifest, RunManifestSchema } from '../../../src/trust/manifest.js';
import { buildTrustReport } from '../../../src/trust/report.js';
import { TrustReportSchema } from '../../../src/trust/report-schema.js';
import type { GateDetail } from '../../../src/trust/gates/gate-detail.js';
import { cleanCalibration, cleanInput, cleanNarratives, CURRENT_VINTAGE, definitionOf, withObserved, withTargets } from './fixtures.js';

function firing(code: GateCode, severity: 'hard' | 'warning', field: GateDetail['field'] = null): GateDetail {
  return {
    code,
    category: 'TEST',
    severity,
    is_hard_gate: severity === 'hard',
    field,
    subject: null,
    measure: 'test',
    comparator: '>',
    observed: 1,
    threshold: 0,
    recommendation: 'test',
  };
}

describe('decide', () => {
  it('orders hard codes alphabetically, then warnings alphabetically, with no marker on REJECT', () => {
    const outcome = decide({
      profile: 'analysis_only',
      strict: false,
      firings: [
        firing('PXWEB_FETCH_FAILED', 'warning'),
        firing('SYSTEM_TIMEOUT', 'hard'),
        firing('ESTIMATED_FIELD_USED', 'warning'),
        firing('DUPLICATE_RECORDS', 'hard'),
        firing('ESTIMATED_FIELD_USED', 'warning', 'region'),
      ],
    });
    expect(outcome.decision).toBe('REJECT');
    expect(outcome.gate_codes).toEqual(['DUPLICATE_RECORDS', 'SYSTEM_TIMEOUT', 'ESTIMATED_FIELD_USED', 'PXWEB_FETCH_FAILED']);
    expect(outcome.gate_code_details.map((d) => d.code)).toEqual([
      'DUPLICATE_RECORDS',
      'SYSTEM_TIMEOUT',
      'ESTIMATED_FIELD_USED',
      'ESTIMATED_FIELD_USED',
      'PXWEB_FETCH_FAILED',
    ]);
    expect(outcome.escalation_priority).toBe(6);
    expect(outcome.should_escalate).toBe(true);
  });

  it('appends PASS_WITH_WARNINGS after the warnings', () => {
    const outcome = decide({ profile: 'analysis_only', strict: false, firings: [firing('SYSTEM_CHECKPOINT_CORRUPT', 'warning'), firing('CONFIG_INVALID_SEED', 'warning')] });
    expect(outcome.decision).toBe('PASS_WITH_WARNINGS');
    expect(outcome.gate_codes).toEqual(['CONFIG_INVALID_SEED', 'SYSTEM_CHECKPOINT_CORRUPT', 'PASS_WITH_WARNINGS']);
    expect(outcome.gate_code_details.map((d) => [d.code, d.severity, d.observed])).toEqual([
      ['CONFIG_INVALID_SEED', 'warning', 1],
      ['SYSTEM_CHECKPOINT_CORRUPT', 'warning', 1],
      ['PASS_WITH_WARNINGS', 'info', 2],
    ]);
    expect(outcome.recommendations).toHaveLength(3);
    expect(outcome.should_escalate).toBe(false);
  });

  it('escalates on PII even as a warning, with priority 1', () => {
    const outcome = decide({ profile: 'analysis_only', strict: false, firings: [firing('NARRATIVE_PII_DETECTED', 'warning')] });
    expect(outcome.decision).toBe('PASS_WITH_WARNINGS');
    expect(outcome.should_escalate).toBe(true);
    expect(outcome.escalation_priority).toBe(1);
  });

  it('in strict mode adds STRICT_MODE_BLOCKED to a rejection and withholds the dataset, and leaves warnings alone', () => {
    const rejected = decide({ profile: 'analysis_only', strict: true, firings: [firing('IPF_DIVERGENCE', 'hard'), firing('ESS_TOO_LOW', 'hard')] });
    expect(rejected.gate_codes).toEqual(['ESS_TOO_LOW', 'IPF_DIVERGENCE', 'STRICT_MODE_BLOCKED']);
    expect(rejected.withhold_dataset).toBe(true);
    expect(rejected.gate_code_details.at(-1)?.observed).toBe(2);
    const warned = decide({ profile: 'analysis_only', strict: true, firings: [firing('IPF_DIVERGENCE', 'warning')] });
    expect(warned.decision).toBe('PASS_WITH_WARNINGS');
    expect(warned.withhold_dataset).toBe(false);
  });
});

// Random runs: every gate family can go wrong at once, under every profile and strictness.
const randomInput = fc
  .record({
    profile: fc.constantFrom(...PROFILES),
    strict: fc.boolean(),
    classes: fc.array(fc.constantFrom('official_snapshot', 'pxweb_cache', 'pxweb_live', 'secondary', 'modelled'), {
      minLength: COMPARED_FIELDS.length,
      maxLength: COMPARED_FIELDS.length,
    }),
    shift: fc.double({ min: 0, max: 0.3, noNaN: true }),
    shiftedField: fc.constantFrom(...COMPARED_FIELDS),
    seriesStatus: fc.constantFrom('current' as const, 'expected_superseded' as const, 'superseded' as const),
    essRatio: fc.double({ min: 0.3, max: 1, noNaN: true }),
    converged: fc.boolean(),
    violations: fc.array(fc.nat({ max: 2 }), { minLength: CONSISTENCY_RULES.length, maxLength: CONSISTENCY_RULES.length }),
    duplicates: fc.nat({ max: 2 }),
    provider: fc.constantFrom('none', 'template', 'llm'),
    mockRatio: fc.double({ min: 0, max: 1, noNaN: true }),
    pii: fc.nat({ max: 2 }),
    failed: fc.nat({ max: 50 }),
    pronoun: fc.nat({ max: 30 }),
    timedOut: fc.boolean(),
    fetchFailed: fc.boolean(),
    useIpf: fc.boolean(),
  })
  .map((r): EvaluationInput => {
    const classes = Object.fromEntries(COMPARED_FIELDS.map((field, i) => [field, r.classes[i] ?? 'official_snapshot']));
    let input = withTargets(cleanInput(r.profile), classes);
    const shares = input.field_targets.find((t) => t.field === r.shiftedField)?.target_shares ?? [];
    input = withObserved(
      input,
      r.shiftedField,
      shares.map((share, i) => Math.max(0, Math.round((share + (i === 0 ? r.shift : i === 1 ? -r.shift : 0)) * 1000))),
    );
    const narratives =
      r.provider === 'none' ? null : { ...cleanNarratives(r.provider), mock_ratio: r.mockRatio, pii_count: r.pii, failed: r.failed, pronoun_mismatch: r.pronoun };
    return {
      ...input,
      request: { ...input.request, strict: r.strict, use_ipf: r.useIpf, narratives: { provider: r.provider } },
      llm_configured: true,
      tables: input.tables.map((t) => (t.periodic ? { ...t, vintage: { ...CURRENT_VINTAGE, status: r.seriesStatus } } : t)),
      fetch_log: r.fetchFailed
        ? [{ table_id: 'sex', pxweb_table: 'x', started_at: '2026-01-01T00:00:00Z', outcome: 'http_error', status: 500, attempts: 3, duration_ms: 10, message: null }]
        : [],
      calibration:
        r.useIpf
          ? { ...cleanCalibration(), ess_ratio: r.essRatio, information_loss: 1 - r.essRatio, converged: r.converged, max_residual: r.converged ? 1e-9 : 0.01 }
          : null,
      consistency: Object.fromEntries(CONSISTENCY_RULES.map((rule, i) => [rule, r.violations[i] ?? 0])) as EvaluationInput['consistency'],
      duplicate_ids: r.duplicates,
      narratives,
      system: { timed_out: r.timedOut, memory_exceeded: false, checkpoint_corrupt: false },
    };
  });

const rank = (level: (typeof CONFIDENCE_LEVELS)[number]) => CONFIDENCE_LEVELS.indexOf(level);

describe('evaluateGates invariants (fast-check)', () => {
  it('never raises confidence above the base, and flags exactly when it lowers it', () => {
    fc.assert(
      fc.property(randomInput, (input) => {
        const e = evaluateGates(input);
        const bandOk = e.base_confidence === (e.confidence_factors.length === 0 ? 'high' : e.confidence_factors.length < 3 ? 'medium' : 'low');
        return rank(e.confidence) <= rank(e.base_confidence) && e.monotonicity_applied === (e.confidence !== e.base_confidence) && bandOk;
      }),
      { numRuns: 150 },
    );
  });

  it('rejects exactly when a hard gate fired, and only then has tier REJECT', () => {
    fc.assert(
      fc.property(randomInput, (input) => {
        const e = evaluateGates(input);
        const hard = e.gate_code_details.some((d) => d.is_hard_gate);
        return (e.decision === 'REJECT') === hard && hard === e.hard_gates_triggered && (e.quality_tier === 'REJECT') === hard;
      }),
      { numRuns: 150 },
    );
  });

  it('builds a report and a manifest that fit their strict schemas (the builders do not re-parse them)', () => {
    fc.assert(
      fc.property(randomInput, (input) => {
        const e = evaluateGates(input);
        const report = buildTrustReport(input, e, { run_id: '01936f0e-8a3b-7c4d-9e5f-0123456789ab', generated_at: '2026-11-24T04:00:00.000Z' });
        const parsedReport = TrustReportSchema.safeParse(report);
        expect(parsedReport.success, JSON.stringify(parsedReport.error?.issues.slice(0, 3))).toBe(true);
        expect(parsedReport.data).toEqual(report);
        const sha = `sha256:${'d'.repeat(64)}` as const;
        const manifest = buildRunManifest(input, e, {
          run_id: '01936f0e-8a3b-7c4d-9e5f-0123456789ab',
          created_at: '2026-11-24T03:59:58.000Z',
          started_at: '2026-11-24T03:59:59.000Z',
          finished_at: '2026-11-24T04:00:00.000Z',
          request_received: { n: input.request.n, profile: input.request.profile },
          node_version: 'v20.20.2',
          worker_count: 2,
          shard_size: 16_384,
          dataset_sha256: e.withhold_dataset ? null : sha,
          output_files: e.withhold_dataset ? [] : [{ name: 'dataset.ndjson', media_type: 'application/x-ndjson', bytes: 1, sha256: sha }],
        });
        const parsedManifest = RunManifestSchema.safeParse(manifest);
        expect(parsedManifest.success, JSON.stringify(parsedManifest.error?.issues.slice(0, 3))).toBe(true);
        expect(parsedManifest.data).toEqual(manifest);
      }),
      { numRuns: 100 },
    );
  });

  it('lists gate codes unique, never empty, hard then warnings (each ASCII-sorted), then the marker', () => {
    fc.assert(
      fc.property(randomInput, (input) => {
        const e = evaluateGates(input);
        const codes = e.gate_codes;
        const hard = [...new Set(e.gate_code_details.filter((d) => d.is_hard_gate).map((d) => d.code))].sort();
        const warnings = [...new Set(e.gate_code_details.filter((d) => d.severity === 'warning').map((d) => d.code))].sort();
        const marker = hard.length > 0 ? [] : warnings.length > 0 ? ['PASS_WITH_WARNINGS'] : ['PASS'];
        // the marker of a passing decision has exactly one record, last, and a rejected run has none
        const markerRecords = e.gate_code_details.filter((d) => d.severity === 'info');
        expect(markerRecords.map((d) => d.code)).toEqual(marker);
        if (marker.length > 0) expect(e.gate_code_details.at(-1)).toMatchObject({ code: marker[0], category: 'SUCCESS', is_hard_gate: false });
        expect(codes.length).toBeGreaterThan(0);
        expect(new Set(codes).size).toBe(codes.length);
        expect(codes).toEqual([...hard, ...warnings, ...marker]);
      }),
      { numRuns: 150 },
    );
  });

  it('aligns one recommendation per code and derives escalation from the gate table', () => {
    fc.assert(
      fc.property(randomInput, (input) => {
        const e = evaluateGates(input);
        expect(e.recommendations).toEqual(e.gate_codes.map((code) => definitionOf(code).recommendation));
        expect(e.escalation_priority).toBe(Math.min(...e.gate_codes.map((code) => definitionOf(code).priority)));
        expect(e.should_escalate).toBe(e.decision === 'REJECT' || e.gate_codes.includes('NARRATIVE_PII_DETECTED'));
        expect(e.withhold_dataset).toBe(input.request.strict && e.decision === 'REJECT');
        expect(e.gate_codes.includes('STRICT_MODE_BLOCKED')).toBe(input.request.strict && e.decision === 'REJECT');
        for (const detail of e.gate_code_details) {
          expect(Number.isFinite(detail.observed)).toBe(true);
          expect(Number.isFinite(detail.threshold)).toBe(true);
          if (detail.severity !== 'info') expect(definitionOf(detail.code).severity[input.request.profile]).toBe(detail.severity);
        }
        const markers: readonly GateCode[] = MARKER_CODES;
        for (const code of e.gate_codes) {
          if (!markers.includes(code)) expect(e.gate_code_details.some((d) => d.code === code)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('only ever emits codes of the table', () => {
    fc.assert(
      fc.property(randomInput, (input) => evaluateGates(input).gate_codes.every((code) => GATE_CODES.includes(code))),
      { numRuns: 50 },
    );
  });
});
