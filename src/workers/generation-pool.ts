/**
 * The worker pool and how one run flows through it:
 *
 *   run ──► plan task (1 worker: calibrate once per snapshot, allocate n, shuffle)
 *       │         └─► cells[n] (transferred back)
 *       └─► shard tasks 0..k (fixed SHARD_SIZE slices of cells; at most `window` in flight)
 *               └─► NDJSON bytes + counts per shard ──► merged in shard order (shard-merge.ts):
 *                                                       written, hashed (SHA-256) and counted
 *
 * The model (seconds to build) is built by one worker once per process and snapshot, and shared
 * with every worker of every pool through shared memory (`inSharedMemory`).
 * Shard RNG streams come from (seed, shard index), so 1, 2 or 8 workers give the same bytes.
 * The in-flight window keeps memory flat however large n is. An AbortSignal cancels queued and
 * running tasks; a crashed worker fails its run (RUN_WORKER_FAILED), not the service.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { InputSnapshot } from '../census/census-table.js';
import { deepFreeze } from '../deep-freeze.js';
import { ServiceError, isErrorCode } from '../errors.js';
import { DEFAULT_CALIBRATION, type CalibrationDiagnostics } from '../generation/calibration.js';
import type { GenerationModel, IpfSettings } from '../generation/model.js';
import type { FieldTarget } from '../generation/field-targets.js';
import type { JointTarget } from '../generation/joint-targets.js';
import type { PyramidTarget } from '../generation/pyramid.js';
import type { EffectiveRequest } from '../domain/request.js';
import type { IdKey } from '../generation/persona-id.js';
import { shardRanges, type ShardRange } from '../generation/plan.js';
import type { SharedSnapshot, WorkerTask } from './generation-worker.js';
import { ShardMerge, type DatasetSink, type PoolRunResult, type ShardReply } from './shard-merge.js';


/** What the pool needs of a run's request to plan it. */
export type GenerationRequest = Pick<EffectiveRequest, 'n' | 'seed' | 'scope' | 'use_ipf' | 'traits' | 'where'>;

/** What sampling needs besides: the dataset's id key (`idKeyOf(config_hash)`; persona-id.ts). */
export interface SampleRequest extends GenerationRequest {
  readonly id_key: IdKey;
}

export interface PoolOptions {
  readonly threads: number;
  /** IPF's stopping rule in every worker (default: DEFAULT_CALIBRATION's). */
  readonly ipf?: IpfSettings;
  /** The compiled worker entry; defaults to `defaultWorkerFile()`. */
  readonly workerFile?: string;
}

export interface PoolRunOptions {
  readonly signal?: AbortSignal;
  /** Write template narratives in the workers. */
  readonly narratives?: 'none' | 'template';
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * The sink is done with a chunk once its `write` has resolved (it keeps no reference): the pool
   * then hands the buffer back to a worker for a later shard. Long runs stream 7 MB shards; without
   * this each one is a fresh buffer for the main thread's GC to find.
   */
  readonly recycleChunks?: boolean;
}

/** What the plan task computes once per run: the cells, the calibration and the targets. */
export interface RunPlan {
  readonly cells: Int32Array;
  readonly calibration: CalibrationDiagnostics;
  readonly field_targets: readonly FieldTarget[];
  readonly joint_targets: readonly JointTarget[];
  /** The report's population pyramid: the model's age group × sex shares (not gated). */
  readonly pyramid_target: PyramidTarget | null;
  /** The snapshot and model the shards are sampled from. */
  readonly source: { readonly snapshot: SharedSnapshot; readonly use_ipf: boolean; readonly model: GenerationModel };
}

interface PlanReply {
  readonly cells: Int32Array;
  readonly calibration: CalibrationDiagnostics;
  readonly field_targets?: FieldTarget[];
  readonly joint_targets?: JointTarget[];
  readonly pyramid_target?: PyramidTarget;
}

type Targets = Pick<RunPlan, 'field_targets' | 'joint_targets' | 'pyramid_target'>;

const sharedSnapshots = new Map<string, SharedSnapshot>();

/**
 * The snapshot's JSON in a SharedArrayBuffer, made once per snapshot hash (each run resolves a new
 * snapshot object, but the tables behind a hash are the same): tasks share it, never copy it.
 */
function sharedSnapshotOf(snapshot: InputSnapshot): SharedSnapshot {
  let shared = sharedSnapshots.get(snapshot.snapshot_hash);
  if (!shared) {
    const bytes = new TextEncoder().encode(JSON.stringify(snapshot));
    const json = new SharedArrayBuffer(bytes.byteLength);
    new Uint8Array(json).set(bytes);
    shared = { hash: snapshot.snapshot_hash, json };
    if (sharedSnapshots.size >= 4) sharedSnapshots.delete(sharedSnapshots.keys().next().value as string);
    sharedSnapshots.set(snapshot.snapshot_hash, shared);
  }
  return shared;
}

