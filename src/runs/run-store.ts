/**
 * Where runs live (SPEC §13). The interface is deliberately small — records, JSON artifacts, one
 * dataset stream, an idempotency index — so a PostgreSQL or Redis implementation can follow for
 * multi-replica deployments. The default implementation is `FileRunStore`.
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'rejected', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ['succeeded', 'rejected', 'failed', 'cancelled'];

export const ARTIFACTS = ['payload', 'report', 'manifest'] as const;
export type ArtifactName = (typeof ARTIFACTS)[number];

/** The stored run record; parsed with zod when read back from any store. */
export const RunRecordSchema = z.object({
  run_id: z.string().min(1),
  status: z.enum(RUN_STATUSES),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  /** The request body as received. */
  request: z.unknown(),
  /** The request after defaults: what the generator actually ran (feeds config_hash). */
  effective_request: z.record(z.string(), z.unknown()),
  /** SHA-256 of the canonical request body, for idempotency checks. */
  request_hash: z.string(),
  idempotency_key: z.string().nullable(),
  progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }),
  decision: z.enum(['PASS', 'PASS_WITH_WARNINGS', 'REJECT']).nullable(),
  gate_codes: z.array(z.string()).nullable(),
  dataset: z
    .object({
      sha256: z.string(),
      bytes: z.number().int().min(0),
      n: z.number().int().min(0),
      withheld: z.boolean(),
    })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** How many times the run was started (crash recovery re-runs it). */
  attempts: z.number().int().min(0),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** Writes a dataset; nothing is visible until `commit` (atomic), `abort` leaves no trace. */
export interface DatasetWriter {
  write(chunk: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface RunPage {
  readonly runs: readonly RunRecord[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  readonly next_cursor: string | null;
}

export interface RunStore {
  /** Creates a record; fails if the id exists. */
  create(record: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | null>;
  /** Replaces the record atomically. */
  put(record: RunRecord): Promise<void>;
  /** Newest first (run ids are UUIDv7, so id order is creation order). */
  list(options: { limit: number; cursor?: string | undefined }): Promise<RunPage>;
  /** Runs left queued or running (crash recovery). */
  listUnfinished(): Promise<RunRecord[]>;
  /**
   * Stores a finished run: its artifacts and, when given, its dataset (a run that held it in
   * memory rather than streaming it through a DatasetWriter), then the record. Each file is
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
  /** The committed dataset as a byte stream, or null when there is none. */
  openDatasetReader(runId: string): Promise<Readable | null>;
  /**
   * Discards what an interrupted attempt of an unfinished run left half-written (temp files of a
   * crash); committed files stay. Called before the run is executed again. Resolves with how
   * many partial files it removed.
   */
  discardIncomplete(runId: string): Promise<number>;
  /** Removes the run and everything stored for it (idempotent). */
  delete(runId: string): Promise<void>;
  /** Maps an Idempotency-Key to a run (first writer wins); returns the run id now mapped. */
  claimIdempotencyKey(key: string, runId: string): Promise<string>;
  /** The run an Idempotency-Key maps to, if that run still exists. */
  lookupIdempotencyKey(key: string): Promise<string | null>;
  /** Deletes finished runs older than the cutoff (ISO time); returns how many. */
  sweepFinishedBefore(cutoffIso: string): Promise<number>;
  /** Can the store write right now? (readiness) */
  checkWritable(): Promise<boolean>;
}
