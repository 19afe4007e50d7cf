/**
 * One run from request to trust documents, shared by the HTTP service and the CLI:
 *
 *   plan (worker: calibrate once per snapshot, allocate, targets)
 *     → preflight gates (provenance, staleness, configuration)
 *         → strict and rejected: stop, nothing generated
 *     → sample the shards into the sink → every gate on the output
 *         → strict and rejected: the dataset is discarded, never stored
 *     → payload, report, manifest
 *
 * Time is read from the injected clock only here (the pure parts take it as an argument).
 */
import type { InputSnapshot } from '../census/census-table.js';
import type { RunPlan, GenerationPool, PoolRunResult } from '../workers/generation-pool.js';
import { SHARD_SIZE } from '../generation/sampler.js';
import {
  buildGradientPayload,
  buildRunManifest,
  buildTrustReport,
  evaluateGates,
  evaluatePreflight,
  type EffectiveRequest,
  type GradientTrustPayload,
  type RunManifest,
  type TrustEvaluation,
  type TrustReport,
} from '../trust/index.js';
import { evaluationInputOf, preflightInputOf } from './trust-input.js';

export interface PipelineDeps {
  readonly pool: GenerationPool;
  readonly generatorVersion: string;
  readonly schemaHash: string;
  readonly llmConfigured: boolean;
  readonly nodeVersion: string;
  readonly clock: () => Date;
}

/** Where the dataset goes: written in order, then committed (kept) or aborted (discarded). */
export interface RunSink {
  write(chunk: Uint8Array): void | Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface PipelineRun {
  readonly runId: string;
  readonly request: EffectiveRequest;
  readonly requestReceived: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly snapshot: InputSnapshot;
  readonly sink: RunSink;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /** Called once the plan is made and sampling starts (status `running` → started_at). */
  readonly onStarted?: (startedAt: string) => void;
}

export interface PipelineResult {
  readonly evaluation: TrustEvaluation;
  readonly payload: GradientTrustPayload;
  readonly report: TrustReport;
  readonly manifest: RunManifest;
  /** Null when nothing was generated (strict preflight rejection). */
  readonly generated: PoolRunResult | null;
  /** True when the dataset must not be stored or served (strict rejection). */
  readonly withheld: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
}

const seconds = (fromIso: string, to: Date) => Math.max(0, (to.getTime() - Date.parse(fromIso)) / 1000);

export async function executeRun(deps: PipelineDeps, run: PipelineRun): Promise<PipelineResult> {
  const startedAt = deps.clock().toISOString();
  const generation = { n: run.request.n, seed: run.request.seed, scope: run.request.scope, use_ipf: run.request.use_ipf, traits: run.request.traits };
  const plan: RunPlan = await deps.pool.plan(generation, run.snapshot, run.signal);
  const preflightInput = preflightInputOf({
    request: run.request,
    snapshot: run.snapshot,
    fieldTargets: plan.field_targets,
    generatorVersion: deps.generatorVersion,
    llmConfigured: deps.llmConfigured,
  });
  const preflight = evaluatePreflight(preflightInput);
  let generated: PoolRunResult | null = null;
  let evaluation = preflight;
  let input: Parameters<typeof buildTrustReport>[0] = preflightInput;
  if (!preflight.withhold_dataset) {
    run.onStarted?.(startedAt);
    try {
      generated = await deps.pool.sample(generation, plan, run.sink, {
        ...(run.signal ? { signal: run.signal } : {}),
        ...(run.onProgress ? { onProgress: run.onProgress } : {}),
      });
    } catch (error) {
      await run.sink.abort();
      throw error;
    }
    const evaluationInput = evaluationInputOf(preflightInput, plan.joint_targets, { generated, calibration: plan.calibration, narratives: null });
    evaluation = evaluateGates(evaluationInput);
    input = evaluationInput;
  }
  const withheld = evaluation.withhold_dataset;
  if (generated && !withheld) await run.sink.commit();
  else await run.sink.abort();
  const finished = deps.clock();
  const finishedAt = finished.toISOString();
  const datasetSha = generated ? `sha256:${generated.dataset_sha256}` : null;
  const payload = buildGradientPayload(evaluation, {
    run_id: run.runId,
    schema_hash: deps.schemaHash,
    dataset_sha256: datasetSha,
    generation_time_seconds: seconds(startedAt, finished),
    timestamp: finishedAt,
  });
  const report = buildTrustReport(input, evaluation, { run_id: run.runId, generated_at: finishedAt });
  const manifest = buildRunManifest(input, evaluation, {
    run_id: run.runId,
    created_at: run.createdAt,
    started_at: generated ? startedAt : null,
    finished_at: finishedAt,
    request_received: run.requestReceived,
    node_version: deps.nodeVersion,
    worker_count: deps.pool.threads,
    shard_size: SHARD_SIZE,
    dataset_sha256: datasetSha,
    output_files:
      generated && !withheld
        ? [{ name: 'dataset.ndjson', media_type: 'application/x-ndjson', bytes: generated.bytes, sha256: datasetSha! }]
        : [],
  });
  return { evaluation, payload, report, manifest, generated, withheld, startedAt, finishedAt };
}
