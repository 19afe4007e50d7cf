/**
 * The RunStore on PostgreSQL (issue 17, decision 0012): what the file store keeps in folders,
 * in tables every replica reaches — records, artifacts and idempotency keys as rows, datasets as
 * compressed chunks. Atomicity comes from transactions instead of renames: a finished run's
 * artifacts, dataset and record commit together, a streamed dataset becomes visible by one flag,
 * and the first writer of an Idempotency-Key wins on the primary key, across replicas.
 *
 * Every failure to reach the database leaves as SERVICE_STORAGE_UNAVAILABLE (503, Retry-After),
 * never as a 500 (pg-errors.ts); the pool's idle-client errors are caught, so a database restart
 * cannot crash the process.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw, constants as zlib } from 'node:zlib';
import pg from 'pg';
import { ServiceError } from '../../errors.js';
import { EffectiveRequestSchema } from '../../domain/request.js';
import { unreadableRecordOf } from '../run-transitions.js';
import {
  ARTIFACTS,
  FINISHED_STATUSES,
  RUN_ID,
  RunRecordSchema,
  type ArtifactName,
  type ByteSpan,
  type DatasetWriter,
  type RunPage,
  type RunRecord,
  type RunStore,
} from '../run-store.js';
import { migrate } from './migrations.js';
import { pgStoring as storing } from './pg-errors.js';

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/** A record as this store writes it: every run it stores has its effective request. */
const StoredRunRecordSchema = RunRecordSchema.extend({ effective_request: EffectiveRequestSchema });
const FINISHED = [...FINISHED_STATUSES];

/** Raw bytes per stored chunk: big enough that per-row overhead vanishes, small enough that a range reads little. */
export const DATASET_CHUNK_BYTES = 1 << 20;
/** Chunks a reader fetches per query (memory per open reader: about this many compressed chunks). */
const READ_BATCH = 8;

export interface PostgresRunStoreOptions {
  readonly connectionString: string;
  /** Connections at most (default 10). */
  readonly max?: number;
  /** This replica's name in the probe table (default: a random id). */
  readonly replica?: string;
  /** Called with errors of idle connections (a database restart): logged, never thrown. */
  readonly onPoolError?: (error: Error) => void;
}



function parseStored(runId: string, text: string, createdAt: string): RunRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return unreadableRecordOf(runId, undefined, createdAt);
  }
  const parsed = StoredRunRecordSchema.safeParse(raw);
  if (!parsed.success || parsed.data.run_id !== runId) return unreadableRecordOf(runId, raw, createdAt);
  return parsed.data;
}

const rowOf = (record: RunRecord) => [record.run_id, record.status, record.created_at, record.finished_at, JSON.stringify(record)];

/**
 * Copies written bytes into fixed-size chunks and hands each full one to `flush`. It copies: the
 * pool hands the chunk buffers it writes back to its workers once a write resolves (a writer
 * sink "releases chunks"), so nothing written may be kept by reference.
 */
class Chunker {
  #buffer = Buffer.allocUnsafe(DATASET_CHUNK_BYTES);
  #buffered = 0;
  #offset = 0;
  #seq = 0;

  constructor(private readonly flush: (seq: number, rawOffset: number, raw: Buffer) => Promise<void>) {}

  get bytes(): number {
    return this.#offset + this.#buffered;
  }

  get chunks(): number {
    return this.#seq;
  }

