/**
 * How a run's record reaches the store: the one place that decides, at each step of a run,
 * whether its record is created, replaced or not written at all.
 *
 *   admitted ─► created now, except a sync run without an Idempotency-Key (not until it ends)
 *   started  ─► replaced for a run that streams its dataset (a crash mid-run counts the attempt);
 *               a sync run's start stays in memory (it lasts milliseconds)
 *   finished ─► the artifacts, the held dataset and the record, created or replaced
 *   kept     ─► (failed, cancelled, left queued) created if never stored, else replaced unless
 *               the run was deleted meanwhile
 *
 * The unstored sync run is a measured trade (docs/decisions/0003-unstored-sync-runs.md): until its
 * 201 goes out it is not accepted, so a crash may lose it, and skipping the durable `queued`
 * write takes a folder, a file and three fsyncs off every such request.
 */
import type { ArtifactName, RunRecord, RunStore } from './run-store.js';

export class RunPersistence {
  readonly #store: RunStore;
  /** Runs of this process the store does not hold yet (sync runs without a key, until they end). */
  readonly #unstored = new Set<string>();

  constructor(store: RunStore) {
    this.#store = store;
  }

  /** Whether the store holds the run (false only for a deferred sync run of this process). */
  isStored(runId: string): boolean {
    return !this.#unstored.has(runId);
  }

  /**
   * A run was admitted. Resolves with the id of the run that holds its Idempotency-Key: another
   * run's id means this one was not stored and never existed.
   */
  async admitted(record: RunRecord, sync: boolean): Promise<string> {
    if (sync && record.idempotency_key === null) {
      this.#unstored.add(record.run_id);
      return record.run_id;
    }
    return this.#store.create(record);
  }

  /** A run started executing; `sync`: it holds its dataset in memory for the answer. */
  async started(record: RunRecord, sync: boolean): Promise<void> {
    if (!sync) await this.#store.put(record);
  }

  /** A run finished with its documents (and, for a sync run, the dataset it held). */
  async finished(record: RunRecord, artifacts: Readonly<Record<ArtifactName, unknown>>, dataset: readonly Uint8Array[] | null): Promise<void> {
    const isNew = this.#unstored.has(record.run_id);
    await this.#store.putFinished(record, artifacts, { ...(dataset ? { dataset } : {}), isNew });
    this.#unstored.delete(record.run_id);
  }

  /** A run settled in a state its caller must find later (failed, cancelled, left queued). */
  async kept(record: RunRecord): Promise<void> {
    if (this.#unstored.has(record.run_id)) {
      await this.#store.create(record);
      this.#unstored.delete(record.run_id);
    } else if (await this.#store.get(record.run_id)) {
      await this.#store.put(record);
    }
  }

  /**
   * A queued run is left for the next start (the service closed before it ran): a deferred run
   * is created now, so the next start runs it like any other; a stored one is there already.
   */
  async leftQueued(record: RunRecord): Promise<void> {
    if (this.#unstored.has(record.run_id)) await this.kept(record);
  }

  /** The run left this process: nothing more is written for it. */
  forget(runId: string): void {
    this.#unstored.delete(runId);
  }
}
