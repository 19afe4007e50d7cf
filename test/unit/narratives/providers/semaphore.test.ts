import { getEventListeners } from 'node:events';
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

  it('adds one abort listener to a run signal however many callers wait on it, and none once they are served', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const controller = new AbortController();
    const waiting = Array.from({ length: 1_000 }, () => semaphore.acquire(controller.signal));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (let served = 0; served < waiting.length; served += 1) {
      semaphore.release();
      await waiting[served];
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('cancels 100,000 waiters of one run in linear time (issue #14: it froze the process for O(n²))', async () => {
    const semaphore = new Semaphore(4);
    const controller = new AbortController();
    const started = performance.now();
    const waiting = Array.from({ length: 100_004 }, () => semaphore.acquire(controller.signal).then(() => 'granted', () => 'cancelled'));
    controller.abort(new Error('cancelled'));
    const outcomes = await Promise.all(waiting);
    const elapsed = performance.now() - started;
    expect(outcomes.filter((outcome) => outcome === 'granted')).toHaveLength(4);
    expect(outcomes.filter((outcome) => outcome === 'cancelled')).toHaveLength(100_000);
    // Linear takes ~100 ms; the quadratic version took over a minute.
    expect(elapsed).toBeLessThan(5_000);
    // The four holders release into an empty queue: every slot comes back.
    for (let i = 0; i < 4; i += 1) semaphore.release();
    expect(semaphore.inUse).toBe(0);
  });

  it('serves the waiters left after one run cancels, in arrival order', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const cancelled = new AbortController();
    const order: string[] = [];
    const a = semaphore.acquire().then(() => order.push('a'));
    const dropped = semaphore.acquire(cancelled.signal).catch(() => order.push('dropped'));
    const b = semaphore.acquire().then(() => order.push('b'));
    cancelled.abort();
    await dropped;
    semaphore.release();
    await a;
    semaphore.release();
    await b;
    expect(order).toEqual(['dropped', 'a', 'b']);
  });

  it('refuses a capacity below one', () => {
    expect(() => new Semaphore(0)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