/**
 * Models in shared memory, by (snapshot hash, use_ipf, IPF settings), for every pool of the
 * process: a second pool (the CLI's next command, a restarted pool) builds nothing. `owner` is the
 * pool whose worker builds it; another pool that sees that build fail builds its own.
 */
const sharedModels = new Map<string, { readonly owner: object; readonly model: Promise<GenerationModel> }>();
const SHARED_MODEL_LIMIT = 4;

/** Settles like `promise`, or rejects as soon as `signal` aborts (the promise runs on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

type WorkerReply =
  | { ok: true }
  | { ok: true; model: GenerationModel }
  | ({ ok: true } & PlanReply)
  | ({ ok: true } & ShardReply)
  | { ok: false; code: string; message: string };

/**
 * The compiled worker entry (a CommonJS shim that imports generation-worker.js; see
 * generation-worker-entry.cts for why) next to this module; when this module runs from TypeScript
 * source (tests), the build's copy, since worker threads load JavaScript (`npm test` builds first).
 */
export function defaultWorkerFile(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = 'generation-worker-entry.cjs';
  return fileURLToPath(new URL(fromSource ? `../../dist/workers/${entry}` : `./${entry}`, import.meta.url));
}

function unwrap<T>(reply: WorkerReply): T {
  if (reply.ok) return reply as T;
  throw new ServiceError(isErrorCode(reply.code) ? reply.code : 'RUN_WORKER_FAILED', reply.message);
}

