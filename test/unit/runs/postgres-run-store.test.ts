/**
 * What only the PostgreSQL store has, on the real server: migrations that several replicas run
 * at once apply once; a database that cannot be reached gives coded 503 storage errors and a
 * failing writability probe, never a crash or a hang; a stored record that no longer parses
 * reads as a failed run; datasets are stored compressed; sweepLeftovers spares a dataset another
 * replica may still be writing; a run's snapshot is pinned and read back by any replica.
 */
import { buffer } from 'node:stream/consumers';
import { deflateRawSync } from 'node:zlib';
import { v7 as uuidv7 } from 'uuid';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/errors.js';
import { MIGRATIONS, migrate } from '../../../src/runs/postgres/migrations.js';
import { pgStorageErrorOf } from '../../../src/runs/postgres/pg-errors.js';
import { PostgresRunStore } from '../../../src/runs/postgres/postgres-run-store.js';
import { RunDistribution } from '../../../src/runs/postgres/run-distribution.js';
import { SharedSnapshots } from '../../../src/runs/postgres/shared-snapshots.js';
import { freshDatabase, postgresSkipReason, type FreshDatabase } from '../../helpers/postgres.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';
import { queuedRunRecord } from '../../helpers/run-record.js';

const skip = await postgresSkipReason();

const record = queuedRunRecord;

