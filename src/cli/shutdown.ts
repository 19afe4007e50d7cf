/**
 * Graceful shutdown for `serve`. On the first SIGTERM/SIGINT: stop accepting connections, let
 * in-flight requests finish, then run the app's `onClose` hooks (fastify's `close()` does all
 * three, in that order). If requests are still open after `timeoutMs`, their connections are
 * cut so the hooks still run. A second signal exits at once.
 *
 *   signal ─► app.close(): preClose (gate /v1 with 503) ─► server.close() waits for requests
 *                 │                                        ─► onClose hooks ─► resolve 0
 *                 └─ after timeoutMs: closeAllConnections() ─────────────────► resolve 1
 */
import type { FastifyInstance } from 'fastify';
import { EXIT_CODES, type ExitCode } from './command.js';
import type { Logger } from '../http/logger.js';

export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ShutdownOptions {
  readonly logger: Logger;
  readonly timeoutMs: number;
  /** Where signals arrive (the process, in production). */
  readonly signals: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Called on a second signal; the process exits immediately. */
  readonly forceExit: (code: ExitCode) => void;
}

/** Resolves with the exit code once the app has closed after a signal. */
export function closeOnSignal(app: FastifyInstance, options: ShutdownOptions): Promise<ExitCode> {
  const { logger, timeoutMs } = options;
  return new Promise((resolve) => {
    let closing = false;
    let timedOut = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (closing) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        options.forceExit(EXIT_CODES.error);
        return;
      }
      closing = true;
      logger.info({ signal, timeout_ms: timeoutMs }, 'shutting down: finishing in-flight requests');
      const timer = setTimeout(() => {
        timedOut = true;
        logger.warn({ timeout_ms: timeoutMs }, 'shutdown timeout: closing the connections still open');
        app.server.closeAllConnections();
      }, timeoutMs);
      app.close().then(
        () => {
          clearTimeout(timer);
          for (const name of SHUTDOWN_SIGNALS) options.signals.off(name, onSignal);
          logger.info({ timed_out: timedOut }, 'shut down');
          resolve(timedOut ? EXIT_CODES.error : EXIT_CODES.ok);
        },
        (error: unknown) => {
          clearTimeout(timer);
          logger.error({ err: error }, 'shutdown failed');
          resolve(EXIT_CODES.error);
        },
      );
    };
    for (const name of SHUTDOWN_SIGNALS) options.signals.on(name, onSignal);
  });
}
