/**
 * Where runs live (SPEC §13). The interface is deliberately small — records, JSON artifacts, one
 * dataset stream, an idempotency index. `FileRunStore` (the default, one process) and
 * `PostgresRunStore` (shared by replicas) implement it; one contract suite tests both.
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { EffectiveRequestSchema } from '../domain/request.js';
import { DECISIONS } from '../trust/decision.js';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'rejected', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ['succeeded', 'rejected', 'failed', 'cancelled'];

export const ARTIFACTS = ['payload', 'report', 'manifest'] as const;
export type ArtifactName = (typeof ARTIFACTS)[number];

/** A run id: a UUID (v7, so that id order is creation order) in its lower-case text form. */
export const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The stored run record; parsed with zod when read back from any store. The fields a caller sees
 * come first, in the order the Run resource serves them (`RunSchema` derives from this); the
 * store's own bookkeeping follows.
 */
export const RunRecordSchema = z.object({
  run_id: z.string().min(1),
  status: z.enum(RUN_STATUSES),
  progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }),
  request: z.unknown().describe('The request body as received.'),
  /**
   * The request after defaults: what the generator actually ran (feeds config_hash). Null only in
   * the record the store makes up for a run whose stored record it cannot read (it never runs).
   */
  effective_request: EffectiveRequestSchema.nullable(),
  decision: z.enum(DECISIONS).nullable(),
  gate_codes: z.array(z.string()).nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  dataset: z
    .object({
      sha256: z.string(),
      bytes: z.number().int().min(0),
      n: z.number().int().min(0),
      withheld: z.boolean(),
    })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** SHA-256 of the canonical request body, for idempotency checks. */
  request_hash: z.string(),
  idempotency_key: z.string().nullable(),
  /** How many times the run was started (crash recovery re-runs it). */
  attempts: z.number().int().min(0),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** Writes a dataset; nothing is visible until `commit` (atomic), `abort` leaves no trace. */
export interface DatasetWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Bytes with their raw-DEFLATE form, stored without compressing them again (a store that compresses; optional). */
  writeDeflated?(chunk: Uint8Array, deflated: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface RunPage {
  readonly runs: readonly RunRecord[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  readonly next_cursor: string | null;
}

/**
 * The store port. Every operation is async and speaks of runs, records, artifacts, dataset bytes
 * and keys only: how they are laid out (files, rows) stays inside the implementation.
 */
/** Bytes start..end of a stored file, both inclusive. */
export interface ByteSpan {
  readonly start: number;
  readonly end: number;
}

export interface RunStore {
  /**
   * Creates a record; fails if a record with its id exists. A record carrying an
   * `idempotency_key` also claims the key (first writer wins; a key whose run is gone is free
   * again): when another run holds it, nothing is created. Resolves with the id of the run that
   * holds the record's key (its own id when created, and always when it has no key).
   */
  create(record: RunRecord): Promise<string>;
  get(runId: string): Promise<RunRecord | null>;
  /** Replaces the record atomically. */
  put(record: RunRecord): Promise<void>;
  /** Newest first (run ids are UUIDv7, so id order is creation order). */
  list(options: { limit: number; cursor?: string | undefined }): Promise<RunPage>;
  /** Runs left queued or running (crash recovery). */
  listUnfinished(): Promise<RunRecord[]>;
  /**
   * Stores a finished run: its artifacts and, when given, its dataset (a run that held it in
   * memory rather than streaming it through a DatasetWriter), then the record. Each part is
   * atomic, and the record is written last: whoever reads a finished record finds the rest.
   * `isNew`: the run was never stored before (a sync run without a key): create it.
   */
  putFinished(
    record: RunRecord,
    artifacts: Readonly<Record<ArtifactName, unknown>>,
    options?: { readonly dataset?: readonly Uint8Array[]; readonly isNew?: boolean },
  ): Promise<void>;
  getArtifact(runId: string, name: ArtifactName): Promise<unknown>;
  openDatasetWriter(runId: string): Promise<DatasetWriter>;
  /**
   * The committed dataset as a byte stream, or null when there is none; with `range`, only bytes
   * start..end (inclusive), for HTTP Range requests.
   */
  openDatasetReader(runId: string, range?: ByteSpan): Promise<Readable | null>;
  /**
   * Discards what an interrupted attempt of an unfinished run left half-written (an uncommitted
   * dataset); committed parts stay. Called before the run is executed again. Resolves with how
   * many partial parts it removed.
   */
  discardIncomplete(runId: string): Promise<number>;
  /** Removes the run and everything stored for it, its Idempotency-Key included (free again); idempotent. */
  delete(runId: string): Promise<void>;
  /** The run an Idempotency-Key maps to, if that run still exists. */
  findByIdempotencyKey(key: string): Promise<RunRecord | null>;
  /** Deletes finished runs older than the cutoff (ISO time); returns how many. */
  sweepFinishedBefore(cutoffIso: string): Promise<number>;
  /**
   * Removes what failed or interrupted writes left behind: partial files, folders of runs that
   * were never created, Idempotency-Keys whose run is gone. Called once at start, after recovery
   * has discarded the partial output of the runs it executes again. Resolves with how many it removed.
   */
  sweepLeftovers(): Promise<number>;
  /** Can the store write right now? (readiness) */
  checkWritable(): Promise<boolean>;
  /** Releases connections (a database store); the file store has nothing to release. */
  close?(): Promise<void>;
}