describe.skipIf(skip !== null)(`PostgresRunStore on a real server${skip === null ? '' : ` — skipped: ${skip}`}`, () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('applies each migration once when six replicas start at once, and again at a restart applies nothing', async () => {
    const pools = Array.from({ length: 6 }, () => new pg.Pool({ connectionString: database.url, max: 2 }));
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
      const versions = await pools[0]!.query<{ version: number }>('SELECT version FROM mp_schema_migrations ORDER BY version');
      expect(versions.rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrate(pools[1]!)).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('reads a stored record that no longer parses as a failed run, keeping what still parses', async () => {
    const store = new PostgresRunStore({ connectionString: database.url });
    try {
      await store.init();
      const run = record();
      await store.create(run);
      await store.pool.query('UPDATE mp_runs SET record = $2 WHERE run_id = $1', [run.run_id, JSON.stringify({ ...run, status: 'nonsense' })]);
      const read = await store.get(run.run_id);
      expect(read).toMatchObject({ run_id: run.run_id, status: 'failed', effective_request: run.effective_request });
      await store.pool.query('UPDATE mp_runs SET record = $2 WHERE run_id = $1', [run.run_id, '{"run_id":']);
      expect((await store.get(run.run_id))?.status).toBe('failed');
      // Still deletable, as the file store's unreadable runs are.
      await store.delete(run.run_id);
      expect(await store.get(run.run_id)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('stores NDJSON-like datasets compressed (raw DEFLATE per chunk)', async () => {
    const store = new PostgresRunStore({ connectionString: database.url });
    try {
      await store.init();
      const run = record();
      await store.create(run);
      const line = (i: number) => `{"id":"p-${i}","index":${i},"sex":"${i % 2 ? 'female' : 'male'}","age":${18 + (i % 70)},"district":"chisinau","residence":"urban"}\n`;
      const bytes = Buffer.from(Array.from({ length: 20_000 }, (_, i) => line(i)).join(''));
      const writer = await store.openDatasetWriter(run.run_id);
      await writer.write(bytes);
      await writer.commit();
      const stored = await store.pool.query<{ raw: string; compressed: string }>('SELECT sum(raw_bytes) AS raw, sum(octet_length(data)) AS compressed FROM mp_dataset_chunks WHERE run_id = $1', [run.run_id]);
      expect(Number(stored.rows[0]!.raw)).toBe(bytes.length);
      expect(Number(stored.rows[0]!.compressed)).toBeLessThan(bytes.length / 4);
    } finally {
      await store.close();
    }
  });

  it('stores a chunk given already compressed as it is, between chunks it compresses, and reads them all back in order', async () => {
    const store = new PostgresRunStore({ connectionString: database.url });
    try {
      await store.init();
      const run = record();
      await store.create(run);
      const part = (i: number, size: number) => Buffer.from(Array.from({ length: size }, (_, k) => 0x41 + ((i * 7 + k * 13) % 26)));
      const [a, b, c] = [part(1, 1_500_000), part(2, 700_000), part(3, 30_000)];
      const writer = await store.openDatasetWriter(run.run_id);
      await writer.write(a);
      await writer.writeDeflated!(b, deflateRawSync(b));
      await writer.write(c);
      await writer.commit();
      const all = Buffer.concat([a, b, c]);
      expect((await buffer((await store.openDatasetReader(run.run_id))!)).equals(all)).toBe(true);
      // A range across the three kinds of chunk.
      const span = { start: 1_400_000, end: 2_210_000 };
      expect((await buffer((await store.openDatasetReader(run.run_id, span))!)).equals(all.subarray(span.start, span.end + 1))).toBe(true);
      // b went in as one chunk of its own, stored as given.
      const stored = await store.pool.query<{ raw_bytes: number; data: Buffer }>('SELECT raw_bytes, data FROM mp_dataset_chunks WHERE run_id = $1 ORDER BY seq', [run.run_id]);
      expect(stored.rows.map((row) => row.raw_bytes)).toEqual([1 << 20, 1_500_000 - (1 << 20), 700_000, 30_000]);
      expect(stored.rows[2]!.data.equals(deflateRawSync(b))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('sweeps the uncommitted dataset of a finished run at start, and spares one of an unfinished run (another replica may be writing it)', async () => {
    const store = new PostgresRunStore({ connectionString: database.url });
    try {
      await store.init();
      const done = record();
      const running = record({ status: 'running' });
      await store.create(done);
      await store.create(running);
      for (const run of [done, running]) await (await store.openDatasetWriter(run.run_id)).write(Buffer.from('partial\n'));
      await store.put({ ...done, status: 'failed', finished_at: '2026-11-24T10:01:00.000Z' });
      expect(await store.sweepLeftovers()).toBe(1);
      expect(await store.discardIncomplete(running.run_id)).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('PostgresRunStore without a database', () => {
  it('answers every operation with a coded 503 storage error and a failing probe, quickly, and does not crash', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const store = new PostgresRunStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const attempts: Promise<unknown>[] = [
        store.init(),
        store.get(uuidv7()),
        store.create(record()),
        store.list({ limit: 10 }),
        store.findByIdempotencyKey('k'),
        store.openDatasetReader(uuidv7()),
        store.sweepFinishedBefore('2026-01-01T00:00:00.000Z'),
      ];
      for (const attempt of attempts) {
        const error = await attempt.then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(ServiceError);
        expect((error as ServiceError).code).toBe('SERVICE_STORAGE_UNAVAILABLE');
        expect((error as ServiceError).message).not.toContain('127.0.0.1');
        expect((error as ServiceError).details?.['retryAfterSeconds']).toBe(30);
      }
      expect(await store.checkWritable()).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('maps SQLSTATEs by meaning: disk full is 507, shutdown and read-only are 503, a constraint passes unchanged', () => {
    const coded = (code: string) => pgStorageErrorOf(Object.assign(new Error('x'), { code }));
    expect((coded('53100') as ServiceError).code).toBe('SERVICE_STORAGE_FULL');
    for (const state of ['57P01', '57P03', '08006', '25006', 'ECONNRESET']) expect((coded(state) as ServiceError).code, state).toBe('SERVICE_STORAGE_UNAVAILABLE');
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(pgStorageErrorOf(unique)).toBe(unique);
    expect((pgStorageErrorOf(new Error('Connection terminated unexpectedly')) as ServiceError).code).toBe('SERVICE_STORAGE_UNAVAILABLE');
  });
});

describe.skipIf(skip !== null)(`SharedSnapshots on a real server${skip === null ? '' : ` — skipped: ${skip}`}`, () => {
  it('pins a run to the snapshot it first resolved: a later call, or another replica, gets that one, not what the census resolves now', async () => {
    const database = await freshDatabase();
    const store = new PostgresRunStore({ connectionString: database.url });
    try {
      await store.init();
      const snapshot = await shippedSnapshot();
      // The census of this "replica" resolves S1 first, then a refreshed S2 (a PxWeb update).
      const refreshed = { ...snapshot, snapshot_hash: `sha256:${'e'.repeat(64)}` };
      let calls = 0;
      const census = { resolveForRun: async () => (calls++ === 0 ? snapshot : refreshed) };
      const run = record();
      await store.create(run);
      const here = new SharedSnapshots(store.pool, census);
      expect((await here.forRun(run.run_id, new Date())).snapshot_hash).toBe(snapshot.snapshot_hash);
      expect((await here.forRun(run.run_id, new Date())).snapshot_hash).toBe(snapshot.snapshot_hash);
      // Another replica, whose census would give S2: it reads the pinned S1 back from the database, whole.
      const there = new SharedSnapshots(store.pool, { resolveForRun: async () => refreshed });
      const taken = await there.forRun(run.run_id, new Date());
      expect(taken.snapshot_hash).toBe(snapshot.snapshot_hash);
      expect(JSON.stringify(taken)).toBe(JSON.stringify(snapshot));
      // A new run on that replica pins what it resolves.
      const next = record();
      await store.create(next);
      expect((await there.forRun(next.run_id, new Date())).snapshot_hash).toBe(refreshed.snapshot_hash);
      expect((await there.byHash(snapshot.snapshot_hash)).snapshot_hash).toBe(snapshot.snapshot_hash);
      await expect(there.byHash('sha256:none')).rejects.toThrow(/no stored snapshot/);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});

describe.skipIf(skip !== null)(`RunDistribution leases on a real server${skip === null ? '' : ` — skipped: ${skip}`}`, () => {
  it('gives a run one lease at a time, across replicas, and frees it on release', async () => {
    const database = await freshDatabase();
    const [a, b] = [new RunDistribution({ connectionString: database.url, concurrency: 1 }), new RunDistribution({ connectionString: database.url, concurrency: 1 })];
    try {
      const [run, other] = [uuidv7(), uuidv7()];
      const held = await a.lease(run);
      expect(held).not.toBeNull();
      expect(await b.lease(run)).toBeNull();
      // Another run's lease is its own.
      const second = await b.lease(other);
      expect(second).not.toBeNull();
      await held!.release();
      const taken = await b.lease(run);
      expect(taken).not.toBeNull();
      expect(a.leasesHeld).toBe(0);
      expect(b.leasesHeld).toBe(2);
      await Promise.all([taken!.release(), second!.release()]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await database.drop();
    }
  });
});