  async write(chunk: Uint8Array): Promise<void> {
    let at = 0;
    while (at < chunk.byteLength) {
      const take = Math.min(chunk.byteLength - at, DATASET_CHUNK_BYTES - this.#buffered);
      this.#buffer.set(chunk.subarray(at, at + take), this.#buffered);
      this.#buffered += take;
      at += take;
      if (this.#buffered === DATASET_CHUNK_BYTES) await this.end();
    }
  }

  /** Flushes what is buffered, then takes `bytes` bytes as one chunk of their own (stored by `store`). */
  async appendWhole(bytes: number, store: (seq: number, rawOffset: number) => Promise<void>): Promise<void> {
    await this.end();
    const [seq, offset] = [this.#seq, this.#offset];
    this.#offset += bytes;
    this.#seq += 1;
    await store(seq, offset);
  }

  /** Flushes what is buffered (nothing when empty). */
  async end(): Promise<void> {
    if (this.#buffered === 0) return;
    const raw = this.#buffer.subarray(0, this.#buffered);
    const [seq, offset] = [this.#seq, this.#offset];
    // A fresh buffer for what comes next: `raw` is compressed while the next chunk fills.
    this.#buffer = Buffer.allocUnsafe(DATASET_CHUNK_BYTES);
    this.#offset += this.#buffered;
    this.#buffered = 0;
    this.#seq += 1;
    await this.flush(seq, offset, raw);
  }
}

export class PostgresRunStore implements RunStore {
  readonly pool: pg.Pool;
  readonly #replica: string;

  constructor(options: PostgresRunStoreOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      // A database that does not answer must fail a request (503), not hang it.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      query_timeout: 60_000,
      application_name: 'moldova-personas',
    });
    // An idle client's error (the server restarted) is emitted on the pool: unhandled, it would crash the process.
    this.pool.on('error', (error) => options.onPoolError?.(error));
    this.#replica = options.replica ?? randomUUID();
  }

  /** Applies the migrations (safe when several replicas start at once). */
  async init(): Promise<void> {
    await storing(() => migrate(this.pool));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async #inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async create(record: RunRecord): Promise<string> {
    if (!RUN_ID.test(record.run_id)) throw new ServiceError('RUN_NOT_FOUND', `no run ${record.run_id}`);
    return storing(() =>
      this.#inTransaction(async (client) => {
        await client.query('INSERT INTO mp_runs (run_id, status, created_at, finished_at, record) VALUES ($1, $2, $3, $4, $5)', rowOf(record));
        if (record.idempotency_key === null) return record.run_id;
        // A concurrent claim of the same key waits here for the first to commit or roll back.
        const claimed = await client.query('INSERT INTO mp_idempotency (key, run_id) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [record.idempotency_key, record.run_id]);
        if (claimed.rowCount === 1) return record.run_id;
        const owner = await client.query<{ run_id: string }>('SELECT run_id FROM mp_idempotency WHERE key = $1', [record.idempotency_key]);
        // Another run holds the key: this one never existed (the transaction rolls back).
        throw new KeyHeld(owner.rows[0]?.run_id ?? null);
      }),
    ).catch(async (error: unknown) => {
      if (!(error instanceof KeyHeld)) throw error;
      // The owner was deleted between the two statements: the key is free, claim it again.
      return error.owner ?? this.create(record);
    });
  }

  async get(runId: string): Promise<RunRecord | null> {
    if (!RUN_ID.test(runId)) return null;
    const result = await storing(() => this.pool.query<{ record: string; created_at: string }>('SELECT record, created_at FROM mp_runs WHERE run_id = $1', [runId]));
    const row = result.rows[0];
    return row === undefined ? null : parseStored(runId, row.record, row.created_at);
  }

  async put(record: RunRecord): Promise<void> {
    const result = await storing(() => this.pool.query('UPDATE mp_runs SET status = $2, created_at = $3, finished_at = $4, record = $5 WHERE run_id = $1', rowOf(record)));
    if (result.rowCount === 0) throw new ServiceError('RUN_NOT_FOUND', `no run ${record.run_id}`);
  }

  async list(options: { limit: number; cursor?: string | undefined }): Promise<RunPage> {
    const result = await storing(() =>
      this.pool.query<{ run_id: string; record: string; created_at: string }>(
        'SELECT run_id, record, created_at FROM mp_runs WHERE ($1::text IS NULL OR run_id < $1) ORDER BY run_id DESC LIMIT $2',
        [options.cursor ?? null, options.limit + 1],
      ),
    );
    const runs = result.rows.slice(0, options.limit).map((row) => parseStored(row.run_id, row.record, row.created_at));
    const more = result.rows.length > options.limit;
    return { runs, next_cursor: more ? (runs.at(-1)?.run_id ?? null) : null };
  }

  async listUnfinished(): Promise<RunRecord[]> {
    const result = await storing(() =>
      this.pool.query<{ run_id: string; record: string; created_at: string }>("SELECT run_id, record, created_at FROM mp_runs WHERE status IN ('queued', 'running') ORDER BY run_id"),
    );
    return result.rows.map((row) => parseStored(row.run_id, row.record, row.created_at)).filter((record) => !FINISHED.includes(record.status));
  }

  async putFinished(
    record: RunRecord,
    artifacts: Readonly<Record<ArtifactName, unknown>>,
    options: { readonly dataset?: readonly Uint8Array[]; readonly isNew?: boolean } = {},
  ): Promise<void> {
    if (!RUN_ID.test(record.run_id)) throw new ServiceError('RUN_NOT_FOUND', `no run ${record.run_id}`);
    const documents = ARTIFACTS.map((name) => JSON.stringify(artifacts[name]));
    // The documents as VALUES rows ($6 on): name, body.
    const rows = ARTIFACTS.map((name, i) => `('${name}', $${6 + i}::text)`).join(', ');
    await storing(() =>
      this.#inTransaction(async (client) => {
        // The record and its documents in one statement (the foreign key is checked at its end).
        const written = await client.query(
          options.isNew
            ? `WITH run AS (INSERT INTO mp_runs (run_id, status, created_at, finished_at, record) VALUES ($1, $2, $3, $4, $5) RETURNING run_id)
               INSERT INTO mp_artifacts (run_id, name, body) SELECT run.run_id, d.name, d.body FROM run, (VALUES ${rows}) AS d (name, body)`
            : `WITH run AS (UPDATE mp_runs SET status = $2, created_at = $3, finished_at = $4, record = $5 WHERE run_id = $1 RETURNING run_id)
               INSERT INTO mp_artifacts (run_id, name, body) SELECT run.run_id, d.name, d.body FROM run, (VALUES ${rows}) AS d (name, body)
               ON CONFLICT (run_id, name) DO UPDATE SET body = EXCLUDED.body`,
          [...rowOf(record), ...documents],
        );
        if (written.rowCount === 0) throw new ServiceError('RUN_NOT_FOUND', `no run ${record.run_id}`);
        if (options.dataset) await this.#insertHeldDataset(client, record.run_id, options.dataset, options.isNew === true);
      }),
    );
  }

