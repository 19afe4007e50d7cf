/**
 * `POST /v1/runs` when a sync run does not succeed: the caller always gets a problem answer
 * declared in the contract, never a hang — 500 when the run fails (a worker crashed), 409 when it
 * is cancelled (DELETE) while running, 503 + Retry-After when the service closes under it (the
 * run stays queued for the next start). In-process (inject), the runs routes over a RunsService
 * whose pool a test controls.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../../src/census/census-table.js';
import { SHARD_SIZE } from '../../../../src/generation/plan.js';
import type { ZodApp } from '../../../../src/http/route-schema.js';
import { runsRoutes } from '../../../../src/http/routes/runs.js';
import { FileRunStore } from '../../../../src/runs/file-run-store.js';
import type { PipelinePool } from '../../../../src/runs/run-pipeline.js';
import type { RunsLog, RunsService } from '../../../../src/runs/runs-service.js';
import { GenerationPool } from '../../../../src/workers/generation-pool.js';
import { buildTestApp } from '../../../helpers/app.js';
import { expectContract } from '../../../helpers/contract.js';
import { heldPool, recordingLog, testRunsService } from '../../../helpers/runs-service.js';
import { shippedSnapshot } from '../../../helpers/snapshot.js';

const MAX_N = 100_000;
let snapshot: InputSnapshot;
let realPool: GenerationPool;
let crashingPool: GenerationPool;
let dataDir: string;
let app: ZodApp | undefined;

beforeAll(async () => {
  snapshot = await shippedSnapshot();
  realPool = new GenerationPool({ threads: 1, workerFile: resolve('dist/workers/generation-worker-entry.cjs') });
  crashingPool = new GenerationPool({ threads: 1, workerFile: resolve('test/fixtures/crashing-worker.mjs') });
});
afterAll(async () => {
  await Promise.all([realPool.close(), crashingPool.close()]);
});
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-runs-routes-'));
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** Resolves with the id of the first run logged as started: the run holds the pool from then on. */
function startedLog(): { log: RunsLog; started: Promise<string> } {
  const { log, waitFor } = recordingLog();
  return { log, started: waitFor('run started').then((line) => String(line.obj['run_id'])) };
}

async function appWith(pool: PipelinePool, log?: RunsLog): Promise<{ app: ZodApp; service: RunsService }> {
  const store = new FileRunStore(dataDir);
  await store.init();
  const service = testRunsService({ store, snapshot, pool, maxN: MAX_N, ...(log ? { log } : {}) });
  app = await buildTestApp({ env: { DATA_DIR: dataDir }, extraV1: [runsRoutes(service, MAX_N)], onClose: () => service.close() });
  return { app, service };
}

const post = (target: ZodApp, payload: object) => target.inject({ method: 'POST', url: '/v1/runs', payload });

describe('POST /v1/runs, sync, when the run does not succeed', () => {
  it('answers 500 RUN_WORKER_FAILED (with Location) when a worker crashes; the run is failed', async () => {
    const { app } = await appWith(crashingPool);
    // Shard 1 crashes the fixture worker: the run needs at least two shards.
    const response = await post(app, { n: 2 * SHARD_SIZE, profile: 'analysis_only', seed: 1 });
    const problem = (await expectContract(response)) as { code: string };
    expect(response.statusCode).toBe(500);
    expect(problem.code).toBe('RUN_WORKER_FAILED');
    const location = String(response.headers['location']);
    const run = (await expectContract(await app.inject({ method: 'GET', url: location }))) as { status: string; error: { code: string } };
    expect(run).toMatchObject({ status: 'failed', error: { code: 'RUN_WORKER_FAILED' } });
  });

  it('answers 409 RUN_CANCELLED when the running run is deleted', async () => {
    const { log, started } = startedLog();
    const { app } = await appWith(heldPool(realPool), log);
    const pending = post(app, { n: 10, profile: 'analysis_only', seed: 2 });
    const runId = await started;
    expect((await expectContract(await app.inject({ method: 'GET', url: `/v1/runs/${runId}` }))) as object).toMatchObject({ status: 'running' });
    const deleted = await app.inject({ method: 'DELETE', url: `/v1/runs/${runId}` });
    await expectContract(deleted);
    expect(deleted.statusCode).toBe(204);
    const response = await pending;
    const problem = (await expectContract(response, { method: 'POST', path: '/v1/runs' })) as { code: string; run_id: string };
    expect(response.statusCode).toBe(409);
    expect(problem).toMatchObject({ code: 'RUN_CANCELLED', run_id: runId });
  });

  it('answers 503 + Retry-After when the service closes under it; the run stays queued', async () => {
    const { log, started } = startedLog();
    const { app, service } = await appWith(heldPool(realPool), log);
    const pending = post(app, { n: 10, profile: 'analysis_only', seed: 3 });
    const runId = await started;
    const closing = app.close();
    const response = await pending;
    await closing;
    const problem = (await expectContract(response, { method: 'POST', path: '/v1/runs' })) as { code: string; run_id: string };
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(problem).toMatchObject({ code: 'SERVICE_SHUTTING_DOWN', run_id: runId });
    expect(await service.get(runId)).toMatchObject({ status: 'queued', attempts: 1 });
  });
});
