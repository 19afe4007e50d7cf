/** `moldova-personas serve`: the HTTP API on HOST:PORT until SIGTERM/SIGINT. */
import { checkDataDir } from '../../config/data-dir.js';
import { lockDataDir } from '../../config/data-dir-lock.js';
import { loadConfig } from '../../config/env.js';
import { assembleApp } from '../../http/assemble.js';
import { createLogger } from '../../http/logger.js';
import type { Command } from '../command.js';
import { closeOnSignal } from '../shutdown.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the HTTP API (configuration from the environment; see README)',
  usage: 'moldova-personas serve',
  options: {},
  async run(_input, io) {
    const config = loadConfig(io.env);
    // Before the store or the cache touch it: a bad DATA_DIR is a configuration error, found quickly.
    await checkDataDir(config.DATA_DIR);
    // One process per DATA_DIR: a second one's recovery would take over the first one's runs.
    const lock = await lockDataDir(config.DATA_DIR);
    const logger = createLogger({ level: config.LOG_LEVEL });
    const app = await assembleApp({ config, logger, warmUp: true }).catch(async (error: unknown) => {
      await lock.release();
      throw error;
    });
    // Handlers go in before the port is announced: a signal that arrives with no handler installed
    // kills the process at once (the default action), skipping the drain.
    const exitCode = closeOnSignal(app, {
      logger,
      timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      signals: process,
      forceExit: (code) => process.exit(code),
    });
    try {
      await app.listen({ host: config.HOST, port: config.PORT, listenTextResolver: (url) => `fastify bound ${url}` });
    } catch (error) {
      await app.close();
      await lock.release();
      throw error;
    }
    const address = app.server.address();
    // Tests and operators look for this line to learn the bound port (PORT=0 picks a free one).
    if (address !== null && typeof address === 'object') {
      logger.info({ host: address.address, port: address.port }, 'server listening');
    }
    // Released once the app has closed (the store is quiet by then); a forced exit removes it on 'exit'.
    return exitCode.finally(() => lock.release());
  },
};
