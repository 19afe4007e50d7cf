/**
 * What a reader sees of a run: the stored record, or, while this process runs it, its live record
 * (status, start, attempts and progress move ahead of the store). A run the store does not hold
 * yet (a sync run without a key) is read and listed from memory, in id order among stored runs.
 */
import type { Readable } from 'node:stream';
import { ServiceError } from '../errors.js';
import { FINISHED_STATUSES, type ArtifactName, type ByteSpan, type RunPage, type RunRecord, type RunStore } from './run-store.js';

/** The runs this process has in hand, as the read model needs them. */
export interface LiveRuns {
  /** The live record of a run queued or running here. */
  live(runId: string): RunRecord | undefined;
  /** Whether the store holds the run (false for a sync run of this process stored only when it ends). */
  isStored(runId: string): boolean;
  /** Live records of the runs the store does not hold yet. */
  unstored(): Iterable<RunRecord>;
}

/** Newest first: run ids are UUIDv7, so id order is creation order. */
const newestFirst = (a: RunRecord, b: RunRecord) => (a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0);

export class RunReadModel {
  readonly #store: RunStore;
  readonly #runs: LiveRuns;

  constructor(store: RunStore, runs: LiveRuns) {
    this.#store = store;
    this.#runs = runs;
  }

  /** The stored record, or its live one while the run is unfinished here. */
  #view(stored: RunRecord): RunRecord {
    if (FINISHED_STATUSES.includes(stored.status)) return stored;
    return this.#runs.live(stored.run_id) ?? stored;
  }

  /** The run as it is now; null when unknown. */
  async get(runId: string): Promise<RunRecord | null> {
    const stored = await this.#store.get(runId);
    if (stored) return this.#view(stored);
    // Not in the store: known only while it is a run the store does not hold yet (else: deleted).
    return this.#runs.isStored(runId) ? null : (this.#runs.live(runId) ?? null);
  }

  /** Newest first, each run as `get` shows it; runs not stored yet are merged in from memory. */
  async list(limit: number, cursor?: string): Promise<RunPage> {
    const page = await this.#store.list({ limit, cursor });
    const unstored = [...this.#runs.unstored()].filter((record) => cursor === undefined || record.run_id < cursor);
    if (unstored.length === 0) return { ...page, runs: page.runs.map((record) => this.#view(record)) };
    const merged = [...page.runs.map((record) => this.#view(record)), ...unstored].sort(newestFirst);
    const runs = merged.slice(0, limit);
    const more = page.next_cursor !== null || merged.length > limit;
    return { runs, next_cursor: more ? runs.at(-1)!.run_id : null };
  }

  async require(runId: string): Promise<RunRecord> {
    const record = await this.get(runId);
    if (!record) throw new ServiceError('RUN_NOT_FOUND', `no run ${runId}`, { details: { run_id: runId } });
    return record;
  }

  /** A finished run's artifact; RUN_NOT_FINISHED while it runs. */
  async artifact(runId: string, name: ArtifactName): Promise<unknown> {
    const record = await this.require(runId);
    if (!FINISHED_STATUSES.includes(record.status)) {
      throw new ServiceError('RUN_NOT_FINISHED', `run ${runId} is ${record.status}`, { details: { run_id: runId, status: record.status } });
    }
    const value = await this.#store.getArtifact(runId, name);
    if (value === undefined) {
      throw new ServiceError('RUN_NOT_FOUND', `run ${runId} has no ${name} (it ${record.status === 'cancelled' ? 'was cancelled' : 'failed'} before one was written)`);
    }
    return value;
  }

  /** The record of a run whose dataset can be served (for ETag and length); throws otherwise. */
  async datasetRecord(runId: string): Promise<RunRecord & { dataset: NonNullable<RunRecord['dataset']> }> {
    const record = await this.require(runId);
    if (!FINISHED_STATUSES.includes(record.status)) {
      throw new ServiceError('RUN_NOT_FINISHED', `run ${runId} is ${record.status}; its dataset is not ready`, { details: { run_id: runId } });
    }
    if (record.dataset?.withheld) {
      throw new ServiceError('RUN_DATASET_WITHHELD', `run ${runId} was rejected in strict mode; its dataset is withheld`, {
        details: { run_id: runId },
      });
    }
    if (!record.dataset) {
      throw new ServiceError('RUN_DATASET_WITHHELD', `run ${runId} has no dataset (status ${record.status})`, { details: { run_id: runId } });
    }
    return record as RunRecord & { dataset: NonNullable<RunRecord['dataset']> };
  }

  /** The committed dataset stream (or the bytes of `range`) of a record `datasetRecord` gave. */
  async openDataset(record: RunRecord, range?: ByteSpan): Promise<Readable> {
    const stream = await this.#store.openDatasetReader(record.run_id, range);
    if (!stream) {
      throw new ServiceError('RUN_DATASET_WITHHELD', `run ${record.run_id} has no dataset (status ${record.status})`, { details: { run_id: record.run_id } });
    }
    return stream;
  }

  /** The committed dataset stream, with the run record (for ETag and length). */
  async dataset(runId: string): Promise<{ record: RunRecord; stream: Readable }> {
    const record = await this.datasetRecord(runId);
    return { record, stream: await this.openDataset(record) };
  }
}
