import { allowanceOf } from '../../../src/trust/conflict-allowances.js';
import { describe, expect, it } from 'vitest';
import { CONSISTENCY_RULES } from '../../../src/trust/evaluation-input.js';
import { evaluateGates, evaluatePreflight } from '../../../src/trust/evaluate.js';
import { runManifestJsonSchema, trustReportJsonSchema } from '../../../src/trust/json-schema.js';
import { buildRunManifest, RunManifestSchema, type ManifestRunInfo } from '../../../src/trust/manifest.js';
import { buildTrustReport } from '../../../src/trust/report.js';
import { compileSchema } from './ajv.js';
import { cleanInput, offlineAdultInput, table, withObserved } from './fixtures.js';

const validateReport = compileSchema(trustReportJsonSchema());
const validateManifest = compileSchema(runManifestJsonSchema());
const RUN = { run_id: '01936f0e-8a3b-7c4d-9e5f-0123456789ab', generated_at: '2026-11-24T04:00:00.000Z' };

function expectValid(validate: ReturnType<typeof compileSchema>, document: unknown): void {
  validate(JSON.parse(JSON.stringify(document)));
  expect(validate.errors ?? []).toEqual([]);
}

describe('buildTrustReport', () => {
  it('reports every marginal with target and actual shares and all metrics', () => {
    // sex: target .5/.5, observed 80,000 / 20,000. L1 = 0.6, TVD = 0.3, max error 0.3;
    // JSD: scipy.spatial.distance.jensenshannon([.8, .2], [.5, .5], base=2) ** 2 = 0.0731040079318099;
    // chi-square: scipy.stats.chisquare([80000, 20000], [50000, 50000]).statistic = 36000.0
    const input = withObserved(cleanInput('analysis_only', 100_000), 'sex', [80_000, 20_000]);
    const report = buildTrustReport(input, evaluateGates(input), RUN);
    expect(report.marginals?.fields).toHaveLength(14);
    const sex = report.marginals?.fields.find((field) => field.field === 'sex');
    expect(sex?.categories).toEqual([
      { category: 'female', target_share: 0.5, actual_share: 0.8, observed_count: 80_000 },
      { category: 'male', target_share: 0.5, actual_share: 0.2, observed_count: 20_000 },
    ]);
    expect(sex?.l1_error).toBeCloseTo(0.6, 12);
    expect(sex?.tvd).toBeCloseTo(0.3, 12);
    expect(sex?.max_category_error).toBeCloseTo(0.3, 12);
    expect(sex?.js_divergence_bits).toBeCloseTo(0.0731040079318099, 12);
    expect(sex?.chi_square?.statistic).toBeCloseTo(36_000, 6);
    expect(sex?.chi_square?.degrees_of_freedom).toBe(1);
    expect(report.marginals?.max_l1_field).toBe('sex');
    expect(report.decision.gate_codes).toEqual(['MARGINAL_ERROR_CRITICAL', 'MARGINAL_ERROR_HIGH']);
    expect(report.gate_details.map((detail) => detail.code)).toEqual(['MARGINAL_ERROR_CRITICAL', 'MARGINAL_ERROR_HIGH']);
    expectValid(validateReport, report);
  });

  it('reports joint checks row by row, consistency, duplicates, calibration, provenance and the fetch log', () => {
    const base = cleanInput('narrative_required');
    const input = {
      ...base,
      tables: [...base.tables, table('age_sex_residence', { provenance_class: 'pxweb_cache' as const, age_days: 40, fetched_at: '2026-10-15T00:00:00Z' })],
      consistency: { ...base.consistency, name_sex_mismatch: 2 },
      fetch_log: [{ table_id: 'age_sex_residence', pxweb_table: 'POP010200rcl.px', started_at: '2026-11-24T03:59:00.000Z', outcome: 'ok' as const, status: 200, attempts: 1, duration_ms: 120, message: null }],
    };
    const report = buildTrustReport(input, evaluateGates(input), RUN);
    expect(report.joint_checks?.map((check) => check.id)).toEqual(['ethnicity_by_residence', 'ethnicity_by_region']);
    expect(report.joint_checks?.[1]?.rows.map((row) => [row.row, row.published_cells, row.pooled_rest])).toEqual([
      ['region_a', 1, true],
      ['region_c', 1, true],
    ]);
    expect(report.consistency?.total).toBe(2);
    expect(Object.keys(report.consistency?.rules ?? {})).toEqual([...CONSISTENCY_RULES]);
    expect(report.duplicate_ids).toBe(0);
    expect(report.calibration?.converged).toBe(true);
    expect(report.provenance.tables.map((t) => [t.table_id, t.stale])).toEqual([
      ['age_sex_residence', true],
      ['age_single', false],
      ['ethnicity_by_residence', false],
      ['sex', false],
    ]);
    expect(report.pxweb.fetch_log).toHaveLength(1);
    expect(report.narratives?.provider).toBe('template');
    expect(report.decision.gate_codes).toEqual(['CONSISTENCY_VIOLATION', 'PXWEB_CACHE_STALE']);
    expectValid(validateReport, report);
  });

  it('gives every check its id, target, actual, TVD, expected sampling TVD, floor, allowance and threshold', () => {
    // sex 80,000 / 20,000 at n = 100,000 with the sex table's half rounding unit 0.0005 (floor 0.0005);
    // c(0.001, 18) = 5.052027036079041 and E[TVD] = 0.0012615631072159083 (Python, see gates.test.ts).
    const base = withObserved(cleanInput('analysis_only', 100_000), 'sex', [80_000, 20_000]);
    const input = { ...base, tables: base.tables.map((t) => (t.table_id === 'sex' ? { ...t, rounding_half_unit: 0.0005 } : t)) };
    const report = buildTrustReport(input, evaluateGates(input), RUN);
    const sex = report.marginals?.fields.find((field) => field.field === 'sex');
    // plus the listed sex allowance (the unit sex ratios against the printed thousands)
    const allowance = allowanceOf('sex', null);
    expect(allowance).toBeGreaterThan(0);
    expect(sex).toMatchObject({ id: 'sex', tvd: expect.closeTo(0.3, 12), floor: 0.0005, allowance, max_category_error_limit: null });
    expect(sex?.expected_sampling_tvd).toBeCloseTo(0.0012615631072159083, 9);
    expect(sex?.threshold).toBeCloseTo(5.052027036079041 * 0.0012615631072159083 + 0.0005 + allowance, 9);
    expect(sex?.critical_threshold).toBeCloseTo(2 * (sex?.threshold ?? NaN), 12);
    expect(report.drift_thresholds).toMatchObject({ alpha: 0.001, rows_gated: 18, critical_factor: 2 });
    expect(report.provenance.tables.find((t) => t.table_id === 'sex')?.rounding_half_unit).toBe(0.0005);
    // A partial joint row: its published cell and the pooled rest, target and actual.
    const regionA = report.joint_checks?.find((check) => check.id === 'ethnicity_by_region')?.rows.find((row) => row.row === 'region_a');
    expect(regionA?.cells).toEqual([
      { category: 'ethnicity_a', target_share: 0.9, actual_share: 0.9, observed_count: 36_000 },
      { category: '(rest)', target_share: expect.closeTo(0.1, 12), actual_share: expect.closeTo(0.1, 12), observed_count: 4_000 },
    ]);
    expect(regionA).toMatchObject({ tvd: expect.closeTo(0, 12), floor: 0, allowance: 0 });
    expect(regionA?.threshold).toBe(regionA?.limit);
    for (const field of report.marginals?.fields ?? []) expect(field.threshold).toBeGreaterThan(0);
    for (const row of report.joint_checks?.flatMap((check) => check.rows) ?? []) expect(row.threshold).toBeGreaterThan(0);
    expectValid(validateReport, report);
  });

  it('reports a strict preflight rejection without measurement sections', () => {
    const input = offlineAdultInput('high_stakes');
    const report = buildTrustReport(input, evaluatePreflight(input), RUN);
    expect(report.stage).toBe('preflight');
    expect(report.decision.dataset_withheld).toBe(true);
    expect(report.marginals).toBeNull();
    expect(report.joint_checks).toBeNull();
    expect(report.consistency).toBeNull();
    expect(report.n_generated).toBe(0);
    expect(report.provenance.modelled_fields).toContain('region');
    expect(report.provenance.fields.find((f) => f.field === 'region')?.is_fallback).toBe(true);
    expectValid(validateReport, report);
  });
});

