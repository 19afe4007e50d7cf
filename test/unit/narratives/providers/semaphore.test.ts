import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../../src/narratives/providers/semaphore.js';

describe('Semaphore', () => {
  it('holds at most its capacity and serves waiters in arrival order', async () => {
    const semaphore = new Semaphore(2);
    await semaphore.acquire();
    await semaphore.acquire();
    expect(semaphore.inUse).toBe(2);
    const order: string[] = [];
    const first = semaphore.acquire().then(() => order.push('first'));
    const second = semaphore.acquire().then(() => order.push('second'));
    semaphore.release();
    await first;
    semaphore.release();
    await second;
    expect(order).toEqual(['first', 'second']);
    expect(semaphore.inUse).toBe(2);
  });

  it('drops a waiter whose signal aborts, rejecting with the signal reason', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    semaphore.release();
    expect(semaphore.inUse).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new Semaphore(0)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
