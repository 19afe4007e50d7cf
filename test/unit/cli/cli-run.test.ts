import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { threadsFor, withCancellation } from '../../../src/cli/cli-run.js';
import { llmConfiguredOf } from '../../../src/runs/llm-from-config.js';
import type { ExitCode } from '../../../src/cli/command.js';

describe('threadsFor', () => {
  it.each([
    [5, 8, 1],
    [16_384, 8, 1],
    [16_385, 8, 2],
    [1_000_000, 2, 2],
    [1_000_000, 64, 62],
  ])('uses %i personas on at most WORKERS=%i threads: %i', (n, workers, expected) => {
    expect(threadsFor(n, workers)).toBe(expected);
  });
});

describe('llmConfiguredOf', () => {
  it('needs both the endpoint and the model', () => {
    expect(llmConfiguredOf({ LLM_BASE_URL: 'http://localhost:11434/v1', LLM_MODEL: 'm' })).toBe(true);
    expect(llmConfiguredOf({ LLM_BASE_URL: 'http://localhost:11434/v1', LLM_MODEL: '' })).toBe(false);
    expect(llmConfiguredOf({ LLM_BASE_URL: '', LLM_MODEL: 'm' })).toBe(false);
  });
});

describe('withCancellation', () => {
  function setUp() {
    const emitter = new EventEmitter();
    const forceExit = vi.fn<(code: ExitCode) => void>();
    return { emitter, forceExit, runtime: { signals: emitter as unknown as Pick<NodeJS.Process, 'on' | 'off'>, forceExit } };
  }

  it('aborts the body’s signal with RUN_CANCELLED on the first SIGINT or SIGTERM', async () => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      const { emitter, runtime, forceExit } = setUp();
      const reason = await withCancellation(runtime, () => undefined, async (signal) => {
        emitter.emit(name, name);
        return signal.reason as unknown;
      });
      expect(reason).toMatchObject({ code: 'RUN_CANCELLED', message: `the run was cancelled (${name})` });
      expect(forceExit).not.toHaveBeenCalled();
      expect(emitter.listenerCount(name)).toBe(0);
    }
  });

  it('cleans up and exits 1 on a second signal', async () => {
    const { emitter, runtime, forceExit } = setUp();
    const onForcedExit = vi.fn();
    await withCancellation(runtime, onForcedExit, async () => {
      emitter.emit('SIGINT', 'SIGINT');
      emitter.emit('SIGINT', 'SIGINT');
    });
    expect(onForcedExit).toHaveBeenCalledOnce();
    expect(forceExit).toHaveBeenCalledWith(1);
  });

  it('removes its handlers when the body throws', async () => {
    const { emitter, runtime } = setUp();
    await expect(withCancellation(runtime, () => undefined, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM')).toBe(0);
  });
});
