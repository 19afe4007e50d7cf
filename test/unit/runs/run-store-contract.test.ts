/**
 * The RunStore contract, one suite run against both stores: the file store in a temp folder and
 * the PostgreSQL store in a fresh database on the real server (test/helpers/postgres.ts). What a
 * caller may rely on whichever store serves it: records round-trip, ids are unique, the first
 * claim of an Idempotency-Key wins (also twenty at once) and a deleted run frees it, lists page
 * newest first, finished runs store their artifacts (in the order written) and dataset in one
 * step, a dataset is invisible until committed and reads back byte for byte, in any range, and
 * deletes and sweeps remove what they say.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRunStore } from '../../../src/runs/file-run-store.js';
import { DATASET_CHUNK_BYTES, PostgresRunStore } from '../../../src/runs/postgres/postgres-run-store.js';
import type { RunRecord, RunStore } from '../../../src/runs/run-store.js';
import { freshDatabase, postgresSkipReason, type FreshDatabase } from '../../helpers/postgres.js';
import { queuedRunRecord } from '../../helpers/run-record.js';

const pgSkip = await postgresSkipReason();

interface StoreUnderTest {
  readonly name: string;
  readonly skip: string | null;
  open(): Promise<{ store: RunStore; close(): Promise<void> }>;
}

const STORES: StoreUnderTest[] = [
  {
    name: 'FileRunStore',
    skip: null,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'mp-store-contract-'));
      const store = new FileRunStore(dir);
      await store.init();
      return { store, close: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgresRunStore',
    skip: pgSkip,
    async open() {
      const database: FreshDatabase = await freshDatabase();
      const store = new PostgresRunStore({ connectionString: database.url, max: 25 });
      await store.init();
      return {
        store,
        close: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];

const record = queuedRunRecord;

const finished = (run: RunRecord, finishedAt = '2026-11-24T10:05:00.000Z'): RunRecord => ({ ...run, status: 'succeeded', finished_at: finishedAt, decision: 'PASS', gate_codes: ['PASS'] });

/** Deterministic bytes that do not compress to nothing (NDJSON-like lines with varying digits). */
function datasetBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i += 1) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    out[i] = i % 97 === 96 ? 0x0a : 0x20 + ((x >>> 16) % 90);
  }
  return out;
}

