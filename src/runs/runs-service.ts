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
 *
 * Every tracked run settles its `done` promise exactly once, whatever happens (success, failure,
 * cancel, shutdown, a store that throws), so no caller waiting for a sync answer can hang.
 */
import type { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { CensusService } from '../census/census-service.js';
import { ServiceError, hasErrorCode, withoutServerPaths } from '../errors.js';
import { canonicalSha256 } from '../canonical-hash.js';
import { executeRun, type PipelineDeps, type PipelineResult, type RunSink } from './run-pipeline.js';
import { drawSeed, effectiveRequestOf, runRequestSchema, type RunRequest } from './run-request.js';
import {
  FINISHED_STATUSES,
  type ArtifactName,
  type DatasetWriter,
  type RunPage,
  type RunRecord,
  type RunStore,
} from './run-store.js';

/** What the service logs: run lifecycle only (ids, sizes, statuses), never persona data. */
export interface RunsLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunsServiceOptions {
  readonly store: RunStore;
  readonly census: Pick<CensusService, 'resolveForRun'>;
  readonly pipeline: PipelineDeps;
  readonly maxN: number;
  readonly syncMaxN: number;
  /** Runs queued or running at once; more are refused with SERVICE_QUEUE_FULL (503). */
  readonly maxQueue: number;
  readonly runTtlHours: number;
  /** Runs executing at once (they share the worker pool). */
  readonly concurrency?: number;
  readonly log?: RunsLog;
  readonly onFinished?: (record: RunRecord, result: PipelineResult | null) => void;
}

export interface SubmitOptions {
  readonly idempotencyKey?: string | undefined;
  readonly preferAsync: boolean;
}

/** A run as it settled, for whoever waited on it. */
export interface Settled {
  /**
   * The record as it ended: finished, or still `queued` when the service closed before the run
   * could finish (it runs again at the next start).
   */
  readonly record: RunRecord;
  /** The NDJSON bytes of a sync run that released its dataset (held only by the waiters). */
  readonly bytes?: readonly Uint8Array[];
  /** The trust payload as stored, when the run just wrote one (saves reading it back). */
  readonly payload?: unknown;
}

export interface Submitted {
  readonly record: RunRecord;
  /** Whether the caller should wait for the result (sync) or poll (async). */
  readonly sync: boolean;
  /** Settles when the run ends (never rejects). */
  readonly done: Promise<Settled>;
  /** True when an earlier request with the same Idempotency-Key already made this run. */
  readonly replayed: boolean;
}

interface Active {
  readonly runId: string;
  /** The record as this process stored it (queued); the run starts from it. */
  readonly record: RunRecord;
  readonly controller: AbortController;
  progress: { done: number; total: number };
  readonly done: Promise<Settled>;
  /** NDJSON bytes kept in memory for the sync answer (n ≤ SYNC_MAX_N); null for async runs. */
  readonly memory: Uint8Array[] | null;
  /** Status, start time and attempt of the executing run, ahead of the stored record. */
  live: Pick<RunRecord, 'status' | 'started_at' | 'attempts'> | null;
  /**
   * Whether the store holds the run yet. A sync run without an Idempotency-Key is stored only
   * when it ends: until its 201 goes out it is not accepted, so a crash may lose it, and skipping
   * the durable `queued` write takes a folder, a file and three fsyncs off every such request.
   */
  stored: boolean;
  settle(settled: Settled): void;
}

/** Seconds between two ISO times (0 when either is missing). */
const secondsBetween = (from: string | null, to: string | null) =>
  from === null || to === null ? 0 : Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

export class RunsService {
  readonly #options: RunsServiceOptions;
  readonly #active = new Map<string, Active>();
  /** Runs whose interrupted attempt left partial files that recovery discarded (until they run again). */
  readonly #discardedPartial = new Set<string>();
  readonly #queue: string[] = [];
  /** Submits past the MAX_QUEUE check that are not tracked yet (their store writes are pending). */
  #reserved = 0;
  #running = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #requestSchema: ReturnType<typeof runRequestSchema>;
  /** Submits with the same Idempotency-Key run one after the other (see `#withKeyLock`). */
  readonly #keyLocks = new Map<string, Promise<void>>();

  constructor(options: RunsServiceOptions) {
    this.#options = options;
    this.#requestSchema = runRequestSchema(options.maxN);
  }

  /** Runs waiting for a free execution slot. */
  get queueDepth(): number {
    return this.#queue.length;
  }

  /** Runs queued or running. */
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
        const finished = await this.#finish(
          record,
          { status: 'failed', error: { code: 'RUN_STORE_CORRUPT', message: 'the stored request can no longer be executed' } },
          now,
        );
        this.#announce(finished, null);
        failed += 1;
        continue;
      }
      // What an interrupted attempt half-wrote (a dataset temp file) is discarded; the new attempt
      // rewrites all, and its trust evaluation says so (SYSTEM_CHECKPOINT_CORRUPT, a warning).
      if ((await this.#options.store.discardIncomplete(record.run_id)) > 0) this.#discardedPartial.add(record.run_id);
      const requeued: RunRecord = { ...record, status: 'queued', started_at: null, progress: { done: 0, total: record.progress.total } };
      await this.#options.store.put(requeued);
      this.#track(requeued, false);
      recovered += 1;
    }
    this.#options.log?.info({ recovered, failed }, 'runs recovered');
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
    this.#refuseWhenClosed();
    const requestHash = canonicalSha256(body);
    const sync = !options.preferAsync && body.n <= this.#options.syncMaxN;
    const key = options.idempotencyKey;
    if (key === undefined) return this.#create(body, requestHash, null, sync, now);
    return this.#withKeyLock(key, async () => (await this.#replay(key, requestHash, sync)) ?? this.#create(body, requestHash, key, sync, now));
  }

  #refuseWhenClosed(): void {
    if (this.#closed) throw new ServiceError('SERVICE_SHUTTING_DOWN', 'The service is shutting down.', { details: { retryAfterSeconds: 5 } });
  }

  /**
   * Runs `task` after every earlier task holding the same key has finished. Without it, two
   * requests with one key could both miss the lookup and both make a run; with it, the second
   * finds the first one's run and replays it. (The store's first-writer-wins claim still guards
   * against another process.)
   */
  async #withKeyLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#keyLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    this.#keyLocks.set(key, mine);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.#keyLocks.get(key) === mine) this.#keyLocks.delete(key);
    }
  }

  async #create(body: RunRequest, requestHash: string, key: string | null, sync: boolean, now: () => Date): Promise<Submitted> {
    // Checked and reserved in one synchronous step, so concurrent submits cannot overshoot.
    const inFlight = this.#active.size + this.#reserved;
    if (inFlight >= this.#options.maxQueue) {
      throw new ServiceError('SERVICE_QUEUE_FULL', `${inFlight} runs are queued or running (MAX_QUEUE).`, {
        details: { retryAfterSeconds: 10 },
      });
    }
    this.#reserved += 1;
    let active: Active;
    let record: RunRecord;
    try {
      const seed = body.seed ?? drawSeed();
      record = {
        run_id: uuidv7(),
        status: 'queued',
        created_at: now().toISOString(),
        started_at: null,
        finished_at: null,
        request: body,
        effective_request: { ...effectiveRequestOf(body, seed) },
        request_hash: requestHash,
        idempotency_key: key,
        progress: { done: 0, total: body.n },
        decision: null,
        gate_codes: null,
        dataset: null,
        error: null,
        attempts: 0,
      };
      // Stored now unless it is a sync run without a key (see Active.stored).
      const storeNow = !sync || key !== null;
      if (storeNow) await this.#options.store.create(record);
      if (key !== null) {
        const owner = await this.#options.store.claimIdempotencyKey(key, record.run_id);
        if (owner !== record.run_id) {
          // Another process claimed this key first: this run never existed.
          await this.#options.store.delete(record.run_id);
          const replay = await this.#replay(key, requestHash, sync);
          if (replay) return replay;
        }
      }
      active = this.#track(record, sync, storeNow);
    } finally {
      this.#reserved -= 1;
    }
    this.#options.log?.info(
      { run_id: record.run_id, n: body.n, profile: body.profile, seed: record.effective_request['seed'], sync },
      'run queued',
    );
    if (this.#closed) {
      // Closed while the record was being written: it stays queued for the next start.
      this.#queue.splice(this.#queue.indexOf(record.run_id), 1);
      this.#active.delete(record.run_id);
      if (!active.stored) await this.#persist(active, record).catch(() => undefined);
      active.settle({ record });
    }
    this.#pump(now);
    return { record, sync, done: active.done, replayed: false };
  }

  /**
   * The run an Idempotency-Key already made, answered as this request asks: a sync request
   * waits for it (the dataset then comes from memory or the store), an async one gets it as it is.
   */
  async #replay(key: string, requestHash: string, sync: boolean): Promise<Submitted | null> {
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
    const done = active ? active.done : Promise.resolve<Settled>({ record: owner });
    return { record: owner, sync, done, replayed: true };
  }

  #track(record: RunRecord, keepInMemory: boolean, stored = true): Active {
    let resolve!: (settled: Settled) => void;
    const done = new Promise<Settled>((r) => (resolve = r));
    let settled = false;
    const active: Active = {
      runId: record.run_id,
      record,
      controller: new AbortController(),
      progress: { ...record.progress },
      done,
      memory: keepInMemory ? [] : null,
      live: null,
      stored,
      settle: (value) => {
        if (settled) return;
        settled = true;
        resolve(value);
      },
    };
    this.#active.set(record.run_id, active);
    this.#queue.push(record.run_id);
    return active;
  }

  #pump(now: () => Date): void {
    const limit = this.#options.concurrency ?? 1;
    while (!this.#closed && this.#running < limit && this.#queue.length > 0) {
      const runId = this.#queue.shift()!;
      const active = this.#active.get(runId);
      if (!active) continue;
      this.#running += 1;
      void this.#execute(active, now).finally(() => {
        this.#running -= 1;
        if (this.#active.get(runId) === active) this.#active.delete(runId);
        this.#pump(now);
      });
    }
  }

  /** Executes one run; never throws, always settles `active`. */
  async #execute(active: Active, now: () => Date): Promise<void> {
    const { runId, controller } = active;
    const { store, log } = this.#options;
    let current: RunRecord = active.record;
    let writer: DatasetWriter | null = null;
    try {
      // Only this process writes its runs, and a queued run leaves the queue when it is deleted:
      // the record it was queued with is the stored one.
      controller.signal.throwIfAborted();
      const started: RunRecord = { ...current, status: 'running', attempts: current.attempts + 1 };
      active.live = { status: 'running', started_at: null, attempts: started.attempts };
      // An async run is long: its start is stored, so a crash during it still counts the attempt.
      // A sync run lasts milliseconds and is written once more, when it finishes (readers get
      // `running` from memory meanwhile).
      if (active.memory === null) await store.put(started);
      current = started;
      log?.info({ run_id: runId, attempt: started.attempts, n: started.progress.total }, 'run started');
      const snapshot = await this.#options.census.resolveForRun(now(), controller.signal);
      // A sync run's dataset is held in memory for the answer anyway: it is written once, with the
      // artifacts, when the run finishes. An async run streams its dataset to a temp file.
      const memory = active.memory;
      let keepMemory = false;
      if (memory === null) writer = await store.openDatasetWriter(runId);
      const datasetWriter = writer;
      const sink: RunSink = datasetWriter
        ? {
            // The writer awaits the whole chunk on disk and keeps nothing.
            releasesChunks: true,
            write: (chunk) => datasetWriter.write(chunk),
            commit: () => datasetWriter.commit(),
            abort: () => datasetWriter.abort(),
          }
        : {
            write: (chunk) => void memory!.push(chunk),
            commit: async () => void (keepMemory = true),
            abort: async () => void memory!.splice(0),
          };
      const body = this.#requestSchema.parse(started.request);
      const result = await executeRun(this.#options.pipeline, {
        runId,
        request: effectiveRequestOf(body, started.effective_request['seed'] as number),
        requestedGeneratorVersion: body.generator_version ?? null,
        discardedPartialOutput: this.#discardedPartial.delete(runId),
        requestReceived: started.request as Record<string, unknown>,
        createdAt: started.created_at,
        snapshot,
        sink,
        signal: controller.signal,
        onProgress: (done, total) => {
          active.progress = { done, total };
          log?.debug({ run_id: runId, done, total }, 'run progress');
        },
        onStarted: (startedAt) => {
          active.live = { status: 'running', started_at: startedAt, attempts: started.attempts };
        },
      });
      const finished: RunRecord = {
        ...started,
        started_at: result.startedAt,
        finished_at: result.finishedAt,
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
      };
      // Nothing deletes a run while it executes (DELETE cancels it and waits first).
      await store.putFinished(
        finished,
        { payload: result.payload, report: result.report, manifest: result.manifest },
        { ...(keepMemory ? { dataset: memory! } : {}), isNew: !active.stored },
      );
      active.stored = true;
      this.#announce(finished, result);
      const released = keepMemory && result.generated !== null && !result.withheld;
      active.settle(released ? { record: finished, bytes: memory!, payload: result.payload } : { record: finished, payload: result.payload });
    } catch (error) {
      // Whatever failed, the half-written dataset goes.
      await writer?.abort().catch(() => undefined);
      active.settle(await this.#settleFailure(active, current, error, now));
    }
  }

  async #settleFailure(active: Active, record: RunRecord, error: unknown, now: () => Date): Promise<Settled> {
    const { runId, controller } = active;
    const { log } = this.#options;
    const aborted = controller.signal.aborted;
    if (aborted && this.#closed) {
      // Interrupted by shutdown, not by a caller: leave it queued so the next start runs it again.
      const requeued: RunRecord = { ...record, status: 'queued', started_at: null, progress: { done: 0, total: record.progress.total } };
      await this.#persist(active, requeued).catch(() => undefined);
      log?.info({ run_id: runId }, 'run interrupted by shutdown; left queued for the next start');
      return { record: requeued };
    }
    if (!aborted) log?.error({ run_id: runId, err: error }, 'run failed');
    const change: Partial<RunRecord> = aborted
      ? { status: 'cancelled' }
      : {
          status: 'failed',
          // Callers read this message: no server paths in it (the log has the error whole).
          error: { code: hasErrorCode(error) ? error.code : 'INTERNAL', message: withoutServerPaths(error instanceof Error ? error.message : String(error)) },
        };
    const finished: RunRecord = { ...record, ...change, finished_at: now().toISOString() };
    // A failed or cancelled run is kept (its caller may look it up), unless it was deleted meanwhile.
    if (active.stored) await this.#putIfStored(finished).catch(() => undefined);
    else await this.#persist(active, finished).catch(() => undefined);
    this.#announce(finished, null);
    return { record: finished };
  }

  /**
   * Writes the run's record: replaces it when stored, else creates the run in the store (or, when
   * a failed final write left its folder behind, writes the record into that folder).
   */
  async #persist(active: Active, record: RunRecord): Promise<void> {
    const { store } = this.#options;
    if (active.stored) await store.put(record);
    else await store.create(record).catch(() => store.put(record));
    active.stored = true;
  }

  /** A stand-in record for a run that vanished from the store (deleted while it waited). */
  #gone(runId: string, now: () => Date): RunRecord {
    const at = now().toISOString();
    return {
      run_id: runId,
      status: 'cancelled',
      created_at: at,
      started_at: null,
      finished_at: at,
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
    };
  }

  /** Writes the finished record unless the run was deleted meanwhile. */
  async #finish(record: RunRecord, change: Partial<RunRecord>, now: () => Date): Promise<RunRecord> {
    const finished: RunRecord = { ...record, ...change, finished_at: now().toISOString() };
    await this.#putIfStored(finished);
    return finished;
  }

  async #putIfStored(record: RunRecord): Promise<void> {
    if (await this.#options.store.get(record.run_id)) await this.#options.store.put(record);
  }

  #announce(record: RunRecord, result: PipelineResult | null): void {
    this.#options.log?.info(
      {
        run_id: record.run_id,
        status: record.status,
        decision: record.decision,
        n: record.dataset?.n ?? 0,
        seconds: secondsBetween(record.started_at, record.finished_at),
      },
      'run finished',
    );
    this.#options.onFinished?.(record, result);
  }

  /** The run with live progress while it executes (from memory when not stored yet); null when unknown. */
  async get(runId: string): Promise<RunRecord | null> {
    const record = await this.#options.store.get(runId);
    if (record) return this.#withLiveProgress(record);
    const active = this.#active.get(runId);
    return active && !active.stored ? this.#withLiveProgress(active.record) : null;
  }

  /** Newest first; running runs show live progress, as `get` does; runs not stored yet are listed from memory. */
  async list(limit: number, cursor?: string): Promise<RunPage> {
    const page = await this.#options.store.list({ limit, cursor });
    const unstored = [...this.#active.values()]
      .filter((active) => !active.stored && (cursor === undefined || active.runId < cursor))
      .map((active) => active.record);
    if (unstored.length === 0) return { ...page, runs: page.runs.map((record) => this.#withLiveProgress(record)) };
    // Run ids are UUIDv7, so id order is creation order across both sources.
    const merged = [...page.runs, ...unstored].sort((a, b) => (a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0));
    const runs = merged.slice(0, limit);
    const more = page.next_cursor !== null || merged.length > limit;
    return { runs: runs.map((record) => this.#withLiveProgress(record)), next_cursor: more ? runs.at(-1)!.run_id : null };
  }

  #withLiveProgress(record: RunRecord): RunRecord {
    const active = this.#active.get(record.run_id);
    if (!active || FINISHED_STATUSES.includes(record.status)) return record;
    return { ...record, ...active.live, progress: { ...active.progress } };
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

  /** Cancels a run that has not finished, then deletes everything stored for it. */
  async cancelAndDelete(runId: string, now: () => Date = () => new Date()): Promise<void> {
    await this.#requireRecord(runId);
    const active = this.#active.get(runId);
    if (active) {
      active.controller.abort();
      const queued = this.#queue.indexOf(runId);
      if (queued >= 0) {
        // Never started: nothing to interrupt, only its waiters to answer.
        this.#queue.splice(queued, 1);
        this.#active.delete(runId);
        const record = (await this.#options.store.get(runId).catch(() => null)) ?? (active.stored ? this.#gone(runId, now) : active.record);
        const cancelled: RunRecord = { ...record, status: 'cancelled', finished_at: now().toISOString() };
        this.#announce(cancelled, null);
        active.settle({ record: cancelled });
      } else {
        await active.done;
      }
    }
    await this.#options.store.delete(runId);
  }

  async #requireRecord(runId: string): Promise<RunRecord> {
    const record = await this.get(runId);
    if (!record) throw new ServiceError('RUN_NOT_FOUND', `no run ${runId}`, { details: { run_id: runId } });
    return record;
  }

  /**
   * Stops taking runs and interrupts running ones: they stay `queued` in the store and the next
   * start executes them again (same bytes). Queued runs simply stay queued; whoever waited on
   * any of them gets the queued record (the HTTP layer answers 503).
   */
  async close(now: () => Date = () => new Date()): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    for (const runId of this.#queue.splice(0)) {
      const active = this.#active.get(runId);
      this.#active.delete(runId);
      if (!active) continue;
      // A queued run not stored yet is stored now, so the next start runs it like any other.
      if (!active.stored) await this.#persist(active, active.record).catch(() => undefined);
      const record = (await this.#options.store.get(runId).catch(() => null)) ?? this.#gone(runId, now);
      active.settle({ record });
    }
    const running = [...this.#active.values()];
    for (const active of running) active.controller.abort();
    await Promise.all(running.map((active) => active.done));
  }
}