const MANIFEST_RUN: ManifestRunInfo = {
  run_id: RUN.run_id,
  created_at: '2026-11-24T03:59:58.000Z',
  started_at: '2026-11-24T03:59:59.000Z',
  finished_at: '2026-11-24T04:00:00.000Z',
  request_received: { n: 1000, profile: 'analysis_only', seed: 42 },
  node_version: 'v20.20.2',
  worker_count: 2,
  shard_size: 10_000,
  dataset_sha256: `sha256:${'d'.repeat(64)}`,
  output_files: [{ name: 'dataset.ndjson', media_type: 'application/x-ndjson', bytes: 123_456, sha256: `sha256:${'d'.repeat(64)}` }],
};

describe('buildRunManifest', () => {
  it('records what reproduces and audits the run', () => {
    const input = cleanInput('analysis_only');
    const evaluation = evaluateGates(input);
    const manifest = buildRunManifest(input, evaluation, MANIFEST_RUN);
    expect(manifest.request.received).toEqual({ n: 1000, profile: 'analysis_only', seed: 42 });
    expect(manifest.request.effective).toEqual(input.request);
    expect(manifest.config_hash).toBe(evaluation.config_hash);
    expect(manifest.seed).toBe(42);
    expect(manifest.software).toEqual({ generator_version: '0.1.0', requested_generator_version: null, node_version: 'v20.20.2' });
    expect(manifest.snapshot.snapshot_hash).toBe(input.snapshot_hash);
    expect(manifest.snapshot.tables.map((t) => t.table_id)).toEqual(['age_single', 'ethnicity_by_residence', 'sex']);
    expect(manifest.snapshot.tables.every((t) => t.content_hash.startsWith('sha256:'))).toBe(true);
    expect(manifest.execution).toEqual({ worker_count: 2, shard_size: 10_000 });
    expect(manifest.calibration?.iterations).toBe(12);
    expect(manifest.decision).toMatchObject({ decision: 'PASS', gate_codes: ['PASS'], n_generated: 1000, dataset_withheld: false });
    expectValid(validateManifest, manifest);
  });

  it('records a strict preflight rejection with no dataset', () => {
    const input = offlineAdultInput('high_stakes');
    const manifest = buildRunManifest(input, evaluatePreflight(input), {
      ...MANIFEST_RUN,
      started_at: null,
      dataset_sha256: null,
      output_files: [],
    });
    expect(manifest.decision.stage).toBe('preflight');
    expect(manifest.decision.dataset_withheld).toBe(true);
    expect(manifest.calibration).toBeNull();
    expect(manifest.dataset_sha256).toBeNull();
    expectValid(validateManifest, manifest);
  });

  it('takes only sha256 hashes for output files: a type error, and the schema would refuse one', () => {
    const input = cleanInput('analysis_only');
    const manifest = buildRunManifest(input, evaluateGates(input), {
      ...MANIFEST_RUN,
      // @ts-expect-error an md5 hash is not a sha256 one
      output_files: [{ name: 'x', media_type: 'text/csv', bytes: 1, sha256: 'md5:x' }],
    });
    expect(RunManifestSchema.safeParse(manifest).success).toBe(false);
  });
});
