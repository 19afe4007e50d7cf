import { describe, expect, it } from 'vitest';
import { untilAborted } from '../../src/until-aborted.js';

describe('untilAborted', () => {
  it('settles as the promise does while the signal stays quiet', async () => {
    await expect(untilAborted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(untilAborted(Promise.reject(new Error('upstream')), new AbortController().signal)).rejects.toThrow('upstream');
  });

  it('rejects with the reason at once when the signal aborts, without waiting for a promise that never settles', async () => {
    const controller = new AbortController();
    const pending = untilAborted(new Promise<number>(() => undefined), controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });

  it('rejects for an already aborted signal and leaves no unhandled rejection behind', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    let unhandled = 0;
    const count = () => (unhandled += 1);
    process.on('unhandledRejection', count);
    await expect(untilAborted(Promise.reject(new Error('late')), controller.signal)).rejects.toThrow('gone');
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', count);
    expect(unhandled).toBe(0);
  });
});
