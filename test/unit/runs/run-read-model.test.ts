/**
 * What a reader sees of a run: a finished stored record as stored; an unfinished one as its live
 * record while this process holds it; a run the store does not hold yet from memory (listed in
 * id order among the stored ones); and the refusals of artifact and dataset reads. A real
 * FileRunStore; the live runs are a plain map, as the service hands them over.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileRunStore } from '../../../src/runs/file-run-store.js';
import { RunReadModel } from '../../../src/runs/run-read-model.js';
import type { RunRecord } from '../../../src/runs/run-store.js';
import { queuedRecordOf, startedOf } from '../../../src/runs/run-transitions.js';
import { tempFileStore } from '../../helpers/runs-service.js';

let temp: Awaited<ReturnType<typeof tempFileStore>>;
let store: FileRunStore;
let live: Map<string, RunRecord>;
let unstored: Set<string>;
let reads: RunReadModel;

beforeEach(async () => {
  temp = await tempFileStore('mp-read-model-');
  store = temp.store;
  live = new Map();
  unstored = new Set();
  reads = new RunReadModel(store, {
    live: (runId) => live.get(runId),
    isStored: (runId) => !unstored.has(runId),
    unstored: () => [...unstored].map((runId) => live.get(runId)!),
  });
});
afterEach(() => temp.remove());

const queued = (): RunRecord =>
  queuedRecordOf({ n: 10, profile: 'analysis_only', seed: 1 }, { runId: uuidv7(), createdAt: '2026-11-24T10:00:00.000Z', seed: 1, requestHash: 'h', idempotencyKey: null });
const runningOf = (record: RunRecord): RunRecord => ({ ...startedOf(record), started_at: '2026-11-24T10:00:01.000Z', progress: { done: 4, total: 10 } });

describe('RunReadModel', () => {
  it('shows an unfinished stored run as its live record, and a finished one as stored', async () => {
    const run = queued();
    await store.create(run);
    expect(await reads.get(run.run_id)).toEqual(run);
    live.set(run.run_id, runningOf(run));
    expect(await reads.get(run.run_id)).toEqual(runningOf(run));
    const finished: RunRecord = { ...runningOf(run), status: 'succeeded', finished_at: '2026-11-24T10:00:02.000Z' };
    await store.put(finished);
    expect(await reads.get(run.run_id)).toEqual(finished);
  });

  it('shows a run the store does not hold yet from memory, and a stored run that vanished as unknown', async () => {
    const inMemory = queued();
    live.set(inMemory.run_id, runningOf(inMemory));
    unstored.add(inMemory.run_id);
    expect(await reads.get(inMemory.run_id)).toEqual(runningOf(inMemory));
    const deleted = queued();
    live.set(deleted.run_id, runningOf(deleted));
    expect(await reads.get(deleted.run_id)).toBeNull();
    await expect(reads.require(deleted.run_id)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('lists runs in memory in id order among the stored ones, page by page', async () => {
    const [a, b, c, d] = [queued(), queued(), queued(), queued()];
    for (const run of [a!, c!]) await store.create(run);
    for (const run of [b!, d!]) {
      live.set(run.run_id, run);
      unstored.add(run.run_id);
    }
    const first = await reads.list(3);
    expect(first.runs.map((run) => run.run_id)).toEqual([d!.run_id, c!.run_id, b!.run_id]);
    expect(first.next_cursor).toBe(b!.run_id);
    const second = await reads.list(3, first.next_cursor!);
    expect(second).toEqual({ runs: [a], next_cursor: null });
  });

  it('refuses artifacts and the dataset of an unfinished run (409), and a dataset withheld (410)', async () => {
    const run = queued();
    await store.create(run);
    await expect(reads.artifact(run.run_id, 'payload')).rejects.toMatchObject({ code: 'RUN_NOT_FINISHED' });
    await expect(reads.dataset(run.run_id)).rejects.toMatchObject({ code: 'RUN_NOT_FINISHED' });
    const rejected: RunRecord = { ...run, status: 'rejected', finished_at: '2026-11-24T10:00:02.000Z', dataset: { sha256: 'sha256:x', bytes: 1, n: 1, withheld: true } };
    await store.putFinished(rejected, { payload: { p: 1 }, report: {}, manifest: {} });
    expect(await reads.artifact(run.run_id, 'payload')).toEqual({ p: 1 });
    await expect(reads.dataset(run.run_id)).rejects.toMatchObject({ code: 'RUN_DATASET_WITHHELD' });
  });

  it('says a failed run has no artifact when it stopped before writing one', async () => {
    const run = { ...queued(), status: 'failed' as const, finished_at: '2026-11-24T10:00:02.000Z' };
    await store.create(run);
    await expect(reads.artifact(run.run_id, 'report')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });
});
