/**
 * Runs: accept a request, queue it, execute it through the pipeline, keep everything in the
 * store, and answer for it later (SPEC §5.3, §11, §13). This class is the scheduler; each part it
 * drives has one job:
 *
 *   submit ─► RunAdmission (key lock, replay, queue slot) ─► queue ─► execute (executeRun)
 *   every record written ─► RunPersistence (create, replace or not yet)
 *   get, list, artifact, dataset ─► RunReadModel (the store, and the live records held here)
 *   each record ─► run-transitions.ts (queued, running, finished, ended, requeued)
 *
 * A run's state while this process holds it is its live record (`ActiveRun.record`), replaced on
 * every transition. A run accepted (201/202) is never lost: its request is stored before the
 * answer goes out, and on start every run left queued or running is executed again from that
 * request (determinism makes the bytes identical) or marked failed with a reason.
 *
 * Every tracked run settles its `done` promise exactly once, whatever happens (success, failure,
 * cancel, shutdown, a store that throws), so no caller waiting for a sync answer can hang.
 */
import type { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { CensusService } from '../census/census-service.js';
import type { InputSnapshot } from '../census/census-table.js';
import { ServiceError, hasErrorCode, withoutServerPaths } from '../errors.js';
import { canonicalSha256 } from '../canonical-hash.js';
import { RunAdmission, runOfKey } from './run-admission.js';
import { RunPersistence } from './run-persistence.js';
import { executeRun, type PipelineDeps, type PipelineResult, type RunSink } from './run-pipeline.js';
import { RunReadModel } from './run-read-model.js';
import { drawSeed, requestConditionError, requestLimitError, runRequestSchema, type RunRequest } from './run-request.js';
import { FINISHED_STATUSES, type ArtifactName, type ByteSpan, type DatasetWriter, type RunPage, type RunRecord, type RunStore } from './run-store.js';
import { endedOf, finishedOf, queuedRecordOf, requeuedOf, startedOf } from './run-transitions.js';

/** What the service logs: run lifecycle only (ids, sizes, statuses), never persona data. */
export interface RunsLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunsServiceOptions {
  readonly store: RunStore;
  readonly census: Pick<CensusService, 'resolveForRun'>;
  /**
   * The snapshot a stored run is pinned to, shared by replicas (RUN_STORE=postgres): a takeover
   * uses the snapshot the run started on. Absent: every execution resolves its own.
   */
  readonly snapshotOfRun?: (runId: string, now: Date, signal?: AbortSignal) => Promise<InputSnapshot>;
  readonly pipeline: PipelineDeps;
  readonly maxN: number;
  /** Largest n with llm narratives (LLM_MAX_N); default: no limit beyond maxN. */
  readonly llmMaxN?: number;
  readonly syncMaxN: number;
  /** Runs queued or running at once; more are refused with SERVICE_QUEUE_FULL (503). */
  readonly maxQueue: number;
  readonly runTtlHours: number;
  /** Runs executing at once (they share the worker pool). */
  readonly concurrency?: number;
  readonly log?: RunsLog;
  readonly onFinished?: (record: RunRecord, result: PipelineResult | null) => void;
  /**
   * Runs shared by replicas (RUN_STORE=postgres): async runs go to the shared queue and execute on
   * whichever replica takes them, under a lease; absent, this process schedules its own runs.
   */
  readonly distribution?: RunDistributionPort;
}

/** A run's lease on this replica; `lost` aborts when another replica may take the run over. */
export interface RunLease {
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** What the service needs of the shared queue (src/runs/postgres/run-distribution.ts). */
export interface RunDistributionPort {
  start(handlers: {
    execute(runId: string, lease: RunLease): Promise<void>;
    cancelled(runId: string): void;
    sweep(): Promise<void>;
    local(): ReadonlySet<string>;
  }): Promise<void>;
  enqueue(runId: string): Promise<void>;
  cancel(runId: string): Promise<void>;
  unfinished(): Promise<number>;
  lease(runId: string): Promise<RunLease | null>;
  close(): Promise<void>;
}

/** The abort reason of a run whose lease was lost: it is left queued for the replica that takes it. */
const LEASE_LOST = new Error('lease lost');

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

/** A run this process holds, queued or running. */
interface ActiveRun {
  /** The run as it is now: replaced on every transition (readers see it ahead of the store). */
  record: RunRecord;
  /** The generator version the request pinned (CONFIG_VERSION_MISMATCH), or null. */
  readonly requestedGeneratorVersion: string | null;
  readonly controller: AbortController;
  readonly done: Promise<Settled>;
  /** NDJSON bytes kept in memory for the sync answer (n ≤ SYNC_MAX_N); null when the run streams them to the store. */
  readonly memory: Uint8Array[] | null;
  /** Its lease, when runs are shared by replicas and the store holds this one. */
  lease?: RunLease | null;
  settle(settled: Settled): void;
}

const SWEEP_EVERY_MS = 15 * 60_000;
/** How long a sync retry waits for its run to end on another replica before it gets a 503. */
const REPLAY_WAIT_MS = 10 * 60_000;

/** Seconds between two ISO times (0 when either is missing). */
const secondsBetween = (from: string | null, to: string | null) =>
  from === null || to === null ? 0 : Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** A sink that streams to the store's dataset writer, which awaits each chunk on disk and keeps none. */
function writerSink(writer: DatasetWriter): RunSink {
  const sink: RunSink = { releasesChunks: true, write: (chunk) => writer.write(chunk), commit: () => writer.commit(), abort: () => writer.abort() };
  return writer.writeDeflated ? { ...sink, writeDeflated: (chunk, deflated) => writer.writeDeflated!(chunk, deflated) } : sink;
}

/** A sink that holds the chunks for the sync answer; `committed` tells whether they were kept. */
function memorySink(memory: Uint8Array[]): RunSink & { readonly committed: boolean } {
  let committed = false;
  return {
    get committed() {
      return committed;
    },
    write: (chunk) => void memory.push(chunk),
    commit: async () => void (committed = true),
    abort: async () => void memory.splice(0),
  };
}

export class RunsService {
  readonly #options: RunsServiceOptions;
  readonly #admission: RunAdmission;
  readonly #persistence: RunPersistence;
  readonly #reads: RunReadModel;
  readonly #requestSchema: ReturnType<typeof runRequestSchema>;
  readonly #active = new Map<string, ActiveRun>();
  readonly #queue: string[] = [];
  /** Runs whose interrupted attempt left partial output that recovery discarded (until they run again). */
  readonly #discardedPartial = new Set<string>();
  #running = 0;
  /** Sync answers handed to the HTTP layer whose bytes their clients have not read yet (holdAnswer). */
  #answersHeld = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RunsServiceOptions) {
    this.#options = options;
    this.#requestSchema = runRequestSchema(options.maxN);
    this.#admission = new RunAdmission({ maxQueue: options.maxQueue, tracked: () => this.slotsInUse });
    this.#persistence = new RunPersistence(options.store);
    this.#reads = new RunReadModel(options.store, {
      live: (runId) => this.#active.get(runId)?.record,
      isStored: (runId) => this.#persistence.isStored(runId),
      unstored: () => [...this.#active.values()].map((active) => active.record).filter((record) => !this.#persistence.isStored(record.run_id)),
    });
  }

  /** Runs waiting for a free execution slot. */
  get queueDepth(): number {
    return this.#queue.length;
  }

  /** Runs queued or running. */
  get inFlight(): number {
    return this.#active.size;
  }

  /** Sync answers not yet read by their clients (each holds a MAX_QUEUE slot). */
  get answersHeld(): number {
    return this.#answersHeld;
  }

  /** What MAX_QUEUE counts: runs queued or running, and sync answers their clients have not read yet. */
  get slotsInUse(): number {
    return this.#active.size + this.#answersHeld;
  }

  /**
   * A sync answer is about to be sent: its dataset stays in memory until the client has read it
   * (a client that never reads would pin it for good), so it holds a MAX_QUEUE slot until the
   * returned release is called, once the response has finished or its connection closed.
   * Releasing more than once is harmless.
   */
  holdAnswer(): () => void {
    this.#answersHeld += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#answersHeld -= 1;
    };
  }

  /** Recovers unfinished runs, removes leftovers of failed writes, sweeps expired runs once and starts the retention sweep. */
  async start(now: () => Date = () => new Date()): Promise<{ recovered: number; failed: number }> {
    const distribution = this.#options.distribution;
    if (distribution) {
      // Shared runs are nobody's to recover at start: the watchdogs queue the ones no replica
      // holds, and whichever replica takes the job runs it (src/runs/postgres/run-distribution.ts).
      const leftovers = await this.#options.store.sweepLeftovers().catch(() => 0);
      await distribution.start({
        execute: (runId, lease) => this.#executeLeased(runId, lease, now),
        cancelled: (runId) => this.#active.get(runId)?.controller.abort(),
        sweep: async () => void (await this.sweep(now())),
        local: () => new Set(this.#active.keys()),
      });
      this.#options.log?.info({ leftovers }, 'runs shared through the queue');
      return { recovered: 0, failed: 0 };
    }
    let recovered = 0;
    let failed = 0;
    for (const record of await this.#options.store.listUnfinished()) {
      const request = await this.#runnableRequest(record, now);
      if (request === null) {
        failed += 1;
        continue;
      }
      // What an interrupted attempt half-wrote (a dataset temp file) is discarded; the new attempt
      // rewrites all, and its trust evaluation says so (SYSTEM_CHECKPOINT_CORRUPT, a warning).
      if ((await this.#options.store.discardIncomplete(record.run_id)) > 0) this.#discardedPartial.add(record.run_id);
      const requeued = requeuedOf(record);
      await this.#persistence.kept(requeued);
      this.#track(requeued, { sync: false, requestedGeneratorVersion: request.generator_version ?? null });
      recovered += 1;
    }
    // What failed writes of an earlier process left (recovery took the partial output of the runs it re-executes).
    const leftovers = await this.#options.store.sweepLeftovers().catch(() => 0);
    // Runs that expired while no process ran go now, not a sweep interval later.
    const expired = await this.sweep(now()).catch(() => 0);
    this.#options.log?.info({ recovered, failed, leftovers, expired }, 'runs recovered');
    this.#pump(now);
    this.#sweeper = setInterval(() => void this.sweep(now()).catch(() => undefined), SWEEP_EVERY_MS);
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
    const overLimit = this.#limitError(body);
    if (overLimit !== null) throw overLimit;
    const requestHash = canonicalSha256(body);
    const sync = !options.preferAsync && body.n <= this.#options.syncMaxN;
    const key = options.idempotencyKey;
    await this.#checkSharedQueue();
    if (key === undefined) return this.#admit(body, requestHash, null, sync, now);
    return this.#admission.withKeyLock(key, async () => (await this.#replay(key, requestHash, sync)) ?? this.#admit(body, requestHash, key, sync, now));
  }

  /** Across replicas, MAX_QUEUE counts the runs queued or running in the shared store. */
  async #checkSharedQueue(): Promise<void> {
    const distribution = this.#options.distribution;
    if (!distribution) return;
    const unfinished = await distribution.unfinished();
    if (unfinished >= this.#options.maxQueue) {
      throw new ServiceError('SERVICE_QUEUE_FULL', `${unfinished} runs are queued or running across the replicas (MAX_QUEUE).`, { details: { retryAfterSeconds: 10 } });
    }
  }

  /**
   * LLM_MAX_N (an llm run larger than the limit) and a condition no census can fill are refused
   * (422) before anything is stored.
   */
  #limitError(body: RunRequest): ServiceError | null {
    return requestLimitError(body, { llmMaxN: this.#options.llmMaxN ?? this.#options.maxN }) ?? requestConditionError(body);
  }

  /**
   * The run an Idempotency-Key already made, answered as this request asks: a sync request
   * waits for it (the dataset then comes from memory or the store), an async one gets it as it is.
   */
  async #replay(key: string, requestHash: string, sync: boolean): Promise<Submitted | null> {
    const owner = await runOfKey(this.#options.store, key, requestHash);
    if (!owner) return null;
    const active = this.#active.get(owner.run_id);
    if (active) return { record: owner, sync, done: active.done, replayed: true };
    // Not tracked: it ended (or belongs to an earlier process). The store read above may predate
    // its end, so read it again: a run leaves the tracked set only after its last write.
    const current = (await this.#options.store.get(owner.run_id)) ?? owner;
    if (sync && this.#options.distribution && !FINISHED_STATUSES.includes(current.status)) {
      // It executes on another replica (or waits for one): a sync retry waits for its end there.
      return { record: current, sync, done: this.#finishedElsewhere(current), replayed: true };
    }
    return { record: current, sync, done: Promise.resolve<Settled>({ record: current }), replayed: true };
  }

  /** Polls the shared store until the run ends (or is deleted, or this replica closes); never rejects. */
  async #finishedElsewhere(record: RunRecord): Promise<Settled> {
    let current = record;
    const deadline = Date.now() + REPLAY_WAIT_MS;
    while (!this.#closed && Date.now() < deadline && !FINISHED_STATUSES.includes(current.status)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const read = await this.#options.store.get(record.run_id).catch(() => current);
      if (read === null) return { record: { ...current, status: 'cancelled' } };
      current = read;
    }
    return { record: current };
  }

  async #admit(body: RunRequest, requestHash: string, key: string | null, sync: boolean, now: () => Date): Promise<Submitted> {
    type Admitted = Submitted | ActiveRun | (Submitted & { readonly queued: true });
    const admitted = await this.#admission.withQueueSlot(async (): Promise<Admitted> => {
      const record = queuedRecordOf(body, { runId: uuidv7(), createdAt: now().toISOString(), seed: body.seed ?? drawSeed(), requestHash, idempotencyKey: key });
      const distribution = this.#options.distribution;
      // A stored sync run executes here: its lease is taken before it is stored, so no other
      // replica's watchdog can mistake it for an orphan.
      const lease = distribution && sync && key !== null ? await distribution.lease(record.run_id) : null;
      let keyOwner: string;
      try {
        keyOwner = await this.#persistence.admitted(record, sync);
      } catch (error) {
        await lease?.release();
        throw error;
      }
      if (key !== null && keyOwner !== record.run_id) {
        await lease?.release();
        // Another process claimed this key first: this run never existed.
        const replay = await this.#replay(key, requestHash, sync);
        if (replay) return replay;
      }
      if (distribution && !sync) {
        // Any replica executes it; a failed send is repaired by the watchdog (the run is stored).
        await distribution.enqueue(record.run_id).catch((error: unknown) => this.#options.log?.error({ run_id: record.run_id, err: error }, 'run queue: send failed; the watchdog sends it'));
        return { record, sync, done: Promise.resolve<Settled>({ record }), replayed: false, queued: true as const };
      }
      const active = this.#track(record, { sync, requestedGeneratorVersion: body.generator_version ?? null });
      active.lease = lease;
      return active;
    });
    if ('queued' in admitted) {
      this.#options.log?.info({ run_id: admitted.record.run_id, n: body.n, profile: body.profile, seed: admitted.record.effective_request?.seed, sync }, 'run queued');
      return { record: admitted.record, sync, done: admitted.done, replayed: false };
    }
    if ('replayed' in admitted) return admitted;
    const { record } = admitted;
    this.#options.log?.info({ run_id: record.run_id, n: body.n, profile: body.profile, seed: record.effective_request?.seed, sync }, 'run queued');
    if (this.#closed) {
      // Closed while the record was being written: it stays queued for the next start.
      this.#queue.splice(this.#queue.indexOf(record.run_id), 1);
      this.#active.delete(record.run_id);
      await this.#persistence.leftQueued(record).catch(() => undefined);
      this.#persistence.forget(record.run_id);
      admitted.settle({ record });
    }
    this.#pump(now);
    return { record, sync, done: admitted.done, replayed: false };
  }

  #track(record: RunRecord, how: { readonly sync: boolean; readonly requestedGeneratorVersion: string | null; readonly queue?: boolean }): ActiveRun {
    let resolve!: (settled: Settled) => void;
    const done = new Promise<Settled>((r) => (resolve = r));
    let settled = false;
    const active: ActiveRun = {
      record,
      requestedGeneratorVersion: how.requestedGeneratorVersion,
      controller: new AbortController(),
      done,
      memory: how.sync ? [] : null,
      settle: (value) => {
        if (settled) return;
        settled = true;
        resolve(value);
      },
    };
    this.#active.set(record.run_id, active);
    if (how.queue !== false) this.#queue.push(record.run_id);
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
        void active.lease?.release();
        this.#running -= 1;
        if (this.#active.get(runId) === active) {
          this.#active.delete(runId);
          this.#persistence.forget(runId);
        }
        this.#pump(now);
      });
    }
  }

  /**
   * The request of a stored run about to execute again (recovery, a takeover), or null once the run
   * was failed here, said why: a stored request the schema refuses (RUN_STORE_CORRUPT), or one over
   * LLM_MAX_N since it was accepted.
   */
  async #runnableRequest(record: RunRecord, now: () => Date, how: { readonly keptMayFail?: boolean } = {}): Promise<RunRequest | null> {
    const parsed = this.#requestSchema.safeParse(record.request);
    const refusal = parsed.success ? this.#limitError(parsed.data) : { code: 'RUN_STORE_CORRUPT', message: 'the stored request can no longer be executed' };
    if (parsed.success && refusal === null) return parsed.data;
    const ended = endedOf(record, { status: 'failed', error: { code: refusal!.code, message: refusal!.message } }, now().toISOString());
    const kept = this.#persistence.kept(ended);
    await (how.keptMayFail ? kept.catch(() => undefined) : kept);
    this.#announce(ended, null);
    return null;
  }

  /**
   * A run this replica took from the shared queue, holding its lease: executed from its stored
   * request (a run left `running` by a replica that died is taken over, same bytes).
   */
  async #executeLeased(runId: string, lease: RunLease, now: () => Date): Promise<void> {
    if (this.#closed || this.#active.has(runId)) return;
    const record = await this.#options.store.get(runId).catch(() => null);
    if (record === null || FINISHED_STATUSES.includes(record.status)) return;
    const request = await this.#runnableRequest(record, now, { keptMayFail: true });
    if (request === null) return;
    if (record.status === 'running') this.#options.log?.info({ run_id: runId, attempts: record.attempts }, 'run taken over from a replica that holds it no more');
    if ((await this.#options.store.discardIncomplete(runId).catch(() => 0)) > 0) this.#discardedPartial.add(runId);
    const active = this.#track(requeuedOf(record), { sync: false, requestedGeneratorVersion: request.generator_version ?? null, queue: false });
    active.lease = lease;
    const onLost = () => active.controller.abort(LEASE_LOST);
    lease.lost.addEventListener('abort', onLost, { once: true });
    this.#running += 1;
    try {
      await this.#execute(active, now);
    } finally {
      lease.lost.removeEventListener('abort', onLost);
      this.#running -= 1;
      if (this.#active.get(runId) === active) {
        this.#active.delete(runId);
        this.#persistence.forget(runId);
      }
      // It held an execution slot: a sync run waiting for one may go now.
      this.#pump(now);
    }
  }

  /** Executes one run; never throws, always settles `active`. */
  async #execute(active: ActiveRun, now: () => Date): Promise<void> {
    const runId = active.record.run_id;
    const { controller, memory } = active;
    const { store, log } = this.#options;
    // What a failure is recorded from: the run as it was queued, or as it started once that is written.
    let current = active.record;
    let writer: DatasetWriter | null = null;
    try {
      // Only this process writes its runs, and a queued run leaves the queue when it is deleted:
      // the record it was queued with is the stored one.
      controller.signal.throwIfAborted();
      // Only the store's stand-in for an unreadable record lacks one, and that run is failed, never queued.
      const request = current.effective_request;
      if (request === null) throw new ServiceError('RUN_STORE_CORRUPT', `run ${runId} has no effective request`);
      const started = startedOf(current);
      active.record = started;
      await this.#persistence.started(started, memory !== null);
      current = started;
      log?.info({ run_id: runId, attempt: started.attempts, n: started.progress.total }, 'run started');
      const pinned = this.#options.snapshotOfRun;
      // An unstored sync run has no row to pin to; it lives and ends here.
      const snapshot = pinned && this.#persistence.isStored(runId) ? await pinned(runId, now(), controller.signal) : await this.#options.census.resolveForRun(now(), controller.signal);
      // A sync run's dataset is held in memory for the answer anyway: it is written once, with the
      // artifacts, when the run finishes. An async run streams its dataset to the store.
      const held = memory === null ? null : memorySink(memory);
      if (memory === null) writer = await store.openDatasetWriter(runId);
      const result = await executeRun(this.#options.pipeline, {
        runId,
        request,
        requestedGeneratorVersion: active.requestedGeneratorVersion,
        discardedPartialOutput: this.#discardedPartial.delete(runId),
        requestReceived: started.request as Record<string, unknown>,
        createdAt: started.created_at,
        snapshot,
        sink: held ?? writerSink(writer!),
        signal: controller.signal,
        onProgress: (done, total) => {
          active.record = { ...active.record, progress: { done, total } };
          log?.debug({ run_id: runId, done, total }, 'run progress');
        },
        onStarted: (startedAt) => {
          active.record = { ...active.record, started_at: startedAt };
        },
      });
      const finished = finishedOf(started, result);
      const kept = held?.committed === true ? memory : null;
      // Nothing deletes a run while it executes (DELETE cancels it and waits first).
      await this.#persistence.finished(finished, { payload: result.payload, report: result.report, manifest: result.manifest }, kept);
      active.record = finished;
      this.#announce(finished, result);
      const released = kept !== null && result.generated !== null && !result.withheld;
      active.settle(released ? { record: finished, bytes: kept, payload: result.payload } : { record: finished, payload: result.payload });
    } catch (error) {
      // Whatever failed, the half-written dataset goes.
      await writer?.abort().catch(() => undefined);
      active.settle(await this.#settleFailure(active, current, error, now));
    }
  }

  async #settleFailure(active: ActiveRun, record: RunRecord, error: unknown, now: () => Date): Promise<Settled> {
    const { log } = this.#options;
    const runId = record.run_id;
    const aborted = active.controller.signal.aborted;
    if (aborted && (this.#closed || active.controller.signal.reason === LEASE_LOST)) {
      // Interrupted by shutdown, not by a caller: leave it queued so the next start runs it again.
      const requeued = requeuedOf(record);
      active.record = requeued;
      await this.#persistence.kept(requeued).catch(() => undefined);
      log?.info({ run_id: runId }, 'run interrupted by shutdown; left queued for the next start');
      return { record: requeued };
    }
    if (!aborted) log?.error({ run_id: runId, err: error }, 'run failed');
    const ended = aborted
      ? endedOf(record, { status: 'cancelled' }, now().toISOString())
      : endedOf(
          record,
          {
            status: 'failed',
            // Callers read this message: no server paths in it (the log has the error whole).
            error: { code: hasErrorCode(error) ? error.code : 'INTERNAL', message: withoutServerPaths(error instanceof Error ? error.message : String(error)) },
          },
          now().toISOString(),
        );
    active.record = ended;
    // A failed or cancelled run is kept (its caller may look it up), unless it was deleted meanwhile.
    await this.#persistence.kept(ended).catch(() => undefined);
    this.#announce(ended, null);
    return { record: ended };
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
  get(runId: string): Promise<RunRecord | null> {
    return this.#reads.get(runId);
  }

  /** Newest first; running runs show live progress, as `get` does; runs not stored yet are listed from memory. */
  list(limit: number, cursor?: string): Promise<RunPage> {
    return this.#reads.list(limit, cursor);
  }

  /** A finished run's artifact; RUN_NOT_FINISHED while it runs. */
  artifact(runId: string, name: ArtifactName): Promise<unknown> {
    return this.#reads.artifact(runId, name);
  }

  /** The record of a run whose dataset can be served; RUN_NOT_FINISHED or RUN_DATASET_WITHHELD otherwise. */
  datasetRecord(runId: string): ReturnType<RunReadModel['datasetRecord']> {
    return this.#reads.datasetRecord(runId);
  }

  /** The committed dataset stream (or the bytes of `range`) of a record `datasetRecord` gave: no second read of the record. */
  openDataset(record: RunRecord, range?: ByteSpan): Promise<Readable> {
    return this.#reads.openDataset(record, range);
  }

  /** The committed dataset stream, with the run record (for ETag and length). */
  dataset(runId: string): Promise<{ record: RunRecord; stream: Readable }> {
    return this.#reads.dataset(runId);
  }

  /** Cancels a run that has not finished, then deletes everything stored for it. */
  async cancelAndDelete(runId: string, now: () => Date = () => new Date()): Promise<void> {
    await this.#reads.require(runId);
    const active = this.#active.get(runId);
    if (active) {
      active.controller.abort();
      const queued = this.#queue.indexOf(runId);
      if (queued >= 0) {
        // Never started: nothing to interrupt, only its waiters to answer.
        this.#queue.splice(queued, 1);
        this.#active.delete(runId);
        this.#persistence.forget(runId);
        const cancelled = endedOf(active.record, { status: 'cancelled' }, now().toISOString());
        this.#announce(cancelled, null);
        active.settle({ record: cancelled });
      } else {
        await active.done;
      }
    } else {
      // It may be executing on another replica: that one aborts it on the notification.
      await this.#options.distribution?.cancel(runId);
    }
    await this.#options.store.delete(runId);
  }

  /**
   * Stops taking runs and interrupts running ones: they stay `queued` in the store and the next
   * start executes them again (same bytes). Queued runs simply stay queued; whoever waited on
   * any of them gets the queued record (the HTTP layer answers 503).
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    for (const runId of this.#queue.splice(0)) {
      const active = this.#active.get(runId);
      this.#active.delete(runId);
      if (!active) continue;
      await this.#persistence.leftQueued(active.record).catch(() => undefined);
      this.#persistence.forget(runId);
      active.settle({ record: active.record });
    }
    const running = [...this.#active.values()];
    for (const active of running) active.controller.abort();
    await Promise.all(running.map((active) => active.done));
    // Left queued, with their leases released: another replica's watchdog hands them on.
    await this.#options.distribution?.close();
  }
}
