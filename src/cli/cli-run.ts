/**
 * One run from the command line: the same `executeRun` the HTTP service uses, with the services it
 * needs built from the configuration and closed on every path.
 *
 *   withCancellation: SIGINT/SIGTERM abort the run (RUN_CANCELLED, exit 1); a second one exits
 *     └─ executeCliRun: census service ─► snapshot (once) ─► pool ─► executeRun(sink) ─► close all
 */
import { tmpdir } from 'node:os';
import { v7 as uuidv7 } from 'uuid';
import { createCensusServiceFromConfig } from '../census/census-service.js';
import { loadEmbeddedSnapshot } from '../census/snapshot-loader.js';
import { ipfSettingsOf, type Config } from '../config/env.js';
import { ServiceError } from '../errors.js';
import { SHARD_SIZE } from '../generation/plan.js';
import { executeRun, type PipelineResult, type RunSink } from '../runs/run-pipeline.js';
import { drawSeed } from '../runs/run-request.js';
import { payloadSchemaHash } from '../runs/schema-hash.js';
import { llmProviderFromConfig } from '../runs/llm-from-config.js';
import type { EffectiveRequest } from '../domain/request.js';
import { GENERATOR_VERSION } from '../version.js';
import { GenerationPool } from '../workers/generation-pool.js';
import { EXIT_CODES, type ExitCode } from './command.js';
import { SHUTDOWN_SIGNALS } from './shutdown.js';

/** What a run command takes from the process; tests replace parts of it. */
export interface CliRuntime {
  /** The compiled worker entry (tests running from src point it at dist). */
  readonly workerFile?: string;
  readonly signals: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Called on a second signal: exit now. */
  readonly forceExit: (code: ExitCode) => void;
  readonly clock: () => Date;
  /** Monotonic milliseconds, for the progress bar. */
  readonly nowMs: () => number;
  readonly drawSeed: () => number;
  readonly newRunId: () => string;
  /** Where a strict run to stdout is spooled until its decision. */
  readonly tempDirectory: string;
}

export const PROCESS_RUNTIME: CliRuntime = {
  signals: process,
  forceExit: (code) => process.exit(code),
  clock: () => new Date(),
  nowMs: () => performance.now(),
  drawSeed,
  newRunId: () => uuidv7(),
  tempDirectory: tmpdir(),
};

export interface CliRunOptions {
  readonly config: Config;
  readonly runtime: CliRuntime;
  readonly request: EffectiveRequest;
  /** The request as the flags gave it, before defaults (recorded in the manifest). */
  readonly requestReceived: Readonly<Record<string, unknown>>;
  readonly sink: RunSink;
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborts the run (from `withCancellation`). */
  readonly signal: AbortSignal;
}


/** Threads for a run of n: WORKERS, but no more than it has shards (a 5-persona run needs one). */
export function threadsFor(n: number, workers: number): number {
  return Math.max(1, Math.min(workers, Math.ceil(n / SHARD_SIZE)));
}

/**
 * Runs `body` with SIGINT/SIGTERM turned into an abort of `signal` (reason: RUN_CANCELLED). A
 * second signal calls `onForcedExit` (remove temp files) and exits at once.
 */
export async function withCancellation<T>(
  runtime: Pick<CliRuntime, 'signals' | 'forceExit'>,
  onForcedExit: () => void,
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      onForcedExit();
      runtime.forceExit(EXIT_CODES.error);
      return;
    }
    controller.abort(new ServiceError('RUN_CANCELLED', `the run was cancelled (${signal})`));
  };
  for (const name of SHUTDOWN_SIGNALS) runtime.signals.on(name, onSignal);
  try {
    return await body(controller.signal);
  } finally {
    for (const name of SHUTDOWN_SIGNALS) runtime.signals.off(name, onSignal);
  }
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason as ServiceError;
}

/**
 * Runs `options.request` into `options.sink`. The sink is aborted unless the run committed it;
 * the pool and the census service are closed whatever happens.
 */
export async function executeCliRun(options: CliRunOptions): Promise<PipelineResult> {
  const { config, runtime, request, sink, signal } = options;
  const cleanUps: (() => Promise<void>)[] = [];
  let finished = false;
  try {
    throwIfCancelled(signal);
    const census = createCensusServiceFromConfig(config, { embedded: await loadEmbeddedSnapshot() });
    cleanUps.push(() => census.close());
    throwIfCancelled(signal);
    const snapshot = await census.resolveForRun(runtime.clock(), signal);
    throwIfCancelled(signal);
    const pool = new GenerationPool({
      threads: threadsFor(request.n, config.WORKERS),
      ipf: ipfSettingsOf(config),
      ...(runtime.workerFile === undefined ? {} : { workerFile: runtime.workerFile }),
    });
    cleanUps.push(() => pool.close());
    const llm = llmProviderFromConfig(config);
    if (llm) cleanUps.push(() => llm.close());
    const result = await executeRun(
      {
        pool,
        generatorVersion: GENERATOR_VERSION,
        schemaHash: payloadSchemaHash(),
        ...(llm ? { llm } : {}),
        llmConfigured: llm !== undefined,
        nodeVersion: process.version,
        clock: runtime.clock,
      },
      {
        runId: runtime.newRunId(),
        request,
        requestReceived: options.requestReceived,
        createdAt: runtime.clock().toISOString(),
        snapshot,
        sink,
        signal,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      },
    );
    finished = true;
    return result;
  } catch (error) {
    // A signal turns whatever the abort broke (a worker task, a read) into one clear cancellation.
    throwIfCancelled(signal);
    throw error;
  } finally {
    // executeRun commits or aborts the sink when it returns; on a throw it may not have.
    if (!finished) await sink.abort().catch(() => undefined);
    for (const cleanUp of cleanUps.reverse()) await cleanUp().catch(() => undefined);
  }
}
