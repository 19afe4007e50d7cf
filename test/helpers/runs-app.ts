/**
 * The runs routes in-process over a real RunsService: a file store in a temp DATA_DIR, the real
 * worker pool and the shipped snapshot. For tests that POST runs and read them back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ZodApp } from '../../src/http/route-schema.js';
import { runsRoutes } from '../../src/http/routes/runs.js';
import { FileRunStore } from '../../src/runs/file-run-store.js';
import { GenerationPool } from '../../src/workers/generation-pool.js';
import { buildTestApp } from './app.js';
import { testRunsService } from './runs-service.js';
import { shippedSnapshot } from './snapshot.js';

export interface RunsApp {
  readonly app: ZodApp;
  /** Closes the app, the pool and removes the DATA_DIR. */
  readonly close: () => Promise<void>;
}

export async function startRunsApp(options: { threads: number; maxN: number; prefix: string }): Promise<RunsApp> {
  const snapshot = await shippedSnapshot();
  const pool = new GenerationPool({ threads: options.threads, workerFile: resolve('dist/workers/generation-worker-entry.cjs') });
  const dataDir = await mkdtemp(join(tmpdir(), `${options.prefix}-`));
  const store = new FileRunStore(dataDir);
  await store.init();
  const service = testRunsService({ store, snapshot, pool, maxN: options.maxN });
  const app = await buildTestApp({ env: { DATA_DIR: dataDir }, extraV1: [runsRoutes(service, options.maxN)], onClose: () => service.close() });
  return {
    app,
    close: async () => {
      await app.close();
      await pool.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
