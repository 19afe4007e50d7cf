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
import type { RunPlan, GenerationPool } from '../workers/generation-pool.js';
import type { PoolRunResult } from '../workers/shard-merge.js';
import { SHARD_SIZE } from '../generation/plan.js';
import { idKeyOf } from '../generation/persona-id.js';
import { buildGradientPayload } from '../trust/payload.js';
import { buildRunManifest, type RunManifest } from '../trust/manifest.js';
import { buildTrustReport } from '../trust/report.js';
import { evaluateGates, evaluatePreflight, type TrustEvaluation } from '../trust/evaluate.js';
import type { GradientTrustPayload } from '../trust/payload-schema.js';
import type { TrustReport } from '../trust/report-schema.js';
import type { EffectiveRequest } from '../domain/request.js';
import { evaluationInputOf, preflightInputOf } from './trust-input.js';
import type { LlmNarrativeProvider } from '../narratives/providers/llm.js';
import type { NarrativeRunStats } from '../domain/persona.js';
import { createLlmNarration } from './llm-narration.js';

/** What a run needs of the worker pool (the pool itself, or a wrapper around it in tests). */
export type PipelinePool = Pick<GenerationPool, 'plan' | 'sample' | 'threads'>;

export interface PipelineDeps {
  readonly pool: PipelinePool;
  /** The llm narrative provider, when LLM_BASE_URL is configured; each run takes its own session. */
  readonly llm?: Pick<LlmNarrativeProvider, 'forRun'>;
  readonly generatorVersion: string;
  readonly schemaHash: string;
  readonly llmConfigured: boolean;
  readonly nodeVersion: string;
  readonly clock: () => Date;
}

/** Where the dataset goes: written in order, then committed (kept) or aborted (discarded). */
export interface RunSink {
  /** True when the sink holds no reference to a chunk once `write` resolved (the pool may reuse it). */
  readonly releasesChunks?: boolean;
  write(chunk: Uint8Array): void | Promise<void>;
  /** See DatasetSink.writeDeflated: a sink that stores compressed chunks may take them as they are. */
  writeDeflated?(chunk: Uint8Array, deflated: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface PipelineRun {
  readonly runId: string;
  readonly request: EffectiveRequest;
  /** The generator version the caller pinned, if any (checked by CONFIG_VERSION_MISMATCH). */
  readonly requestedGeneratorVersion?: string | null;
  /** Recovery discarded what an interrupted attempt of this run half-wrote (SYSTEM_CHECKPOINT_CORRUPT). */
  readonly discardedPartialOutput?: boolean;
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
  // A run cancelled before it got here starts no worker task at all.
  run.signal?.throwIfAborted();
  const startedAt = deps.clock().toISOString();
  const { n, seed, scope, use_ipf, traits, where } = run.request;
  const generation = { n, seed, scope, use_ipf, traits, ...(where ? { where } : {}) };
  const plan: RunPlan = await deps.pool.plan(generation, run.snapshot, run.signal);
  const preflightInput = preflightInputOf({
    request: run.request,
    snapshot: run.snapshot,
    fieldTargets: plan.field_targets,
    jointTargets: plan.joint_targets,
    generatorVersion: deps.generatorVersion,
    requestedGeneratorVersion: run.requestedGeneratorVersion ?? null,
    llmConfigured: deps.llmConfigured,
  });
  const preflight = evaluatePreflight(preflightInput);
  let generated: PoolRunResult | null = null;
  let evaluation = preflight;
  let input: Parameters<typeof buildTrustReport>[0] = preflightInput;
  if (!preflight.withhold_dataset) {
    run.onStarted?.(startedAt);
    let narratives: NarrativeRunStats | null;
    try {
      // Ids belong to the dataset: keyed by its config_hash (request, snapshot, generator version).
      const sampling = { ...generation, id_key: idKeyOf(preflight.config_hash) };
      ({ generated, narratives } = await sampleWithNarratives(deps, run, sampling, plan));
    } catch (error) {
      await run.sink.abort();
      throw error;
    }
    const evaluationInput = evaluationInputOf(preflightInput, plan.joint_targets, {
      generated,
      calibration: plan.calibration,
      narratives,
      discardedPartialOutput: run.discardedPartialOutput === true,
      pyramidTarget: plan.pyramid_target,
    });
    evaluation = evaluateGates(evaluationInput);
    input = evaluationInput;
  }
  const withheld = evaluation.withhold_dataset;
  if (generated && !withheld) await run.sink.commit();
  else await run.sink.abort();
  const finished = deps.clock();
  const finishedAt = finished.toISOString();
  const datasetSha = generated ? (`sha256:${generated.dataset_sha256}` as const) : null;
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

type Generation = Parameters<GenerationPool['sample']>[0];

/**
 * Samples the shards with the requested narratives. `template` narratives are written in the
 * workers; `llm` narratives need the network, so each shard is narrated on this thread as it
 * arrives, a bounded window of personas at a time, and written on in order (their bytes are not
 * reproducible, because model answers are not). Progress then counts narrated personas.
 */
async function sampleWithNarratives(
  deps: PipelineDeps,
  run: PipelineRun,
  generation: Generation,
  plan: RunPlan,
): Promise<{ generated: PoolRunResult; narratives: NarrativeRunStats | null }> {
  const provider = run.request.narratives.provider;
  const signal = run.signal ? { signal: run.signal } : {};
  if (provider !== 'llm') {
    const generated = await deps.pool.sample(generation, plan, run.sink, {
      ...signal,
      ...(run.onProgress ? { onProgress: run.onProgress } : {}),
      narratives: provider,
      recycleChunks: run.sink.releasesChunks === true,
    });
    return { generated, narratives: generated.narratives };
  }
  const narration = createLlmNarration({
    provider: deps.llm?.forRun(),
    seed: run.request.seed,
    ...signal,
    sink: run.sink,
    total: run.request.n,
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
  });
  // The narration copies what it keeps of a shard before its write resolves.
  const sampled = await deps.pool.sample(generation, plan, narration.sink, { ...signal, recycleChunks: true });
  const written = narration.result();
  return { generated: { ...sampled, ...written }, narratives: written.narratives };
}
