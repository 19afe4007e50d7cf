// A run through the real engine and the real trust evaluator, in-process: `generate` (the same
// shards the workers run), the targets the plan task computes, the adapters the run pipeline uses
// (preflightInputOf, evaluationInputOf) and evaluateGates. No pool, no HTTP: the thresholds and
// gates under test see exactly what a run's would.
import type { InputSnapshot } from '../../src/census/census-table.js';
import type { NarrativeRunStats } from '../../src/domain/persona.js';
import type { Profile, Scope } from '../../src/domain/request.js';
import { generate, type GenerationResult } from './generation.js';
import type { ShardCounts } from '../../src/generation/shard-counts.js';
import { fieldTargets } from '../../src/generation/field-targets.js';
import { jointTargets } from '../../src/generation/joint-targets.js';
import { narrativeRunStats } from '../../src/narratives/narrative-stats.js';
import { templateNarrative } from '../../src/narratives/providers/template.js';
import { evaluationInputOf, preflightInputOf } from '../../src/runs/trust-input.js';
import { evaluateGates, type TrustEvaluation } from '../../src/trust/evaluate.js';
import type { EvaluationInput } from '../../src/trust/evaluation-input.js';
import type { GateDetail } from '../../src/trust/gates/gate-detail.js';
import { DRIFT_GATE_CODES } from '../../src/trust/quality-tier.js';

export interface RunSpec {
  readonly n: number;
  readonly seed: number;
  readonly scope: Scope;
  readonly use_ipf: boolean;
}

export interface GeneratedRun {
  readonly spec: RunSpec;
  readonly result: GenerationResult;
  /** Template narrative stats, when the run was generated with narratives. */
  readonly narratives: NarrativeRunStats | null;
}

/** Generates a run; `narratives: true` writes template narratives (what narrative_required needs). */
export function generateRun(snapshot: InputSnapshot, spec: RunSpec, options: { narratives?: boolean } = {}): GeneratedRun {
  if (options.narratives !== true) return { spec, result: generate({ ...spec, traits: false }, snapshot), narratives: null };
  const written: NonNullable<ReturnType<typeof templateNarrative>['narrative']>[] = [];
  const result = generate({ ...spec, traits: false }, snapshot, (persona) => {
    const { narrative } = templateNarrative(persona, spec.seed);
    written.push(narrative);
    return narrative;
  });
  return { spec, result, narratives: narrativeRunStats('template', written) };
}

/**
 * Evaluates a generated run for a profile, optionally with counts recomputed from edited records.
 * Profiles that need narratives get the run's template narratives; the others run without.
 */
export function evaluateRun(snapshot: InputSnapshot, run: GeneratedRun, profile: Profile, counts: ShardCounts = run.result.counts): TrustEvaluation {
  return evaluateRunWithInput(snapshot, run, profile, counts).evaluation;
}

/** As evaluateRun, with the evaluation input (for the report). */
export function evaluateRunWithInput(
  snapshot: InputSnapshot,
  run: GeneratedRun,
  profile: Profile,
  counts: ShardCounts = run.result.counts,
): { input: EvaluationInput; evaluation: TrustEvaluation } {
  const { spec, result } = run;
  const narratives = profile === 'narrative_required' ? run.narratives : null;
  if (profile === 'narrative_required' && narratives === null) throw new Error('narrative_required needs a run generated with narratives');
  const request = {
    n: spec.n,
    profile,
    seed: spec.seed,
    strict: false,
    scope: spec.scope,
    use_ipf: spec.use_ipf,
    traits: false,
    narratives: { provider: narratives === null ? ('none' as const) : ('template' as const) },
  };
  const joints = jointTargets(snapshot, result.model, spec.scope);
  const preflight = preflightInputOf({
    request,
    snapshot,
    fieldTargets: fieldTargets(result.model, snapshot, spec.scope),
    jointTargets: joints,
    generatorVersion: '0.1.0',
    llmConfigured: false,
  });
  const input = evaluationInputOf(preflight, joints, {
    generated: { n: spec.n, dataset_sha256: '0'.repeat(64), bytes: result.bytes.length, counts, duplicate_records: 0, calibration: result.calibration, shard_count: 1, narratives },
    calibration: result.calibration,
    narratives,
  });
  return { input, evaluation: evaluateGates(input) };
}

/** The drift gate records of an evaluation. */
export function driftDetails(evaluation: TrustEvaluation): GateDetail[] {
  return evaluation.gate_code_details.filter((detail) => (DRIFT_GATE_CODES as readonly string[]).includes(detail.code));
}

/** True when a drift record is about `field`: its field, or a joint check over the field. */
export function namesField(evaluation: TrustEvaluation, detail: GateDetail, field: string): boolean {
  if (detail.field === field) return true;
  const joint = evaluation.measurements?.joint_checks.find((check) => check.id === detail.subject);
  return joint !== undefined && (joint.row_field === field || joint.col_field === field);
}