function failure(error: unknown, signal: AbortSignal | undefined): never {
  if (signal?.aborted) throw new ServiceError('RUN_CANCELLED', 'the run was cancelled', { cause: error });
  if (error instanceof ServiceError) throw error;
  throw new ServiceError('RUN_WORKER_FAILED', `a generation worker failed: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

export class GenerationPool {
  readonly #pool: Piscina<WorkerTask, WorkerReply>;
  readonly threads: number;
  /** Targets depend on (snapshot, use_ipf, scope) only: asked of a worker once, then kept. */
  readonly #targets = new Map<string, Targets>();
  readonly #ipf: IpfSettings;

  constructor(options: PoolOptions) {
    this.threads = options.threads;
    this.#ipf = options.ipf ?? DEFAULT_CALIBRATION;
    this.#pool = new Piscina<WorkerTask, WorkerReply>({
      filename: options.workerFile ?? defaultWorkerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: 60_000,
      workerData: options.ipf ? { ipf: { tolerance: options.ipf.tolerance, maxIterations: options.ipf.maxIterations } } : undefined,
    });
  }

  /** Worker threads alive now (piscina replaces a crashed one; fewer than `threads` meanwhile). */
  get liveThreads(): number {
    return this.#pool.threads.length;
  }

  /** Share of time the threads were busy (0..1), for metrics. */
  get utilization(): number {
    return this.#pool.utilization;
  }

  get queueSize(): number {
    return this.#pool.queueSize;
  }

  /**
   * Calibrates the model of `snapshot` and runs the sampler a few dozen times in each worker, so
   * the first runs neither wait for calibration nor run unoptimised code. One task per thread, all
   * at once: an idle pool hands each to a different worker.
   */
  async warmUp(snapshot: InputSnapshot, options: { useIpf?: boolean; rounds?: number } = {}): Promise<void> {
    const shared = sharedSnapshotOf(snapshot);
    const useIpf = options.useIpf ?? true;
    const model = await this.#model(shared, useIpf);
    const task: WorkerTask = { kind: 'warm', snapshot: shared, use_ipf: useIpf, model, rounds: options.rounds ?? 40 };
    const replies = await Promise.all(Array.from({ length: this.threads }, () => this.#pool.run(task)));
    for (const reply of replies) unwrap(reply);
  }

  /**
   * The shared model of (snapshot, use_ipf): built by one worker of this pool unless some pool of
   * the process has it (or is building it).
   */
  async #model(shared: SharedSnapshot, useIpf: boolean, signal?: AbortSignal): Promise<GenerationModel> {
    const key = `${shared.hash}|${useIpf}|${this.#ipf.tolerance}|${this.#ipf.maxIterations}`;
    const known = sharedModels.get(key);
    if (known) {
      try {
        return await untilAborted(known.model, signal);
      } catch (error) {
        // Another pool's build failed (its worker crashed, it was closed): build here.
        if (signal?.aborted || known.owner === this) failure(error, signal);
      }
    }
    const model = this.#pool
      .run({ kind: 'model', snapshot: shared, use_ipf: useIpf })
      .then((reply) => unwrap<{ model: GenerationModel }>(reply).model);
    const entry = { owner: this, model };
    if (sharedModels.size >= SHARED_MODEL_LIMIT) sharedModels.delete(sharedModels.keys().next().value as string);
    sharedModels.set(key, entry);
    model.catch(() => {
      if (sharedModels.get(key) === entry) sharedModels.delete(key);
    });
    return untilAborted(model, signal).catch((error: unknown) => failure(error, signal));
  }

  /** Plans a run in one worker: the shared model, allocation, targets. */
  async plan(request: GenerationRequest, snapshot: InputSnapshot, signal?: AbortSignal): Promise<RunPlan> {
    const shared = sharedSnapshotOf(snapshot);
    const model = await this.#model(shared, request.use_ipf, signal);
    const key = `${shared.hash}|${request.use_ipf}|${request.scope}|${request.where ? JSON.stringify(request.where) : ''}`;
    const known = this.#targets.get(key);
    const reply = await this.#pool
      .run(
        {
          kind: 'plan',
          snapshot: shared,
          use_ipf: request.use_ipf,
          model,
          n: request.n,
          seed: request.seed,
          scope: request.scope,
          ...(request.where ? { where: request.where } : {}),
          targets: !known,
        },
        { signal: signal ?? null },
      )
      .then((answer) => unwrap<PlanReply>(answer))
      .catch((error: unknown) => failure(error, signal));
    let targets = known;
    if (!targets) {
      // Shared by every later run of this key: frozen, so no reader can change another run's targets.
      targets = deepFreeze({ field_targets: reply.field_targets ?? [], joint_targets: reply.joint_targets ?? [], pyramid_target: reply.pyramid_target ?? null });
      if (this.#targets.size >= 16) this.#targets.clear();
      this.#targets.set(key, targets);
    }
    return { cells: reply.cells, calibration: reply.calibration, ...targets, source: { snapshot: shared, use_ipf: request.use_ipf, model } };
  }

  /**
   * Samples one shard of a planned run (its bytes, counts and record hashes), as `sample` does
   * for each: for a replica that executes shards of a run another replica merges.
   */
  async shard(request: SampleRequest, plan: RunPlan, shardIndex: number, options: { readonly signal?: AbortSignal; readonly narratives?: 'none' | 'template' } = {}): Promise<ShardReply> {
    const range = shardRanges(request.n)[shardIndex];
    if (range === undefined) throw new RangeError(`run of ${request.n} has no shard ${shardIndex}`);
    const cells = plan.cells.slice(range.startIndex, range.startIndex + range.count);
    const task = this.#shardTask(request, plan, range, cells, options.narratives ?? 'none');
    const reply = await this.#pool.run(task, { signal: options.signal ?? null, transferList: [cells.buffer] }).catch((error: unknown) => failure(error, options.signal));
    return unwrap<ShardReply>(reply);
  }

  #shardTask(request: SampleRequest, plan: RunPlan, range: ShardRange, cells: Int32Array<ArrayBuffer>, narratives: 'none' | 'template', reuse?: ArrayBuffer): WorkerTask {
    return {
      kind: 'shard',
      snapshot: plan.source.snapshot,
      use_ipf: plan.source.use_ipf,
      model: plan.source.model,
      seed: request.seed,
      id_key: request.id_key,
      shardIndex: range.shardIndex,
      startIndex: range.startIndex,
      cells,
      traits: request.traits,
      narratives,
      ...(request.where ? { where: request.where } : {}),
      ...(reuse ? { reuse } : {}),
    };
  }

  /** Samples a planned run shard by shard into `sink`, in order. */
  async sample(request: SampleRequest, plan: RunPlan, sink: DatasetSink, options: PoolRunOptions = {}): Promise<PoolRunResult> {
    const { signal } = options;
    const ranges = shardRanges(request.n);
    const window = Math.max(2, this.threads * 2);
    const merge = new ShardMerge(request.n, sink);
    const pending = new Map<number, Promise<ShardReply>>();
    let next = 0;
    const spares: ArrayBuffer[] = [];
    const submit = () => {
      while (next < ranges.length && pending.size < window) {
        const range = ranges[next]!;
        const cells = plan.cells.slice(range.startIndex, range.startIndex + range.count);
        const reuse = spares.pop();
        const task = this.#shardTask(request, plan, range, cells, options.narratives ?? 'none', reuse);
        const result = this.#pool
          .run(task, { signal: signal ?? null, transferList: reuse ? [cells.buffer, reuse] : [cells.buffer] })
          .then((reply) => unwrap<ShardReply>(reply));
        // A later shard may fail while an earlier one is awaited; it is awaited (and thrown) in turn.
        result.catch(() => undefined);
        pending.set(next, result);
        next += 1;
      }
    };
    submit();
    try {
      for (let shard = 0; shard < ranges.length; shard += 1) {
        const result = await pending.get(shard)!;
        pending.delete(shard);
        if (!options.recycleChunks) submit();
        await merge.add(result);
        if (options.recycleChunks) {
          // Written: the buffer goes back to a worker with the next shard (transferred, so it leaves this heap).
          spares.push(result.bytes.buffer as ArrayBuffer);
          submit();
        }
        options.onProgress?.(merge.done, request.n);
      }
    } catch (error) {
      // Settle the tasks still in flight so none reports an unhandled rejection later.
      await Promise.allSettled(pending.values());
      failure(error, signal);
    }
    return merge.result(plan.calibration);
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
