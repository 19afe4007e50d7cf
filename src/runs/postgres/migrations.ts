/**
 * The PostgreSQL run store's schema, as numbered migrations applied at start (decision 0012).
 * Every replica runs `migrate` when it starts; an advisory lock makes the replicas take turns,
 * so two that start at once apply each migration once, and a migration is one transaction with
 * its version row, so a crash leaves it applied or not at all. Versions only grow: a deployed
 * migration is never edited, a change is a new one.
 */
import type { Pool } from 'pg';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * JSON documents are stored as text, not jsonb: jsonb reorders keys, and the documents are served
 * (and hashed into cards and pages) in the order they were written.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, artifacts, datasets, idempotency keys',
    sql: `
      CREATE TABLE mp_runs (
        run_id      text PRIMARY KEY,
        status      text NOT NULL,
        created_at  text NOT NULL,
        finished_at text,
        record      text NOT NULL
      );
      CREATE INDEX mp_runs_unfinished ON mp_runs (run_id) WHERE status IN ('queued', 'running');
      CREATE TABLE mp_artifacts (
        run_id text NOT NULL REFERENCES mp_runs (run_id) ON DELETE CASCADE,
        name   text NOT NULL,
        body   text NOT NULL,
        PRIMARY KEY (run_id, name)
      );
      -- One row per write attempt of a run's dataset; readers see only the committed one.
      CREATE TABLE mp_datasets (
        run_id     text NOT NULL REFERENCES mp_runs (run_id) ON DELETE CASCADE,
        attempt    uuid NOT NULL,
        committed  boolean NOT NULL DEFAULT false,
        bytes      bigint NOT NULL DEFAULT 0,
        chunks     integer NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, attempt)
      );
      CREATE UNIQUE INDEX mp_datasets_one_committed ON mp_datasets (run_id) WHERE committed;
      -- The NDJSON bytes in chunks, each compressed on its own (raw DEFLATE), so a byte range
      -- reads only the chunks it covers.
      CREATE TABLE mp_dataset_chunks (
        run_id     text NOT NULL,
        attempt    uuid NOT NULL,
        seq        integer NOT NULL,
        raw_offset bigint NOT NULL,
        raw_bytes  integer NOT NULL,
        data       bytea NOT NULL,
        PRIMARY KEY (run_id, attempt, seq),
        FOREIGN KEY (run_id, attempt) REFERENCES mp_datasets (run_id, attempt) ON DELETE CASCADE
      );
      ALTER TABLE mp_dataset_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
      -- First writer wins (the primary key); a key goes with its run (the cascade).
      CREATE TABLE mp_idempotency (
        key    text PRIMARY KEY,
        run_id text NOT NULL REFERENCES mp_runs (run_id) ON DELETE CASCADE
      );
      CREATE INDEX mp_idempotency_run ON mp_idempotency (run_id);
      -- Readiness writes here: a database that takes no writes is not ready.
      CREATE TABLE mp_probe (
        replica text PRIMARY KEY,
        at      timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'shards of one run executed across replicas',
    sql: `
      -- One row per merge a coordinator runs; shard rows go with it.
      CREATE TABLE mp_shard_attempts (
        attempt    uuid PRIMARY KEY,
        shards     integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- A shard's output as a worker made it: NDJSON bytes (raw DEFLATE), its counters (JSON),
      -- record hashes and narrative stats. A retried shard writes the same bytes: first one kept.
      CREATE TABLE mp_run_shards (
        attempt       uuid NOT NULL REFERENCES mp_shard_attempts (attempt) ON DELETE CASCADE,
        shard         integer NOT NULL,
        count         integer NOT NULL,
        data          bytea NOT NULL,
        counts        text NOT NULL,
        record_hashes bytea NOT NULL,
        narratives    text,
        PRIMARY KEY (attempt, shard)
      );
      ALTER TABLE mp_run_shards ALTER COLUMN data SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 3,
    name: 'input snapshots every replica reads',
    sql: `
      -- The census tables a run was planned on, by hash: a replica that takes the run over, or
      -- samples its shards, uses these, not what its own PxWeb cache resolves today.
      CREATE TABLE mp_snapshots (
        snapshot_hash text PRIMARY KEY,
        body          text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE mp_run_snapshots (
        run_id        text PRIMARY KEY REFERENCES mp_runs (run_id) ON DELETE CASCADE,
        snapshot_hash text NOT NULL REFERENCES mp_snapshots (snapshot_hash)
      );
    `,
  },
  {
    version: 4,
    name: 'dataset chunks stored as they are',
    sql: `
      -- The dataset a sync run held in memory is stored uncompressed (decision 0012): small,
      -- short-lived, and compressing it cost more CPU per request than its storage.
      ALTER TABLE mp_dataset_chunks ADD COLUMN codec text NOT NULL DEFAULT 'deflate-raw' CHECK (codec IN ('deflate-raw', 'identity'));
    `,
  },
];

/** Any 64-bit constant: the replicas' lock on "applying migrations". */
const MIGRATION_LOCK = 7_277_104_113_001;

/** Applies the migrations not applied yet, one transaction each, holding the advisory lock. Resolves with the versions it applied. */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS mp_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM mp_schema_migrations')).rows.map((row) => row.version));
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO mp_schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        applied.push(migration.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
  return applied;
}
