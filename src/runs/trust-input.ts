/**
 * Adapts what the engine produced (targets, counts, calibration) and the run's snapshot to the
 * trust evaluator's input shapes. Pure: no clock, no I/O.
 */
import { ETHNICITIES } from '../domain/categories.js';
import {
  type CalibrationDiagnostics,
  type EvaluationInput,
  type JointCheck,
  type PreflightInput,
  tableProvenanceOf,
} from '../trust/evaluation-input.js';
import type { EffectiveRequest } from '../domain/request.js';
import type { NarrativeRunStats } from '../domain/persona.js';
import type { CalibrationDiagnostics as EngineCalibration } from '../generation/calibration.js';
import { CONSISTENCY_RULES } from '../generation/consistency.js';
import { PLAUSIBILITY_RULE_IDS } from '../generation/plausibility.js';
import type { InputSnapshot } from '../census/census-table.js';
import { isReadTable } from '../census/table-specs.js';
import { observedCounts, type FieldTarget } from '../generation/field-targets.js';
import { observedJointCounts, type JointTarget } from '../generation/joint-targets.js';
import { observedPyramid, type PyramidTarget } from '../generation/pyramid.js';
import type { PoolRunResult } from '../workers/shard-merge.js';
import { classifyDerivedTargets } from '../trust/derived-targets.js';

export function preflightInputOf(options: {
  readonly request: EffectiveRequest;
  readonly snapshot: InputSnapshot;
  readonly fieldTargets: readonly FieldTarget[];
  /** The run's cross-tabs: with the fields, the rows its drift family will hold (default none). */
  readonly jointTargets?: readonly JointTarget[];
  readonly generatorVersion: string;
  /** The version the caller pinned (`generator_version` of the request), or null. */
  readonly requestedGeneratorVersion?: string | null;
  readonly llmConfigured: boolean;
}): PreflightInput {
  return {
    request: options.request,
    snapshot_hash: options.snapshot.snapshot_hash,
    generator_version: options.generatorVersion,
    requested_generator_version: options.requestedGeneratorVersion ?? null,
    pxweb_mode: options.snapshot.pxweb_mode,
    llm_configured: options.llmConfigured,
    // Adult targets derived from wider official tables are official_derived where their model
    // dependence is within the check's tolerance at this n (decision 0006).
    field_targets: classifyDerivedTargets(options.fieldTargets, options.request.n, plannedRows(options.fieldTargets, options.jointTargets ?? [])),
    // Only the tables calibration or a check reads: a shipped table nothing reads is no vintage of the run.
    tables: Object.values(options.snapshot.tables).filter((table) => isReadTable(table.id, options.snapshot.tables)).map(tableProvenanceOf),
    fetch_log: options.snapshot.fetch_log,
  };
}

/** Rows the drift family will hold when every row has records: the fields and the published joint rows. */
function plannedRows(fields: readonly FieldTarget[], joints: readonly JointTarget[]): number {
  return fields.length + joints.reduce((sum, joint) => sum + joint.target_row_shares.filter((row) => row !== null).length, 0);
}

function calibrationOf(engine: EngineCalibration): CalibrationDiagnostics {
  const { margins: _margins, ...diagnostics } = engine;
  return diagnostics;
}

/** Published cross-tabs with the output's counts. */
function jointChecksOf(targets: readonly JointTarget[], generated: PoolRunResult): JointCheck[] {
  const observed = observedJointCounts(generated.counts);
  return targets.map((target) => ({
    id: target.id,
    row_field: target.row_field as JointCheck['row_field'],
    col_field: target.col_field as JointCheck['col_field'],
    rows: target.rows,
    cols: target.cols,
    target_row_shares: target.target_row_shares,
    observed_counts: observed[target.id] ?? [],
    provenance_class: target.provenance_class,
    table_ids: target.table_ids,
  }));
}

export function evaluationInputOf(
  preflight: PreflightInput,
  jointTargets: readonly JointTarget[],
  output: {
    readonly generated: PoolRunResult;
    readonly calibration: EngineCalibration;
    readonly narratives: NarrativeRunStats | null;
    /** Recovery discarded a half-written earlier attempt of this run. */
    readonly discardedPartialOutput?: boolean;
    /** The model's age group × sex shares (the report's pyramid); absent or null: no pyramid. */
    readonly pyramidTarget?: PyramidTarget | null;
  },
): EvaluationInput {
  const { generated } = output;
  const notDeclared = generated.counts.ethnicity[ETHNICITIES.indexOf('not_declared')] ?? 0;
  return {
    ...preflight,
    n_generated: generated.n,
    field_observed: observedCounts(generated.counts),
    joint_checks: jointChecksOf(jointTargets, generated),
    pyramid: output.pyramidTarget ? { ...output.pyramidTarget, observed_counts: observedPyramid(generated.counts) } : null,
    calibration: calibrationOf(output.calibration),
    consistency: Object.fromEntries(CONSISTENCY_RULES.map((rule, i) => [rule, generated.counts.consistency[i] ?? 0])) as EvaluationInput['consistency'],
    plausibility: Object.fromEntries(
      PLAUSIBILITY_RULE_IDS.map((id, i) => [id, { count: generated.counts.plausibility_flagged[i] ?? 0, denominator: generated.counts.plausibility_population[i] ?? 0 }]),
    ) as EvaluationInput['plausibility'],
    // Read back from the written ids by each shard (src/generation/persona-id.ts).
    duplicate_ids: generated.counts.duplicate_ids[0] ?? 0,
    // Counted across shards from each record's hash (src/generation/record-hashes.ts).
    duplicate_records: generated.duplicate_records,
    // Persons whose ethnicity has no row in the language and religion tables drew from national totals.
    ethnocultural_fallbacks:
      notDeclared > 0
        ? [
            { table_id: 'mother_tongue_by_ethnicity', persons: notDeclared },
            { table_id: 'religion_by_ethnicity', persons: notDeclared },
          ]
        : [],
    narratives: output.narratives,
    // No run time or memory limit is enforced (see docs/trust.md): those two flags stay false.
    system: { timed_out: false, memory_exceeded: false, checkpoint_corrupt: output.discardedPartialOutput === true },
  };
}
