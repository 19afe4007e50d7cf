/**
 * Admission: whether a submitted run is taken, and which run answers it.
 *
 * - One Idempotency-Key makes one run. Submits with the same key run one after the other (a lock
 *   per key), so the second finds the first one's run and replays it; the store's first-writer-
 *   wins claim guards against another process. The same key with another body is a 422.
 * - MAX_QUEUE counts runs queued or running plus submits whose store writes are still pending;
 *   the check and the reservation are one synchronous step, so concurrent submits cannot overshoot.
 */
import { ServiceError } from '../errors.js';
import type { RunRecord, RunStore } from './run-store.js';

export class RunAdmission {
  readonly #maxQueue: number;
  /** Runs this process tracks (queued or running). */
  readonly #tracked: () => number;
  /** Submits past the MAX_QUEUE check that are not tracked yet. */
  #reserved = 0;
  readonly #keyLocks = new Map<string, Promise<void>>();

  constructor(options: { readonly maxQueue: number; readonly tracked: () => number }) {
    this.#maxQueue = options.maxQueue;
    this.#tracked = options.tracked;
  }

  /** Runs `task` after every earlier task holding the same key has finished. */
  async withKeyLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#keyLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    this.#keyLocks.set(key, mine);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.#keyLocks.get(key) === mine) this.#keyLocks.delete(key);
    }
  }

  /** Runs `task` holding a queue slot (SERVICE_QUEUE_FULL when none is free); it must track the run before it resolves. */
  async withQueueSlot<T>(task: () => Promise<T>): Promise<T> {
    const inFlight = this.#tracked() + this.#reserved;
    if (inFlight >= this.#maxQueue) {
      throw new ServiceError('SERVICE_QUEUE_FULL', `${inFlight} runs are queued or running (MAX_QUEUE).`, {
        details: { retryAfterSeconds: 10 },
      });
    }
    this.#reserved += 1;
    try {
      return await task();
    } finally {
      this.#reserved -= 1;
    }
  }
}

/**
 * The run an Idempotency-Key already made, or null; REQUEST_IDEMPOTENCY_MISMATCH when it was made
 * from another body. A key whose run's record is unreadable (or whose stored request can no longer
 * run) is a 409 naming the run: replaying it can only fail, and a new run under the key would be a
 * second one; DELETE frees the key.
 */
export async function runOfKey(store: Pick<RunStore, 'findByIdempotencyKey'>, key: string, requestHash: string): Promise<RunRecord | null> {
  const owner = await store.findByIdempotencyKey(key);
  if (owner?.status === 'failed' && owner.error?.code === 'RUN_STORE_CORRUPT') {
    throw new ServiceError(
      'REQUEST_CONFLICT',
      `This Idempotency-Key belongs to run ${owner.run_id}, whose stored record is corrupt; DELETE /v1/runs/${owner.run_id} to free the key, then retry.`,
      { details: { run_id: owner.run_id } },
    );
  }
  if (owner && owner.request_hash !== requestHash) {
    throw new ServiceError('REQUEST_IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used with a different request body.', {
      details: { run_id: owner.run_id },
    });
  }
  return owner;
}
