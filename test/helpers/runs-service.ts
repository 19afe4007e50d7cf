/**
 * One way to build a RunsService in a test, and the pools and stores a test scripts around it:
 * a real pool whose plan waits on a hook (to hold a run at a known point, or to make it fail), a
 * store whose single methods a test replaces, and a log a test can wait on. Everything else is
 * the real thing (FileRunStore in a temp dir, worker threads).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceError } from '../../src/errors.js';
import { FileRunStore } from '../../src/runs/file-run-store.js';
import type { PipelineDeps, PipelinePool } from '../../src/runs/run-pipeline.js';
import type { RunStore } from '../../src/runs/run-store.js';
import { RunsService, type RunsLog, type RunsServiceOptions } from '../../src/runs/runs-service.js';
import type { InputSnapshot } from '../../src/census/census-table.js';
import { TEST_NOW } from './snapshot.js';

/** The payload schema hash of a test service (no run in a unit test reads the pinned contract). */
export const TEST_SCHEMA_HASH = `sha256:${'0'.repeat(64)}`;

/** What the pipeline of a test service runs with: the given pool, a pinned clock, no LLM. */
export function testPipelineDeps(pool: PipelinePool, clock: () => Date = () => TEST_NOW): PipelineDeps {
  return {
    pool,
    generatorVersion: '0.0.0-test',
    schemaHash: TEST_SCHEMA_HASH,
    llmConfigured: false,
    nodeVersion: process.version,
    clock,
  };
}

export type TestRunsServiceOptions = Partial<Omit<RunsServiceOptions, 'store' | 'census' | 'pipeline'>> & {
  readonly store: RunStore;
  readonly pool: PipelinePool;
  /** Every run resolves this snapshot (or pass `census`). */
  readonly snapshot?: InputSnapshot;
  readonly census?: RunsServiceOptions['census'];
  /** The pipeline's clock (default TEST_NOW). */
  readonly clock?: () => Date;
};

/**
 * A RunsService over `store` and `pool`. Limits default to MAX_N = SYNC_MAX_N = 1,000,000,
 * MAX_QUEUE 4, RUN_TTL_HOURS 1; any option can be overridden.
 */
export function testRunsService(options: TestRunsServiceOptions): RunsService {
  const { store, pool, snapshot, census, clock, ...rest } = options;
  if (!census && !snapshot) throw new Error('testRunsService needs a snapshot or a census');
  const maxN = rest.maxN ?? 1_000_000;
  return new RunsService({
    store,
    census: census ?? { resolveForRun: async () => snapshot! },
    pipeline: testPipelineDeps(pool, clock),
    maxN,
    syncMaxN: maxN,
    maxQueue: 4,
    runTtlHours: 1,
    ...rest,
  });
}

/** A promise opened from outside. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits for `promise`, or fails like the real pool does when the run's signal aborts. */
export function unlessAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new ServiceError('RUN_CANCELLED', 'the run was cancelled'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve);
  });
}

/** `pool`, with a hook that runs before each plan (to hold a run or make it fail). */
export function poolWith(pool: PipelinePool, beforePlan: (signal: AbortSignal | undefined) => Promise<void>): PipelinePool {
  return {
    threads: pool.threads,
    plan: async (request, snapshot, signal) => {
      await beforePlan(signal);
      return pool.plan(request, snapshot, signal);
    },
    sample: (request, plan, sink, options) => pool.sample(request, plan, sink, options),
  };
}

/** `pool`, but every plan waits until the run's signal aborts (a run that never ends by itself). */
export function heldPool(pool: PipelinePool): PipelinePool {
  return poolWith(pool, (signal) => unlessAborted(new Promise<void>(() => undefined), signal));
}

/** A FileRunStore in a fresh temp folder (`dataDir`); `remove` deletes the folder. */
export async function tempFileStore(prefix: string): Promise<{ readonly store: FileRunStore; readonly dataDir: string; remove(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const store = new FileRunStore(dataDir);
  await store.init();
  return { store, dataDir, remove: () => rm(dataDir, { recursive: true, force: true }) };
}

/** `store` behind a plain object, so a test can replace single methods. */
export function storeWith(store: RunStore, overrides: Partial<RunStore> = {}): RunStore {
  return {
    create: (r) => store.create(r),
    get: (id) => store.get(id),
    put: (r) => store.put(r),
    list: (o) => store.list(o),
    listUnfinished: () => store.listUnfinished(),
    putFinished: (r, artifacts, options) => store.putFinished(r, artifacts, options),
    getArtifact: (id, name) => store.getArtifact(id, name),
    openDatasetWriter: (id) => store.openDatasetWriter(id),
    openDatasetReader: (id) => store.openDatasetReader(id),
    discardIncomplete: (id) => store.discardIncomplete(id),
    delete: (id) => store.delete(id),
    findByIdempotencyKey: (key) => store.findByIdempotencyKey(key),
    sweepFinishedBefore: (cutoff) => store.sweepFinishedBefore(cutoff),
    sweepLeftovers: () => store.sweepLeftovers(),
    checkWritable: () => store.checkWritable(),
    ...overrides,
  };
}

export interface LogLine {
  readonly msg: string;
  readonly obj: Record<string, unknown>;
}

/** A log that lets a test wait for a message (about a run, or about any run). */
export function recordingLog() {
  const lines: LogLine[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const push = (obj: object, msg: string) => {
    const line = { msg, obj: obj as Record<string, unknown> };
    lines.push(line);
    for (const waiter of waiters.splice(0)) {
      if (waiter.match(line)) waiter.resolve(line);
      else waiters.push(waiter);
    }
  };
  const log: RunsLog = { debug: push, info: push, error: push };
  /** Resolves with the first line (logged before or after the call) with `msg` about `runId` (any run when absent). */
  const waitFor = (msg: string, runId?: string) =>
    new Promise<LogLine>((resolve) => {
      const match = (line: LogLine) => line.msg === msg && (runId === undefined || line.obj['run_id'] === runId);
      const seen = lines.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  return { log, lines, waitFor };
}
