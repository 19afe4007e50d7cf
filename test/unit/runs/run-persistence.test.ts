/**
 * The persistence policy, step by step, against a real FileRunStore: which runs are stored when
 * admitted (all but a sync run without a key), which starts are written (async runs only), and
 * that a failed, cancelled or left-queued run is created when never stored, replaced when stored,
 * and never brought back once deleted.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileRunStore } from '../../../src/runs/file-run-store.js';
import { RunPersistence } from '../../../src/runs/run-persistence.js';
import type { RunRecord } from '../../../src/runs/run-store.js';
import { endedOf, queuedRecordOf, startedOf } from '../../../src/runs/run-transitions.js';
import { storeWith, tempFileStore } from '../../helpers/runs-service.js';

let temp: Awaited<ReturnType<typeof tempFileStore>>;
let store: FileRunStore;
let persistence: RunPersistence;

beforeEach(async () => {
  temp = await tempFileStore('mp-persistence-');
  store = temp.store;
  persistence = new RunPersistence(store);
});
afterEach(() => temp.remove());

const queued = (idempotencyKey: string | null = null): RunRecord =>
  queuedRecordOf({ n: 10, profile: 'analysis_only', seed: 1 }, { runId: uuidv7(), createdAt: '2026-11-24T10:00:00.000Z', seed: 1, requestHash: 'h', idempotencyKey });
const ARTIFACTS = { payload: { p: 1 }, report: { r: 1 }, manifest: { m: 1 } };
const at = '2026-11-24T10:00:05.000Z';

describe('RunPersistence', () => {
  it('stores an admitted run at once, except a sync run without an Idempotency-Key', async () => {
    const async = queued();
    const syncWithKey = queued('key-1');
    const syncWithoutKey = queued();
    expect(await persistence.admitted(async, false)).toBe(async.run_id);
    expect(await persistence.admitted(syncWithKey, true)).toBe(syncWithKey.run_id);
    expect(await persistence.admitted(syncWithoutKey, true)).toBe(syncWithoutKey.run_id);
    expect(await store.get(async.run_id)).toEqual(async);
    expect(await store.get(syncWithKey.run_id)).toEqual(syncWithKey);
    expect(await store.get(syncWithoutKey.run_id)).toBeNull();
    expect([async, syncWithKey, syncWithoutKey].map((run) => persistence.isStored(run.run_id))).toEqual([true, true, false]);
  });

  it('answers with the run that holds the key when another run claimed it first; nothing is stored', async () => {
    const first = queued('key-2');
    const second = queued('key-2');
    await persistence.admitted(first, false);
    expect(await persistence.admitted(second, true)).toBe(first.run_id);
    expect(await store.get(second.run_id)).toBeNull();
  });

  it('writes the start of an async run only', async () => {
    const async = queued();
    const sync = queued('key-3');
    await persistence.admitted(async, false);
    await persistence.admitted(sync, true);
    await persistence.started(startedOf(async), false);
    await persistence.started(startedOf(sync), true);
    expect(await store.get(async.run_id)).toMatchObject({ status: 'running', attempts: 1 });
    expect(await store.get(sync.run_id)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('creates a never-stored run when it finishes, with the dataset it held', async () => {
    const run = queued();
    await persistence.admitted(run, true);
    const finished: RunRecord = { ...startedOf(run), status: 'succeeded', finished_at: at };
    await persistence.finished(finished, ARTIFACTS, [new TextEncoder().encode('{"a":1}\n')]);
    expect(persistence.isStored(run.run_id)).toBe(true);
    expect(await store.get(run.run_id)).toEqual(finished);
    expect(await store.getArtifact(run.run_id, 'report')).toEqual({ r: 1 });
    expect(await text((await store.openDatasetReader(run.run_id))!)).toBe('{"a":1}\n');
  });

  it('keeps a failed run: created when never stored, replaced when stored', async () => {
    const unstored = queued();
    const stored = queued();
    await persistence.admitted(unstored, true);
    await persistence.admitted(stored, false);
    for (const run of [unstored, stored]) await persistence.kept(endedOf(run, { status: 'failed', error: { code: 'INTERNAL', message: 'x' } }, at));
    expect(await store.get(unstored.run_id)).toMatchObject({ status: 'failed', finished_at: at });
    expect(await store.get(stored.run_id)).toMatchObject({ status: 'failed', finished_at: at });
  });

  it('never brings back a run deleted while it ran', async () => {
    const run = queued();
    await persistence.admitted(run, false);
    await store.delete(run.run_id);
    await persistence.kept(endedOf(run, { status: 'cancelled' }, at));
    expect(await store.get(run.run_id)).toBeNull();
  });

  it('creates a never-stored run that is left queued, and leaves a stored one as it is', async () => {
    const unstored = queued();
    const stored = queued();
    await persistence.admitted(unstored, true);
    await persistence.admitted(stored, false);
    await persistence.leftQueued(unstored);
    await persistence.leftQueued({ ...stored, attempts: 5 });
    expect(await store.get(unstored.run_id)).toEqual(unstored);
    expect(await store.get(stored.run_id)).toEqual(stored);
  });

  it('creates a never-stored run in the folder a failed final write left behind', async () => {
    const failing = new RunPersistence(
      storeWith(store, {
        putFinished: async (record) => {
          await mkdir(join(temp.dataDir, 'runs', record.run_id));
          throw new Error('ENOSPC: no space left on device');
        },
      }),
    );
    const run = queued();
    await failing.admitted(run, true);
    await expect(failing.finished({ ...run, status: 'succeeded' }, ARTIFACTS, null)).rejects.toThrow('ENOSPC');
    expect(failing.isStored(run.run_id)).toBe(false);
    await failing.kept(endedOf(run, { status: 'failed', error: { code: 'INTERNAL', message: 'ENOSPC' } }, at));
    expect(await store.get(run.run_id)).toMatchObject({ status: 'failed' });
  });

  it('forgets a run that left the process', async () => {
    const run = queued();
    await persistence.admitted(run, true);
    persistence.forget(run.run_id);
    expect(persistence.isStored(run.run_id)).toBe(true);
  });
});
