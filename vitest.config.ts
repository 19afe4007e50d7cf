import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'test/**/*.local.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default is one fork fewer than the cores: on a 2-core machine, one file at a time.
    // The end-to-end files wait on servers and sockets much of the time, so all cores it is.
    maxWorkers: availableParallelism(),
    testTimeout: 180_000,
    hookTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
    projects: [
      {
        extends: true,
        // Pure modules and in-process apps: files share a fork and its module cache, so the
        // calibrated model (seconds to build) and the schemas are built once per fork, not per
        // file. A file that changes global state (fake timers, env) restores it in afterEach.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        // Server processes, worker pools, signals: one fresh fork per file.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] },
      },
    ],
  },
});
