/**
 * A counting semaphore for bounding concurrent LLM calls. Waiters are served in arrival order;
 * a waiter whose signal aborts leaves the queue and rejects with the signal's reason.
 *
 * Costs are O(1) per acquire, release and cancelled waiter: the queue is a doubly linked list
 * (a cancelled waiter unlinks itself, no search or splice), and a signal shared by many waiters
 * carries one abort listener (`onAbort`), not one per waiter.
 */
import { ServiceError } from '../../errors.js';
import { onAbort } from './abort-fanout.js';

interface Waiter {
  readonly grant: () => void;
  prev: Waiter | null;
  next: Waiter | null;
}

export class Semaphore {
  private available: number;
  private head: Waiter | null = null;
  private tail: Waiter | null = null;
  private waiting = 0;

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
      let leave: (() => void) | undefined;
      const waiter: Waiter = {
        grant: () => {
          leave?.();
          resolve();
        },
        prev: null,
        next: null,
      };
      this.push(waiter);
      if (signal !== undefined) {
        leave = onAbort(signal, () => {
          this.unlink(waiter);
          reject(signal.reason);
        });
      }
    });
  }

  release(): void {
    const next = this.head;
    if (next === null) {
      this.available = Math.min(this.capacity, this.available + 1);
      return;
    }
    this.unlink(next);
    next.grant();
  }

  /** Slots in use (for tests and metrics). */
  get inUse(): number {
    return this.capacity - this.available;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiting;
  }

  private push(waiter: Waiter): void {
    waiter.prev = this.tail;
    if (this.tail === null) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.waiting += 1;
  }

  private unlink(waiter: Waiter): void {
    if (waiter.prev === null && this.head !== waiter) return;
    if (waiter.prev === null) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === null) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = null;
    waiter.next = null;
    this.waiting -= 1;
  }
}
