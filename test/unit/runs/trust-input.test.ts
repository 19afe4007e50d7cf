/**
 * The adapter from what the engine produced to the trust evaluator's inputs: every field of the
 * preflight input comes from the request, the snapshot or the deps; after sampling, the counts
 * land under the right field, rule, cross-tab and fallback. Counts are set by hand, so each
 * expected value is read off the test, not computed by the adapter's own helpers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import type { CalibrationDiagnostics } from '../../../src/generation/calibration.js';
import { ETHNICITIES, RESIDENCES } from '../../../src/domain/categories.js';
import { CONSISTENCY_RULES } from '../../../src/generation/consistency.js';
import { emptyCounts, type ShardCounts } from '../../../src/generation/shard-counts.js';
import type { JointTarget } from '../../../src/generation/joint-targets.js';
import { effectiveRequestOf } from '../../../src/runs/run-request.js';
import { evaluationInputOf, preflightInputOf } from '../../../src/runs/trust-input.js';
import type { PoolRunResult } from '../../../src/workers/shard-merge.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let snapshot: InputSnapshot;
beforeAll(async () => {
  snapshot = await shippedSnapshot();
});

const request = effectiveRequestOf({ n: 20, profile: 'analysis_only' }, 42);

const calibration: CalibrationDiagnostics = {
  applied: true,
  iterations: 12,
  converged: true,
  max_residual: 1e-9,
  tolerance: 1e-6,
  max_iterations: 200,
  margins: ['sex', 'region'],
  ess: 900,
  ess_ratio: 0.9,
  information_loss: 0.01,
  max_weight: 3,
  mean_weight: 1,
  max_mean_weight_ratio: 3,
  top5_weight_share: 0.05,
};

function generatedWith(fill: (counts: ShardCounts) => void): PoolRunResult {
  const counts = emptyCounts();
  fill(counts);
  return { n: 20, dataset_sha256: 'ab'.repeat(32), bytes: 1234, counts, duplicate_records: 3, calibration, shard_count: 1, narratives: null };
}

const preflight = () =>
  preflightInputOf({ request, snapshot, fieldTargets: [], generatorVersion: '1.2.3', llmConfigured: true });

describe('preflightInputOf', () => {
  it('takes the request, the snapshot’s hash, mode, tables and fetch log, and the deps’ versions', () => {
    const input = preflight();
    expect(input.request).toBe(request);
    expect(input).toMatchObject({
      snapshot_hash: snapshot.snapshot_hash,
      pxweb_mode: 'off',
      generator_version: '1.2.3',
      requested_generator_version: null,
      llm_configured: true,
      field_targets: [],
      fetch_log: snapshot.fetch_log,
    });
    // Every table calibration or a check reads; population_totals is read by nothing (no vintage).
    const ids = input.tables.map((table) => table.table_id).sort();
    expect(ids).toEqual(Object.keys(snapshot.tables).filter((id) => id !== 'population_totals').sort());
  });

  it('carries the generator version the caller pinned', () => {
    const input = preflightInputOf({ request, snapshot, fieldTargets: [], generatorVersion: '1.2.3', requestedGeneratorVersion: '0.9.0', llmConfigured: false });
    expect(input).toMatchObject({ requested_generator_version: '0.9.0', llm_configured: false });
  });
});

describe('evaluationInputOf', () => {
  it('puts each count under its field, rule and the duplicate-id check', () => {
    const generated = generatedWith((counts) => {
      counts.sex.set([11, 9]);
      counts.consistency[1] = 3;
      counts.duplicate_ids[0] = 2;
    });
    const input = evaluationInputOf(preflight(), [], { generated, calibration, narratives: null });
    expect(input.n_generated).toBe(20);
    expect(input.field_observed.sex).toEqual([11, 9]);
    expect(input.consistency).toEqual({ ...Object.fromEntries(CONSISTENCY_RULES.map((rule) => [rule, 0])), under15_employment: 3 });
    expect(input.duplicate_ids).toBe(2);
    expect(input.narratives).toBeNull();
  });

  it('keeps the calibration diagnostics without the engine’s margin names', () => {
    const input = evaluationInputOf(preflight(), [], { generated: generatedWith(() => undefined), calibration, narratives: null });
    expect(input.calibration).not.toHaveProperty('margins');
    expect(input.calibration).toMatchObject({ iterations: 12, ess_ratio: 0.9, top5_weight_share: 0.05 });
  });

  it('reads each joint target’s observed counts in its rows × cols, and none for an unknown target', () => {
    const E = ETHNICITIES.length;
    const generated = generatedWith((counts) => {
      // residence × ethnicity, ethnicity fastest: (urban, ethnicity 2) = 5, (rural, ethnicity 0) = 7.
      counts.residence_ethnicity[0 * E + 2] = 5;
      counts.residence_ethnicity[1 * E + 0] = 7;
    });
    const target = (id: string): JointTarget => ({
      id,
      row_field: 'residence',
      col_field: 'ethnicity',
      rows: [...RESIDENCES],
      cols: [...ETHNICITIES],
      target_row_shares: [null, null],
      provenance_class: 'official_snapshot',
      table_ids: [id],
    });
    const input = evaluationInputOf(preflight(), [target('ethnicity_by_residence'), target('no_such_table')], { generated, calibration, narratives: null });
    const row = (at: number, value: number) => Array.from({ length: E }, (_, i) => (i === at ? value : 0));
    expect(input.joint_checks).toHaveLength(2);
    expect(input.joint_checks[0]).toMatchObject({ id: 'ethnicity_by_residence', row_field: 'residence', col_field: 'ethnicity', table_ids: ['ethnicity_by_residence'] });
    expect(input.joint_checks[0]!.observed_counts).toEqual([row(2, 5), row(0, 7)]);
    expect(input.joint_checks[1]!.observed_counts).toEqual([]);
  });

  it('reports undeclared ethnicity as a fallback in both ethnocultural tables, and nothing without it', () => {
    const undeclared = generatedWith((counts) => void (counts.ethnicity[ETHNICITIES.indexOf('not_declared')] = 4));
    expect(evaluationInputOf(preflight(), [], { generated: undeclared, calibration, narratives: null }).ethnocultural_fallbacks).toEqual([
      { table_id: 'mother_tongue_by_ethnicity', persons: 4 },
      { table_id: 'religion_by_ethnicity', persons: 4 },
    ]);
    const declared = generatedWith((counts) => void (counts.ethnicity[0] = 20));
    expect(evaluationInputOf(preflight(), [], { generated: declared, calibration, narratives: null }).ethnocultural_fallbacks).toEqual([]);
  });

  it('flags a discarded partial attempt as a corrupt checkpoint, and never a timeout or memory limit', () => {
    const generated = generatedWith(() => undefined);
    expect(evaluationInputOf(preflight(), [], { generated, calibration, narratives: null }).system).toEqual({
      timed_out: false,
      memory_exceeded: false,
      checkpoint_corrupt: false,
    });
    expect(evaluationInputOf(preflight(), [], { generated, calibration, narratives: null, discardedPartialOutput: true }).system).toMatchObject({
      checkpoint_corrupt: true,
    });
  });
});
