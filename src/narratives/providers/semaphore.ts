/**
 * A counting semaphore for bounding concurrent LLM calls. Waiters are served in arrival order;
 * a waiter whose signal aborts leaves the queue and rejects with the signal's reason.
 */
import { ServiceError } from '../../errors.js';

export class Semaphore {
  private available: number;
  private readonly waiters: { grant: () => void; reject: (reason: unknown) => void }[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new ServiceError('INTERNAL', `Semaphore requires a positive integer capacity, got ${capacity}`);
    }
    this.available = capacity;
  }

  /** Resolves when a slot is held; call `release` exactly once afterwards. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next === undefined) this.available = Math.min(this.capacity, this.available + 1);
    else next.grant();
  }

  /** Slots in use (for tests and metrics). */
  get inUse(): number {
    return this.capacity - this.available;
  }
}