  /**
   * A dataset a sync run held in memory (≤ SYNC_MAX_N personas), committed with its run. Stored as
   * it is: compressing ~0.5 MB per request cost more CPU than the storage it saves on runs this
   * small, which expire with the TTL.
   */
  async #insertHeldDataset(client: pg.PoolClient, runId: string, chunks: readonly Uint8Array[], isNew: boolean): Promise<void> {
    const bytes = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    const attempt = randomUUID();
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.byteLength; at += DATASET_CHUNK_BYTES) pieces.push(bytes.subarray(at, at + DATASET_CHUNK_BYTES));
    if (!isNew) await client.query('DELETE FROM mp_datasets WHERE run_id = $1', [runId]);
    await client.query('INSERT INTO mp_datasets (run_id, attempt, committed, bytes, chunks) VALUES ($1, $2, true, $3, $4)', [runId, attempt, bytes.byteLength, pieces.length]);
    if (pieces.length === 0) return;
    const values = pieces.map((_, i) => `($1, $2, ${i}, ${i * DATASET_CHUNK_BYTES}, $${3 + 2 * i}, $${4 + 2 * i}, 'identity')`).join(', ');
    await client.query(
      `INSERT INTO mp_dataset_chunks (run_id, attempt, seq, raw_offset, raw_bytes, data, codec) VALUES ${values}`,
      [runId, attempt, ...pieces.flatMap((piece) => [piece.byteLength, piece])],
    );
  }

  async #insertChunk(client: pg.Pool | pg.PoolClient, runId: string, attempt: string, seq: number, rawOffset: number, raw: Buffer): Promise<void> {
    // Level 1: NDJSON of personas shrinks ~5x at a fraction of the default level's time.
    const data = await deflate(raw, { level: zlib.Z_BEST_SPEED });
    await client.query('INSERT INTO mp_dataset_chunks (run_id, attempt, seq, raw_offset, raw_bytes, data) VALUES ($1, $2, $3, $4, $5, $6)', [runId, attempt, seq, rawOffset, raw.byteLength, data]);
  }

  /** Makes `attempt` the run's dataset: earlier attempts go, committed ones included (a re-run replaces). */
  async #commitAttempt(client: pg.PoolClient, runId: string, attempt: string, bytes: number, chunks: number): Promise<void> {
    await client.query('DELETE FROM mp_datasets WHERE run_id = $1 AND attempt <> $2', [runId, attempt]);
    await client.query('UPDATE mp_datasets SET committed = true, bytes = $3, chunks = $4 WHERE run_id = $1 AND attempt = $2', [runId, attempt, bytes, chunks]);
  }

  async getArtifact(runId: string, name: ArtifactName): Promise<unknown> {
    if (!RUN_ID.test(runId)) return undefined;
    const result = await storing(() => this.pool.query<{ body: string }>('SELECT body FROM mp_artifacts WHERE run_id = $1 AND name = $2', [runId, name]));
    const body = result.rows[0]?.body;
    if (body === undefined) return undefined;
    try {
      return JSON.parse(body) as unknown;
    } catch (error) {
      throw new ServiceError('RUN_STORE_CORRUPT', `the stored ${name} of run ${runId} is not valid JSON`, { cause: error });
    }
  }

  async openDatasetWriter(runId: string): Promise<DatasetWriter> {
    if (!RUN_ID.test(runId)) throw new ServiceError('RUN_NOT_FOUND', `no run ${runId}`);
    const attempt = randomUUID();
    await storing(() => this.pool.query('INSERT INTO mp_datasets (run_id, attempt) VALUES ($1, $2)', [runId, attempt]));
    // Chunks go in on pooled connections as they fill; the commit flips one flag in a transaction.
    const chunker = new Chunker((seq, rawOffset, raw) => this.#insertChunk(this.pool, runId, attempt, seq, rawOffset, raw));
    const drop = () => this.pool.query('DELETE FROM mp_datasets WHERE run_id = $1 AND attempt = $2 AND NOT committed', [runId, attempt]);
    return {
      write: (chunk) => storing(() => chunker.write(chunk)),
      // A shard read back from the shared store is compressed already: stored as one chunk, as it is.
      writeDeflated: (chunk, deflated) =>
        storing(() =>
          chunker.appendWhole(chunk.byteLength, (seq, rawOffset) =>
            this.pool
              .query('INSERT INTO mp_dataset_chunks (run_id, attempt, seq, raw_offset, raw_bytes, data) VALUES ($1, $2, $3, $4, $5, $6)', [runId, attempt, seq, rawOffset, chunk.byteLength, Buffer.from(deflated.buffer, deflated.byteOffset, deflated.byteLength)])
              .then(() => undefined),
          ),
        ),
      commit: () =>
        storing(async () => {
          await chunker.end();
          await this.#inTransaction((client) => this.#commitAttempt(client, runId, attempt, chunker.bytes, chunker.chunks));
        }),
      abort: async () => {
        await storing(drop);
      },
    };
  }

  async openDatasetReader(runId: string, range?: ByteSpan): Promise<Readable | null> {
    if (!RUN_ID.test(runId)) return null;
    const found = await storing(() =>
      this.pool.query<{ attempt: string; bytes: string }>('SELECT attempt, bytes FROM mp_datasets WHERE run_id = $1 AND committed', [runId]),
    );
    const dataset = found.rows[0];
    if (dataset === undefined) return null;
    const total = Number(dataset.bytes);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? total - 1, total - 1);
    const pool = this.pool;
    async function* bytes(): AsyncGenerator<Buffer> {
      let from = start;
      while (from <= end) {
        const batch = await storing(() =>
          pool.query<{ raw_offset: string; raw_bytes: number; data: Buffer; codec: string }>(
            'SELECT raw_offset, raw_bytes, data, codec FROM mp_dataset_chunks WHERE run_id = $1 AND attempt = $2 AND raw_offset + raw_bytes > $3 AND raw_offset <= $4 ORDER BY seq LIMIT $5',
            [runId, dataset!.attempt, from, end, READ_BATCH],
          ),
        );
        if (batch.rows.length === 0) throw new ServiceError('RUN_STORE_CORRUPT', `the stored dataset of run ${runId} ends before its recorded length`);
        for (const row of batch.rows) {
          const offset = Number(row.raw_offset);
          const raw = row.codec === 'identity' ? row.data : await inflate(row.data);
          if (raw.byteLength !== row.raw_bytes || offset > from) throw new ServiceError('RUN_STORE_CORRUPT', `a stored chunk of run ${runId} does not match its index`);
          yield raw.subarray(from - offset, Math.min(raw.byteLength, end - offset + 1));
          from = offset + raw.byteLength;
          if (from > end) return;
        }
      }
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  async discardIncomplete(runId: string): Promise<number> {
    if (!RUN_ID.test(runId)) return 0;
    const result = await storing(() => this.pool.query('DELETE FROM mp_datasets WHERE run_id = $1 AND NOT committed', [runId]));
    return result.rowCount ?? 0;
  }

  async delete(runId: string): Promise<void> {
    if (!RUN_ID.test(runId)) return;
    // Artifacts, datasets, chunks and the run's Idempotency-Key go with it (ON DELETE CASCADE).
    await storing(() => this.pool.query('DELETE FROM mp_runs WHERE run_id = $1', [runId]));
  }

  async findByIdempotencyKey(key: string): Promise<RunRecord | null> {
    const result = await storing(() =>
      this.pool.query<{ run_id: string; record: string; created_at: string }>(
        'SELECT r.run_id, r.record, r.created_at FROM mp_idempotency i JOIN mp_runs r ON r.run_id = i.run_id WHERE i.key = $1',
        [key],
      ),
    );
    const row = result.rows[0];
    return row === undefined ? null : parseStored(row.run_id, row.record, row.created_at);
  }

  async sweepFinishedBefore(cutoffIso: string): Promise<number> {
    const result = await storing(() => this.pool.query('DELETE FROM mp_runs WHERE status = ANY($1) AND COALESCE(finished_at, created_at) < $2', [FINISHED, cutoffIso]));
    // Shards a coordinator that died left behind (its run was taken over with a new attempt).
    await storing(() => this.pool.query("DELETE FROM mp_shard_attempts WHERE created_at < now() - interval '1 hour'"));
    return result.rowCount ?? 0;
  }

  /**
   * Uncommitted datasets of finished runs (a write that died). Those of unfinished runs stay:
   * another replica may be writing one right now; recovery discards them before it re-runs.
   */
  async sweepLeftovers(): Promise<number> {
    const result = await storing(() =>
      this.pool.query('DELETE FROM mp_datasets d USING mp_runs r WHERE d.run_id = r.run_id AND NOT d.committed AND r.status = ANY($1)', [FINISHED]),
    );
    return result.rowCount ?? 0;
  }

  async checkWritable(): Promise<boolean> {
    try {
      await this.pool.query('INSERT INTO mp_probe (replica, at) VALUES ($1, now()) ON CONFLICT (replica) DO UPDATE SET at = EXCLUDED.at', [this.#replica]);
      return true;
    } catch {
      return false;
    }
  }
}

/** Another run holds the key a create claimed (internal: rolls the create back). */
class KeyHeld extends Error {
  constructor(readonly owner: string | null) {
    super('idempotency key held');
  }
}
