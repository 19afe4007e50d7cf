import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeOnSignal } from '../../../src/cli/shutdown.js';
import { createLogger } from '../../../src/http/logger.js';
import type { ZodApp } from '../../../src/http/route-schema.js';
import { buildTestApp } from '../../helpers/app.js';

const logger = createLogger({ level: 'silent' });

function signalSource() {
  const emitter = new EventEmitter();
  return { signals: emitter as unknown as Pick<NodeJS.Process, 'on' | 'off'>, emitter };
}

describe('closeOnSignal', () => {
  const apps: ZodApp[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('closes the app on %s, runs onClose hooks and resolves 0', async (signal) => {
    const onClose = vi.fn();
    const app = await buildTestApp({ extraV1: [(v1) => void v1.addHook('onClose', async () => onClose())] });
    apps.push(app);
    const { signals, emitter } = signalSource();
    const exit = closeOnSignal(app, { logger, timeoutMs: 1_000, signals, forceExit: vi.fn() });
    emitter.emit(signal, signal);
    await expect(exit).resolves.toBe(0);
    expect(onClose).toHaveBeenCalledOnce();
    expect(emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('forces exit with 1 on a second signal while the first is still closing', async () => {
    let finishClosing!: () => void;
    const slowHook = new Promise<void>((resolve) => {
      finishClosing = resolve;
    });
    const app = await buildTestApp({ extraV1: [(v1) => void v1.addHook('onClose', () => slowHook)] });
    const { signals, emitter } = signalSource();
    const forceExit = vi.fn();
    const exit = closeOnSignal(app, { logger, timeoutMs: 60_000, signals, forceExit });
    emitter.emit('SIGTERM', 'SIGTERM');
    expect(forceExit).not.toHaveBeenCalled();
    emitter.emit('SIGINT', 'SIGINT');
    expect(forceExit).toHaveBeenCalledWith(1);
    finishClosing();
    await expect(exit).resolves.toBe(0);
  });
});
