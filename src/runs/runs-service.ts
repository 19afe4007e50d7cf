/**
 * Runs: accept a request, queue it, execute it through the pipeline, keep everything in the
 * store, and answer for it later (SPEC §5.3, §11, §13).
 *
 *   submit ─► record (queued) ─► queue ─► execute (running: progress in memory)
 *                                           └─► succeeded | rejected | failed | cancelled
 *
 * A run accepted (201/202) is never lost: its request is stored before the answer goes out, and
 * on start every run left queued or running is executed again from that request (determinism
 * makes the bytes identical) or marked failed with a reason. Idempotency keys map to runs in the
 * store; the same key with a different body is a 422.
 */
import { randomInt } from 'node:crypto';
import type { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { CensusService } from '../census/census-service.js';
import { ServiceError, hasErrorCode } from '../errors.js';
import { sha256OfCanonicalJson } from '../trust/hashes.js';
import { executeRun, type PipelineDeps, type PipelineResult, type RunSink } from './run-pipeline.js';
import { effectiveRequestOf, MAX_SEED, runRequestSchema, type RunRequest } from './run-request.js';
import { FINISHED_STATUSES, RunRecordSchema, type ArtifactName, type RunRecord, type RunStore } from './run-store.js';

export interface RunsServiceOptions {
  readonly store: RunStore;
  readonly census: Pick<CensusService, 'resolveForRun'>;
  readonly pipeline: PipelineDeps;
  readonly maxN: number;
  readonly syncMaxN: number;
  readonly maxQueue: number;
  readonly runTtlHours: number;
  /** Runs executing at once (they share the worker pool). */
  readonly concurrency?: number;
  readonly log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  readonly onFinished?: (record: RunRecord, result: PipelineResult | null) => void;
}

export interface SubmitOptions {
  readonly idempotencyKey?: string | undefined;
  readonly preferAsync: boolean;
}

export interface Submitted {
  readonly record: RunRecord;
  /** Whether the caller should wait for the result (sync) or poll (async). */
  readonly sync: boolean;
  /** Resolves when the run finishes (the record as finished). */
  readonly done: Promise<RunRecord>;
  /** True when an earlier request with the same Idempotency-Key already made this run. */
  readonly replayed: boolean;
}

interface Active {
  readonly controller: AbortController;
  progress: { done: number; total: number };
  readonly done: Promise<RunRecord>;
  /** NDJSON bytes kept in memory for sync answers (n ≤ SYNC_MAX_N). */
  readonly memory: Uint8Array[] | null;
}

export class RunsService {
  readonly #options: RunsServiceOptions;
  readonly #active = new Map<string, Active>();
  readonly #queue: string[] = [];
  #running = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #requestSchema: ReturnType<typeof runRequestSchema>;
  readonly #retained = new Map<string, Uint8Array[]>();

  constructor(options: RunsServiceOptions) {
    this.#options = options;
    this.#requestSchema = runRequestSchema(options.maxN);
  }

  get queueDepth(): number {
    return this.#queue.length;
  }

  get inFlight(): number {
    return this.#active.size;
  }

  /** Recovers unfinished runs and starts the retention sweep. */
  async start(now: () => Date = () => new Date()): Promise<{ recovered: number; failed: number }> {
    let recovered = 0;
    let failed = 0;
    for (const record of await this.#options.store.listUnfinished()) {
      const parsed = this.#requestSchema.safeParse(record.request);
      const seed = record.effective_request['seed'];
      if (!parsed.success || typeof seed !== 'number') {
        await this.#finish(record, {
          status: 'failed',
          error: { code: 'RUN_STORE_CORRUPT', message: 'the stored request can no longer be executed' },
        }, now);
        failed += 1;
        continue;
      }
      const requeued: RunRecord = { ...record, status: 'queued', started_at: null, progress: { done: 0, total: record.progress.total } };
      await this.#options.store.put(requeued);
      this.#track(requeued, false);
      recovered += 1;
    }
    this.#pump(now);
    const sweepEveryMs = 15 * 60_000;
    this.#sweeper = setInterval(() => void this.sweep(now()).catch(() => undefined), sweepEveryMs);
    this.#sweeper.unref();
    return { recovered, failed };
  }

  /** Removes finished runs older than RUN_TTL_HOURS. */
  async sweep(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.#options.runTtlHours * 3_600_000).toISOString();
    return this.#options.store.sweepFinishedBefore(cutoff);
  }

  /** Validates (already parsed by the route), stores and queues a run. */
  async submit(body: RunRequest, options: SubmitOptions, now: () => Date = () => new Date()): Promise<Submitted> {
    if (this.#closed) throw new ServiceError('SERVICE_SHUTTING_DOWN', 'The service is shutting down.', { details: { retryAfterSeconds: 5 } });
    const requestHash = sha256OfCanonicalJson(body);
    if (options.idempotencyKey !== undefined) {
      const replay = await this.#replay(options.idempotencyKey, requestHash);
      if (replay) return replay;
    }
    if (this.#active.size >= this.#options.maxQueue) {
      throw new ServiceError('SERVICE_QUEUE_FULL', `${this.#active.size} runs are queued or running (MAX_QUEUE).`, {
        details: { retryAfterSeconds: 10 },
      });
    }
    const seed = body.seed ?? randomInt(0, MAX_SEED);
    const effective = effectiveRequestOf(body, seed);
    const record: RunRecord = {
      run_id: uuidv7(),
      status: 'queued',
      created_at: now().toISOString(),
      started_at: null,
      finished_at: null,
      request: body,
      effective_request: { ...effective },
      request_hash: requestHash,
      idempotency_key: options.idempotencyKey ?? null,
      progress: { done: 0, total: body.n },
      decision: null,
      gate_codes: null,
      dataset: null,
      error: null,
      attempts: 0,
    };
    await this.#options.store.create(record);
    if (options.idempotencyKey !== undefined) {
      const owner = await this.#options.store.claimIdempotencyKey(options.idempotencyKey, record.run_id);
      if (owner !== record.run_id) {
        // Another request with this key won the race: this one never existed.
        await this.#options.store.delete(record.run_id);
        const replay = await this.#replay(options.idempotencyKey, requestHash);
        if (replay) return replay;
      }
    }
    const sync = !options.preferAsync && body.n <= this.#options.syncMaxN;
    const active = this.#track(record, sync);
    this.#pump(now);
    return { record, sync, done: active.done, replayed: false };
  }

  async #replay(key: string, requestHash: string): Promise<Submitted | null> {
    const ownerId = await this.#options.store.lookupIdempotencyKey(key);
    if (ownerId === null) return null;
    const owner = await this.#options.store.get(ownerId);
    if (!owner) return null;
    if (owner.request_hash !== requestHash) {
      throw new ServiceError('REQUEST_IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used with a different request body.', {
        details: { run_id: owner.run_id },
      });
    }
    const active = this.#active.get(owner.run_id);
    const done = active ? active.done : Promise.resolve(owner);
    return { record: owner, sync: false, done, replayed: true };
  }

  #track(record: RunRecord, keepInMemory: boolean): Active {
    let resolve!: (record: RunRecord) => void;
    const done = new Promise<RunRecord>((r) => (resolve = r));
    const active: Active = {
      controller: new AbortController(),
      progress: { ...record.progress },
      done,
      memory: keepInMemory ? [] : null,
    };
    (active as Active & { resolve: typeof resolve }).resolve = resolve;
    this.#active.set(record.run_id, active);
    this.#queue.push(record.run_id);
    return active;
  }

  #pump(now: () => Date): void {
    const limit = this.#options.concurrency ?? 1;
    while (this.#running < limit && this.#queue.length > 0) {
      const runId = this.#queue.shift()!;
      const active = this.#active.get(runId);
      if (!active) continue;
      this.#running += 1;
      void this.#execute(runId, active, now).finally(() => {
        this.#running -= 1;
        this.#active.delete(runId);
        this.#pump(now);
      });
    }
  }

  async #execute(runId: string, active: Active, now: () => Date): Promise<void> {
    const resolve = (active as Active & { resolve: (r: RunRecord) => void }).resolve;
    let record = await this.#options.store.get(runId);
    if (!record) {
      resolve(await this.#cancelledPlaceholder(runId));
      return;
    }
    if (active.controller.signal.aborted) {
      resolve(await this.#finish(record, { status: 'cancelled' }, now));
      return;
    }
    record = { ...record, status: 'running', attempts: record.attempts + 1 };
    await this.#options.store.put(record);
    const started = record;
    try {
      const snapshot = await this.#options.census.resolveForRun(now());
      const writer = await this.#options.store.openDatasetWriter(runId);
      const sink: RunSink = {
        write: async (chunk) => {
          active.memory?.push(chunk);
          await writer.write(chunk);
        },
        commit: () => writer.commit(),
        abort: () => writer.abort(),
      };
      const result = await executeRun(this.#options.pipeline, {
        runId,
        request: effectiveRequestOf(this.#requestSchema.parse(started.request), started.effective_request['seed'] as number),
        requestReceived: started.request as Record<string, unknown>,
        createdAt: started.created_at,
        snapshot,
        sink,
        signal: active.controller.signal,
        onProgress: (done, total) => (active.progress = { done, total }),
        onStarted: (startedAt) => void this.#options.store.put({ ...started, started_at: startedAt }).catch(() => undefined),
      });
      await this.#options.store.putArtifact(runId, 'payload', result.payload);
      await this.#options.store.putArtifact(runId, 'report', result.report);
      await this.#options.store.putArtifact(runId, 'manifest', result.manifest);
      if (active.memory && result.generated && !result.withheld) this.#retained.set(runId, active.memory);
      const finished = await this.#finish(
        { ...started, started_at: result.startedAt },
        {
          status: result.evaluation.decision === 'REJECT' ? 'rejected' : 'succeeded',
          decision: result.evaluation.decision,
          gate_codes: [...result.evaluation.gate_codes],
          progress: { done: result.generated?.n ?? 0, total: started.progress.total },
          dataset: result.generated
            ? {
                sha256: `sha256:${result.generated.dataset_sha256}`,
                bytes: result.generated.bytes,
                n: result.generated.n,
                withheld: result.withheld,
              }
            : null,
        },
        now,
        result.finishedAt,
      );
      this.#options.onFinished?.(finished, result);
      resolve(finished);
    } catch (error) {
      const cancelled = active.controller.signal.aborted;
      if (cancelled && this.#closed) {
        // Interrupted by shutdown, not by a caller: leave it queued so the next start runs it again.
        const requeued: RunRecord = { ...started, status: 'queued', started_at: null };
        await this.#options.store.put(requeued).catch(() => undefined);
        resolve(requeued);
        return;
      }
      const code = hasErrorCode(error) ? error.code : 'INTERNAL';
      this.#options.log?.error({ run_id: runId, err: error }, 'run failed');
      const current = (await this.#options.store.get(runId).catch(() => null)) ?? started;
      const finished = await this.#finish(
        current,
        cancelled
          ? { status: 'cancelled' }
          : { status: 'failed', error: { code, message: error instanceof Error ? error.message : String(error) } },
        now,
      ).catch(() => ({ ...current, status: cancelled ? ('cancelled' as const) : ('failed' as const) }));
      this.#options.onFinished?.(finished, null);
      resolve(finished);
    }
  }

  async #cancelledPlaceholder(runId: string): Promise<RunRecord> {
    return RunRecordSchema.parse({
      run_id: runId,
      status: 'cancelled',
      created_at: new Date(0).toISOString(),
      started_at: null,
      finished_at: null,
      request: null,
      effective_request: {},
      request_hash: '',
      idempotency_key: null,
      progress: { done: 0, total: 0 },
      decision: null,
      gate_codes: null,
      dataset: null,
      error: null,
      attempts: 0,
    });
  }

  async #finish(
    record: RunRecord,
    change: Partial<RunRecord>,
    now: () => Date,
    finishedAt: string = now().toISOString(),
  ): Promise<RunRecord> {
    const finished: RunRecord = { ...record, ...change, finished_at: finishedAt };
    if (await this.#options.store.get(record.run_id)) await this.#options.store.put(finished);
    return finished;
  }

  /** The run with live progress while it executes; null when unknown. */
  async get(runId: string): Promise<RunRecord | null> {
    const record = await this.#options.store.get(runId);
    if (!record) return null;
    const active = this.#active.get(runId);
    return active && !FINISHED_STATUSES.includes(record.status) ? { ...record, progress: { ...active.progress } } : record;
  }

  list(limit: number, cursor?: string) {
    return this.#options.store.list({ limit, cursor });
  }

  /** A finished run's artifact; RUN_NOT_FINISHED while it runs. */
  async artifact(runId: string, name: ArtifactName): Promise<unknown> {
    const record = await this.#requireRecord(runId);
    if (!FINISHED_STATUSES.includes(record.status)) {
      throw new ServiceError('RUN_NOT_FINISHED', `run ${runId} is ${record.status}`, { details: { run_id: runId, status: record.status } });
    }
    const value = await this.#options.store.getArtifact(runId, name);
    if (value === undefined) {
      throw new ServiceError('RUN_NOT_FOUND', `run ${runId} has no ${name} (it ${record.status === 'cancelled' ? 'was cancelled' : 'failed'} before one was written)`);
    }
    return value;
  }

  /** The committed dataset stream, with the run record (for ETag and length). */
  async dataset(runId: string): Promise<{ record: RunRecord; stream: Readable }> {
    const record = await this.#requireRecord(runId);
    if (!FINISHED_STATUSES.includes(record.status)) {
      throw new ServiceError('RUN_NOT_FINISHED', `run ${runId} is ${record.status}; its dataset is not ready`, { details: { run_id: runId } });
    }
    if (record.dataset?.withheld) {
      throw new ServiceError('RUN_DATASET_WITHHELD', `run ${runId} was rejected in strict mode; its dataset is withheld`, {
        details: { run_id: runId },
      });
    }
    const stream = record.dataset ? await this.#options.store.openDatasetReader(runId) : null;
    if (!stream) {
      throw new ServiceError('RUN_DATASET_WITHHELD', `run ${runId} has no dataset (status ${record.status})`, { details: { run_id: runId } });
    }
    return { record, stream };
  }

  /** NDJSON bytes of a sync run just finished (held briefly so the answer needs no disk read). */
  takeRetainedBytes(runId: string): Uint8Array[] | undefined {
    const bytes = this.#retained.get(runId);
    this.#retained.delete(runId);
    return bytes;
  }

  /** Cancels a run that has not finished, then deletes everything stored for it. */
  async cancelAndDelete(runId: string): Promise<void> {
    await this.#requireRecord(runId);
    const active = this.#active.get(runId);
    if (active) {
      active.controller.abort();
      const queued = this.#queue.indexOf(runId);
      if (queued >= 0) {
        this.#queue.splice(queued, 1);
        this.#active.delete(runId);
        (active as Active & { resolve: (r: RunRecord) => void }).resolve(await this.#cancelledPlaceholder(runId));
      } else {
        await active.done;
      }
    }
    this.#retained.delete(runId);
    await this.#options.store.delete(runId);
  }

  async #requireRecord(runId: string): Promise<RunRecord> {
    const record = await this.get(runId);
    if (!record) throw new ServiceError('RUN_NOT_FOUND', `no run ${runId}`, { details: { run_id: runId } });
    return record;
  }

  /**
   * Stops taking runs and interrupts running ones: they stay `queued` in the store and the next
   * start executes them again (same bytes). Queued runs simply stay queued.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    const queued = new Set(this.#queue.splice(0));
    const running = [...this.#active.entries()].filter(([runId]) => !queued.has(runId)).map(([, active]) => active);
    for (const runId of queued) this.#active.delete(runId);
    for (const active of running) active.controller.abort();
    await Promise.allSettled(running.map((active) => active.done));
  }
}
