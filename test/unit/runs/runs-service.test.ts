/**
 * RunsService: what it promises beyond the happy path. Every tracked run settles its `done`
 * exactly once (failure, cancel, shutdown, a store that throws); nothing half-written survives a
 * failed attempt; one Idempotency-Key makes one run however the requests race; MAX_QUEUE holds
 * under concurrent submits; shutdown leaves runs queued for the next start, which re-executes
 * them. A real FileRunStore (temp dir) and a real one-thread pool, wrapped where a test needs to
 * hold a run at a known point.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { ServiceError } from '../../../src/errors.js';
import { FileRunStore } from '../../../src/runs/file-run-store.js';
import type { RunRecord } from '../../../src/runs/run-store.js';
import type { RunsService } from '../../../src/runs/runs-service.js';
import { GenerationPool } from '../../../src/workers/generation-pool.js';
import { gate, poolWith, recordingLog, storeWith, testRunsService, unlessAborted, type TestRunsServiceOptions } from '../../helpers/runs-service.js';
import { shippedSnapshot, TEST_NOW } from '../../helpers/snapshot.js';

let snapshot: InputSnapshot;
let realPool: GenerationPool;
let dataDir: string;
let fileStore: FileRunStore;
const services: RunsService[] = [];

beforeAll(async () => {
  snapshot = await shippedSnapshot();
  realPool = new GenerationPool({ threads: 1, workerFile: resolve('dist/workers/generation-worker-entry.cjs') });
});
afterAll(async () => {
  await realPool.close();
});
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-runs-service-'));
  fileStore = new FileRunStore(dataDir);
  await fileStore.init();
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await rm(dataDir, { recursive: true, force: true });
});

const clock = () => TEST_NOW;
const body = (n: number, seed = 7) => ({ n, profile: 'analysis_only' as const, seed });

function serviceOf(options: Partial<TestRunsServiceOptions> = {}): RunsService {
  const service = testRunsService({ store: storeWith(fileStore), snapshot, pool: realPool, clock, syncMaxN: 1_000, maxQueue: 8, ...options });
  services.push(service);
  return service;
}

const tempFilesOf = async (runId: string) => (await readdir(join(dataDir, 'runs', runId))).filter((name) => name.includes('.tmp-'));

describe('RunsService', () => {
  it('hands a sync run its NDJSON bytes (the stored dataset), an async run none', async () => {
    const service = serviceOf();
    const sync = await service.submit(body(40), { preferAsync: false }, clock);
    const settled = await sync.done;
    expect(sync.sync).toBe(true);
    expect(settled.record).toMatchObject({ status: 'succeeded', dataset: { n: 40 } });
    const stored = await text((await service.dataset(sync.record.run_id)).stream);
    expect(Buffer.concat(settled.bytes!).toString('utf8')).toBe(stored);

    const queued = await service.submit(body(40), { preferAsync: true }, clock);
    expect(queued.sync).toBe(false);
    expect((await queued.done).bytes).toBeUndefined();
  });

  it.each([
    ['the start record of an async run', true],
    ['the artifacts of a sync run', false],
  ])('fails a run when writing %s throws, and still settles its waiter', async (_what, preferAsync) => {
    let failOnce = true;
    const fail = () => {
      failOnce = false;
      throw new Error('EIO: disk went away');
    };
    const store = storeWith(fileStore, {
      put: async (record) => {
        if (preferAsync && record.status === 'running' && failOnce) fail();
        return fileStore.put(record);
      },
      putFinished: async (r, artifacts, options) => {
        if (!preferAsync && failOnce) fail();
        return fileStore.putFinished(r, artifacts, options);
      },
    });
    const service = serviceOf({ store });
    const submitted = await service.submit(body(10), { preferAsync }, clock);
    const settled = await submitted.done;
    expect(failOnce).toBe(false);
    expect(settled.record).toMatchObject({ status: 'failed', error: { code: 'INTERNAL', message: 'EIO: disk went away' } });
    expect(await fileStore.get(submitted.record.run_id)).toMatchObject({ status: 'failed' });
    // The service goes on with the next run.
    expect((await (await service.submit(body(10), { preferAsync: false }, clock)).done).record.status).toBe('succeeded');
  });

  it('stores a sync run without a key only when it ends, and shows it from memory until then', async () => {
    const hold = gate();
    const { log, waitFor } = recordingLog();
    const service = serviceOf({ log, pool: poolWith(realPool, () => hold.promise) });
    const submitted = await service.submit(body(10), { preferAsync: false }, clock);
    try {
      await waitFor('run started', submitted.record.run_id);
      expect(await fileStore.get(submitted.record.run_id)).toBeNull();
      expect(await service.get(submitted.record.run_id)).toMatchObject({ status: 'running', attempts: 1, finished_at: null });
      expect((await service.list(10)).runs.map((run) => run.run_id)).toContain(submitted.record.run_id);
    } finally {
      hold.open();
    }
    const settled = await submitted.done;
    expect(settled.record).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(settled.record.started_at).not.toBeNull();
    expect(await fileStore.get(submitted.record.run_id)).toEqual(settled.record);
    expect(await service.get(submitted.record.run_id)).toEqual(settled.record);
  });

  it('stores a sync run with an Idempotency-Key at once, so a retry finds it', async () => {
    const hold = gate();
    const { log, waitFor } = recordingLog();
    const service = serviceOf({ log, pool: poolWith(realPool, () => hold.promise) });
    const submitted = await service.submit(body(10), { preferAsync: false, idempotencyKey: 'sync-key-1' }, clock);
    try {
      await waitFor('run started', submitted.record.run_id);
      expect(await fileStore.get(submitted.record.run_id)).toMatchObject({ status: 'queued' });
      const retry = await service.submit(body(10), { preferAsync: false, idempotencyKey: 'sync-key-1' }, clock);
      expect(retry).toMatchObject({ replayed: true, record: { run_id: submitted.record.run_id } });
    } finally {
      hold.open();
    }
    expect((await submitted.done).record.status).toBe('succeeded');
  });

  it('lists runs not stored yet in id order among stored ones, page by page', async () => {
    const hold = gate();
    const { log, waitFor } = recordingLog();
    const service = serviceOf({ log, pool: poolWith(realPool, () => hold.promise), concurrency: 1 });
    const stored = await service.submit(body(10, 1), { preferAsync: true }, clock);
    const inMemory = await service.submit(body(10, 2), { preferAsync: false }, clock);
    const storedToo = await service.submit(body(10, 3), { preferAsync: true }, clock);
    try {
      await waitFor('run started', stored.record.run_id);
      const ids = [storedToo, inMemory, stored].map((s) => s.record.run_id);
      const first = await service.list(2);
      const second = await service.list(2, first.next_cursor ?? undefined);
      expect([...first.runs, ...second.runs].map((run) => run.run_id).filter((id) => ids.includes(id))).toEqual(ids);
    } finally {
      hold.open();
    }
    await Promise.all([stored.done, inMemory.done, storedToo.done]);
  });

  it('records a sync run as failed when its final write breaks half-way (its folder already made)', async () => {
    const store = storeWith(fileStore, {
      putFinished: async (record) => {
        await mkdir(join(dataDir, 'runs', record.run_id));
        throw new Error('ENOSPC: no space left on device');
      },
    });
    const service = serviceOf({ store });
    const submitted = await service.submit(body(10), { preferAsync: false }, clock);
    const settled = await submitted.done;
    expect(settled.record).toMatchObject({ status: 'failed', error: { message: 'ENOSPC: no space left on device' } });
    expect(await fileStore.get(submitted.record.run_id)).toMatchObject({ status: 'failed', finished_at: settled.record.finished_at });
  });

  it('leaves no temp file when a run fails before sampling (plan failure)', async () => {
    const service = serviceOf({
      pool: poolWith(realPool, async () => {
        throw new ServiceError('RUN_WORKER_FAILED', 'the plan worker died');
      }),
    });
    const submitted = await service.submit(body(10), { preferAsync: false }, clock);
    expect((await submitted.done).record).toMatchObject({ status: 'failed', error: { code: 'RUN_WORKER_FAILED' } });
    expect(await readdir(join(dataDir, 'runs', submitted.record.run_id))).toEqual(['run.json']);
  });

  it('makes one run for concurrent submits with one Idempotency-Key; each sync caller waits for it', async () => {
    const service = serviceOf();
    const all = await Promise.all(
      Array.from({ length: 5 }, () => service.submit(body(25, 99), { preferAsync: false, idempotencyKey: 'same-key' }, clock)),
    );
    const ids = new Set(all.map((submitted) => submitted.record.run_id));
    expect(ids.size).toBe(1);
    expect(all.map((submitted) => submitted.sync)).toEqual([true, true, true, true, true]);
    expect(all.filter((submitted) => submitted.replayed)).toHaveLength(4);
    const settled = await Promise.all(all.map((submitted) => submitted.done));
    expect(settled.map((s) => s.record.status)).toEqual(Array(5).fill('succeeded'));
    expect((await fileStore.list({ limit: 10 })).runs).toHaveLength(1);
    await expect(service.submit(body(26, 99), { preferAsync: false, idempotencyKey: 'same-key' }, clock)).rejects.toMatchObject({
      code: 'REQUEST_IDEMPOTENCY_MISMATCH',
    });
  });

  it('makes one run when concurrent submits reuse a key whose run was deleted', async () => {
    const service = serviceOf();
    const old = await service.submit(body(5, 3), { preferAsync: false, idempotencyKey: 'reused' }, clock);
    await old.done;
    await service.cancelAndDelete(old.record.run_id, clock);
    const all = await Promise.all(
      Array.from({ length: 5 }, () => service.submit(body(5, 4), { preferAsync: true, idempotencyKey: 'reused' }, clock)),
    );
    expect(new Set(all.map((submitted) => submitted.record.run_id)).size).toBe(1);
    await Promise.all(all.map((submitted) => submitted.done));
    expect((await fileStore.list({ limit: 10 })).runs).toHaveLength(1);
  });

  it('never takes more than MAX_QUEUE runs, even when submits race', async () => {
    const hold = gate();
    const service = serviceOf({ maxQueue: 2, pool: poolWith(realPool, (signal) => unlessAborted(hold.promise, signal)) });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => service.submit(body(10, i), { preferAsync: true }, clock)));
    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(accepted).toHaveLength(2);
    expect(refused.map((outcome) => (outcome.reason as ServiceError).code)).toEqual(Array(3).fill('SERVICE_QUEUE_FULL'));
    expect((await fileStore.list({ limit: 10 })).runs).toHaveLength(2);
    hold.open();
    for (const outcome of accepted) expect((await outcome.value.done).record.status).toBe('succeeded');
  });

  it('cancels a queued sync run on DELETE: its waiter settles as cancelled, nothing stays stored', async () => {
    const hold = gate();
    const { log, waitFor } = recordingLog();
    const service = serviceOf({ log, pool: poolWith(realPool, (signal) => unlessAborted(hold.promise, signal)) });
    const first = await service.submit(body(10, 1), { preferAsync: false }, clock);
    const second = await service.submit(body(10, 2), { preferAsync: false }, clock);
    await waitFor('run started', first.record.run_id);
    expect((await service.get(second.record.run_id))?.status).toBe('queued');
    await service.cancelAndDelete(second.record.run_id, clock);
    expect((await second.done).record.status).toBe('cancelled');
    expect(await fileStore.get(second.record.run_id)).toBeNull();
    hold.open();
    expect((await first.done).record.status).toBe('succeeded');
  });

  it('cancels a running run on DELETE, removes its files and frees the slot', async () => {
    const { log, waitFor } = recordingLog();
    const service = serviceOf({ log });
    const big = await service.submit(body(300_000), { preferAsync: true }, clock);
    await waitFor('run progress', big.record.run_id);
    await service.cancelAndDelete(big.record.run_id, clock);
    expect((await big.done).record.status).toBe('cancelled');
    await expect(readdir(join(dataDir, 'runs', big.record.run_id))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(service.inFlight).toBe(0);
    expect((await (await service.submit(body(5), { preferAsync: false }, clock)).done).record.status).toBe('succeeded');
  });

  it('on close, leaves the running and the queued run queued, and settles both waiters', async () => {
    const hold = gate();
    const { log, waitFor } = recordingLog();
    const service = serviceOf({ log, pool: poolWith(realPool, (signal) => unlessAborted(hold.promise, signal)) });
    const running = await service.submit(body(10, 1), { preferAsync: false }, clock);
    const queued = await service.submit(body(10, 2), { preferAsync: false }, clock);
    await waitFor('run started', running.record.run_id);
    await service.close();
    const [runningSettled, queuedSettled] = await Promise.all([running.done, queued.done]);
    expect(runningSettled.record.status).toBe('queued');
    expect(queuedSettled.record.status).toBe('queued');
    expect(await fileStore.get(running.record.run_id)).toMatchObject({ status: 'queued', attempts: 1, started_at: null });
    expect(await fileStore.get(queued.record.run_id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await tempFilesOf(running.record.run_id)).toEqual([]);
    await expect(service.submit(body(10), { preferAsync: false }, clock)).rejects.toMatchObject({ code: 'SERVICE_SHUTTING_DOWN' });
  });

  it('on close at the very start of a run (snapshot still resolving), leaves it queued, not cancelled', async () => {
    const resolving = gate();
    const release = gate();
    const service = serviceOf({
      census: {
        resolveForRun: async () => {
          resolving.open();
          await release.promise;
          return snapshot;
        },
      },
    });
    const submitted = await service.submit(body(10), { preferAsync: true }, clock);
    await resolving.promise;
    const closing = service.close();
    release.open();
    await closing;
    expect((await submitted.done).record.status).toBe('queued');
    expect(await fileStore.get(submitted.record.run_id)).toMatchObject({ status: 'queued', finished_at: null });
  });

  it('sweeps finished runs once they are older than RUN_TTL_HOURS, and never an unfinished one', async () => {
    const service = serviceOf({ runTtlHours: 2 });
    const finished = (await (await service.submit(body(10), { preferAsync: false }, clock)).done).record;
    expect(finished.finished_at).toBe(TEST_NOW.toISOString());
    const unfinished: RunRecord = { ...finished, run_id: uuidv7(), status: 'queued', finished_at: null, decision: null, gate_codes: null, dataset: null };
    await fileStore.create(unfinished);
    const hoursLater = (hours: number) => new Date(TEST_NOW.getTime() + hours * 3_600_000);

    expect(await service.sweep(hoursLater(1.99))).toBe(0);
    expect(await fileStore.get(finished.run_id)).not.toBeNull();
    expect(await service.sweep(hoursLater(2.01))).toBe(1);
    expect(await fileStore.get(finished.run_id)).toBeNull();
    expect(await service.sweep(hoursLater(1000))).toBe(0);
    expect(await fileStore.get(unfinished.run_id)).toMatchObject({ status: 'queued' });
  });

  it('on start, re-executes unfinished runs (discarding a crashed attempt’s temp file) and fails unexecutable ones', async () => {
    const first = serviceOf();
    const reference = await (await first.submit(body(60, 5), { preferAsync: false }, clock)).done;
    await first.close();

    const base = reference.record;
    const interrupted: RunRecord = {
      ...base,
      run_id: uuidv7(),
      status: 'running',
      finished_at: null,
      decision: null,
      gate_codes: null,
      dataset: null,
      attempts: 1,
      progress: { done: 0, total: 60 },
    };
    const unexecutable: RunRecord = { ...interrupted, run_id: uuidv7(), status: 'queued', request: { n: 'sixty' } };
    await fileStore.create(interrupted);
    await fileStore.create(unexecutable);
    await writeFile(join(dataDir, 'runs', interrupted.run_id, 'dataset.ndjson.tmp-crashed'), '{"half":');

    const { log, waitFor } = recordingLog();
    const second = serviceOf({ log });
    expect(await second.start(clock)).toEqual({ recovered: 1, failed: 1 });
    await waitFor('run finished', interrupted.run_id);
    const recovered = await fileStore.get(interrupted.run_id);
    expect(recovered).toMatchObject({ status: 'succeeded', attempts: 2, dataset: { sha256: base.dataset!.sha256 } });
    // The discarded half-written attempt is disclosed as a warning; the reference run had none.
    expect(recovered?.gate_codes).toContain('SYSTEM_CHECKPOINT_CORRUPT');
    expect(base.gate_codes).not.toContain('SYSTEM_CHECKPOINT_CORRUPT');
    expect(await tempFilesOf(interrupted.run_id)).toEqual([]);
    expect(await fileStore.get(unexecutable.run_id)).toMatchObject({ status: 'failed', error: { code: 'RUN_STORE_CORRUPT' } });
  });
});

describe('RunsService and damaged or expired stored runs', () => {
  it('sweeps runs that expired while no process ran once at start, not a sweep interval later', async () => {
    const expired: RunRecord = {
      run_id: uuidv7(),
      status: 'succeeded',
      progress: { done: 0, total: 5 },
      request: body(5),
      effective_request: { n: 5, profile: 'analysis_only', seed: 7, strict: false, scope: 'adults', use_ipf: true, traits: false, narratives: { provider: 'none' } },
      decision: 'PASS',
      gate_codes: [],
      created_at: '2026-01-01T00:00:00.000Z',
      started_at: '2026-01-01T00:00:00.000Z',
      finished_at: new Date(TEST_NOW.getTime() - 2 * 3_600_000).toISOString(), // RUN_TTL_HOURS is 1
      dataset: null,
      error: null,
      request_hash: 'h',
      idempotency_key: 'expired-key',
      attempts: 1,
    };
    await fileStore.create(expired);
    await serviceOf().start(clock);
    expect(await fileStore.get(expired.run_id)).toBeNull();
    expect(await readdir(join(dataDir, 'runs', '_idempotency'))).toEqual([]);
  });

  it('reads a run with a corrupt run.json as failed, answers its Idempotency-Key with 409 naming it, and frees the key on DELETE', async () => {
    const service = serviceOf();
    const first = await service.submit(body(10), { preferAsync: true, idempotencyKey: 'corrupt-key' }, clock);
    await first.done;
    const runId = first.record.run_id;
    await writeFile(join(dataDir, 'runs', runId, 'run.json'), '{"run_id": "');

    expect(await service.get(runId)).toMatchObject({ status: 'failed', error: { code: 'RUN_STORE_CORRUPT' } });
    await expect(service.submit(body(10), { preferAsync: true, idempotencyKey: 'corrupt-key' }, clock)).rejects.toMatchObject({
      code: 'REQUEST_CONFLICT',
      details: { run_id: runId },
    });
    await service.cancelAndDelete(runId);
    expect(await service.get(runId)).toBeNull();
    const again = await service.submit(body(10), { preferAsync: true, idempotencyKey: 'corrupt-key' }, clock);
    expect(again).toMatchObject({ replayed: false });
    expect((await again.done).record.status).toBe('succeeded');
  });
});