for (const target of STORES) {
  describe.skipIf(target.skip !== null)(`${target.name} (the RunStore contract)${target.skip === null ? '' : ` — skipped: ${target.skip}`}`, () => {
    let store: RunStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await target.open());
    });
    afterAll(async () => {
      await close?.();
    });

    it('creates, reads and replaces a record; a second create of the same id fails; unknown and malformed ids read as null', async () => {
      const run = record();
      expect(await store.create(run)).toBe(run.run_id);
      expect(await store.get(run.run_id)).toEqual(run);
      // The request as received keeps its key order (it is served back as written).
      expect(JSON.stringify((await store.get(run.run_id))!.request)).toBe(JSON.stringify(run.request));
      await store.put({ ...run, status: 'running', attempts: 1 });
      expect(await store.get(run.run_id)).toMatchObject({ status: 'running', attempts: 1 });
      await expect(store.create(run)).rejects.toThrow();
      expect(await store.get(uuidv7())).toBeNull();
      expect(await store.get('../../etc/passwd')).toBeNull();
      expect(await store.getArtifact('not-a-run', 'payload')).toBeUndefined();
      expect(await store.openDatasetReader('..')).toBeNull();
    });

    it('lets the first claim of an Idempotency-Key win, creates nothing for the loser, and frees the key with its run', async () => {
      const key = `key-${uuidv7()}`;
      const first = record({ idempotency_key: key });
      const second = record({ idempotency_key: key });
      expect(await store.create(first)).toBe(first.run_id);
      expect(await store.create(second)).toBe(first.run_id);
      expect(await store.get(second.run_id)).toBeNull();
      expect((await store.findByIdempotencyKey(key))?.run_id).toBe(first.run_id);
      await store.delete(first.run_id);
      expect(await store.findByIdempotencyKey(key)).toBeNull();
      const third = record({ idempotency_key: key });
      expect(await store.create(third)).toBe(third.run_id);
    });

    it('gives twenty concurrent creates with one Idempotency-Key one run, and every caller its id', async () => {
      const key = `race-${uuidv7()}`;
      const runs = Array.from({ length: 20 }, () => record({ idempotency_key: key }));
      const owners = await Promise.all(runs.map((run) => store.create(run)));
      expect(new Set(owners).size).toBe(1);
      const existing = (await Promise.all(runs.map((run) => store.get(run.run_id)))).filter((run) => run !== null);
      expect(existing.map((run) => run.run_id)).toEqual([owners[0]]);
    });

    it('lists newest first, page by page with a cursor, and lists the unfinished runs oldest first', async () => {
      const { store: own, close: closeOwn } = await target.open();
      try {
        const runs = Array.from({ length: 5 }, (_, i) => record({ status: i % 2 === 0 ? 'queued' : 'running' }));
        for (const run of runs) await own.create(run);
        await own.put(finished(runs[4]!));
        const page1 = await own.list({ limit: 2 });
        expect(page1.runs.map((r) => r.run_id)).toEqual([runs[4]!.run_id, runs[3]!.run_id]);
        const page2 = await own.list({ limit: 2, cursor: page1.next_cursor! });
        expect(page2.runs.map((r) => r.run_id)).toEqual([runs[2]!.run_id, runs[1]!.run_id]);
        const page3 = await own.list({ limit: 2, cursor: page2.next_cursor! });
        expect(page3.runs.map((r) => r.run_id)).toEqual([runs[0]!.run_id]);
        expect(page3.next_cursor).toBeNull();
        expect((await own.listUnfinished()).map((r) => r.run_id)).toEqual(runs.slice(0, 4).map((r) => r.run_id));
      } finally {
        await closeOwn();
      }
    });

    it('stores a finished run in one step: artifacts in the order written, an in-memory dataset, the record; also a run never stored (isNew)', async () => {
      const run = record();
      await store.create(run);
      const artifacts = { payload: { z: 1, a: [1, 2], m: { y: null, b: 'é' } }, report: { report_version: '1.0' }, manifest: { run_id: run.run_id } };
      const bytes = datasetBytes(10_000);
      await store.putFinished(finished(run), artifacts, { dataset: [bytes.subarray(0, 4_000), bytes.subarray(4_000)] });
      expect((await store.get(run.run_id))?.status).toBe('succeeded');
      expect(JSON.stringify(await store.getArtifact(run.run_id, 'payload'))).toBe(JSON.stringify(artifacts.payload));
      expect(await store.getArtifact(run.run_id, 'manifest')).toEqual(artifacts.manifest);
      expect((await buffer((await store.openDatasetReader(run.run_id))!)).equals(bytes)).toBe(true);

      const fresh = finished(record());
      await store.putFinished(fresh, artifacts, { isNew: true });
      expect((await store.get(fresh.run_id))?.status).toBe('succeeded');
      expect(await store.openDatasetReader(fresh.run_id)).toBeNull();
    });

    it('makes a streamed dataset visible only on commit, byte for byte across chunk boundaries; abort and discardIncomplete leave nothing', async () => {
      const run = record();
      await store.create(run);
      const bytes = datasetBytes(2 * DATASET_CHUNK_BYTES + 12_345);
      const writer = await store.openDatasetWriter(run.run_id);
      // Odd write sizes, so chunk boundaries fall inside writes; one scratch buffer, overwritten
      // once each write resolved, as the worker pool reuses the chunks it hands a writer sink.
      const scratch = Buffer.alloc(300_007);
      for (let at = 0; at < bytes.length; at += 300_007) {
        const length = bytes.copy(scratch, 0, at, Math.min(bytes.length, at + 300_007));
        await writer.write(scratch.subarray(0, length));
        scratch.fill(0x7e);
      }
      expect(await store.openDatasetReader(run.run_id)).toBeNull();
      await writer.commit();
      expect((await buffer((await store.openDatasetReader(run.run_id))!)).equals(bytes)).toBe(true);

      // A later attempt that is aborted, and one left open and discarded, change nothing committed.
      const aborted = await store.openDatasetWriter(run.run_id);
      await aborted.write(datasetBytes(1_000, 2));
      await aborted.abort();
      const interrupted = await store.openDatasetWriter(run.run_id);
      await interrupted.write(datasetBytes(5_000, 3));
      expect(await store.discardIncomplete(run.run_id)).toBeGreaterThanOrEqual(1);
      await interrupted.abort().catch(() => undefined);
      expect((await buffer((await store.openDatasetReader(run.run_id))!)).equals(bytes)).toBe(true);

      // Any byte range reads the same bytes as a slice.
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: bytes.length - 1 }), async (a, b) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          const got = await buffer((await store.openDatasetReader(run.run_id, { start, end }))!);
          expect(got.equals(bytes.subarray(start, end + 1))).toBe(true);
        }),
        { numRuns: 25 },
      );
    });

    it('replaces a committed dataset with a later committed attempt (a re-run)', async () => {
      const run = record();
      await store.create(run);
      for (const seed of [1, 2]) {
        const writer = await store.openDatasetWriter(run.run_id);
        await writer.write(datasetBytes(3_000, seed));
        await writer.commit();
      }
      expect((await buffer((await store.openDatasetReader(run.run_id))!)).equals(datasetBytes(3_000, 2))).toBe(true);
    });

    it('deletes a run with everything stored for it, idempotently', async () => {
      const run = record({ idempotency_key: `del-${uuidv7()}` });
      await store.create(run);
      await store.putFinished(finished(run), { payload: {}, report: {}, manifest: {} }, { dataset: [datasetBytes(100)] });
      await store.delete(run.run_id);
      await store.delete(run.run_id);
      expect(await store.get(run.run_id)).toBeNull();
      expect(await store.getArtifact(run.run_id, 'payload')).toBeUndefined();
      expect(await store.openDatasetReader(run.run_id)).toBeNull();
      expect(await store.findByIdempotencyKey(run.idempotency_key!)).toBeNull();
    });

    it('sweeps finished runs older than the cutoff and keeps newer and unfinished ones; is writable', async () => {
      const { store: own, close: closeOwn } = await target.open();
      try {
        const old = finished(record(), '2026-11-01T00:00:00.000Z');
        const recent = finished(record(), '2026-11-30T00:00:00.000Z');
        const running = record({ status: 'running', created_at: '2026-10-01T00:00:00.000Z' });
        for (const run of [old, recent, running]) await own.create(run);
        expect(await own.sweepFinishedBefore('2026-11-15T00:00:00.000Z')).toBe(1);
        expect(await own.get(old.run_id)).toBeNull();
        expect(await own.get(recent.run_id)).not.toBeNull();
        expect(await own.get(running.run_id)).not.toBeNull();
        expect(await own.checkWritable()).toBe(true);
        expect(await own.sweepLeftovers()).toBeGreaterThanOrEqual(0);
      } finally {
        await closeOwn();
      }
    });
  });
}
