/**
 * A run store (`DATA_DIR`) that takes no writes, over a real server process (#14 item 9):
 *
 * - full: the server runs under `ulimit -f 0`, so every write fails after its file was created
 *   (EFBIG), exactly as a full disk fails (ENOSPC) — the case that leaks temp files;
 * - read-only: the store's folders are chmod 0555 while the server runs as an unprivileged user
 *   (when the tests run as root, the server is started as `nobody`: root ignores file modes).
 *
 * Either way a POST gets a problem with a clear code and `Retry-After` instead of a 500, the
 * process stays healthy, readiness fails, and nothing is left behind in `DATA_DIR`. And a run whose
 * run.json is damaged (#14 item 10) reads as failed and can be deleted, on every endpoint.
 */
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, expectProblem } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess, type SpawnOptions } from '../helpers/server-process.js';

const NOBODY = 65_534;
const running: ServerProcess[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop('SIGKILL')));
  for (const folder of folders.splice(0)) {
    await chmod(join(folder, 'runs'), 0o755).catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
});

async function start(dataDir: string, options: SpawnOptions): Promise<{ server: ServerProcess; api: ApiClient }> {
  const server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '1' }, options);
  running.push(server);
  return { server, api: new ApiClient(server.baseUrl) };
}

async function freshDataDir(owner?: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-storage-'));
  folders.push(dir);
  if (owner !== undefined) await chown(dir, owner, owner);
  return dir;
}

/** Every path under `dir`, relative to it, folders included. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

const body = { n: 5, profile: 'analysis_only', seed: 7 };

describe('a full DATA_DIR', () => {
  it('answers POST with 507 SERVICE_STORAGE_FULL and Retry-After, stays healthy and leaves no temp file', async () => {
    const dataDir = await freshDataDir();
    const { api } = await start(dataDir, { fileSizeLimitBlocks: 0 });

    for (const request of [
      { headers: { prefer: 'respond-async' } },
      { headers: {} }, // sync, stored only when it ends
      { headers: { 'idempotency-key': 'full-disk-1' } }, // sync, stored when admitted
    ]) {
      const answer = await api.post('/v1/runs', body, request.headers);
      const problem = expectProblem(answer, 507, 'SERVICE_STORAGE_FULL');
      expect(answer.headers['retry-after']).toBe('30');
      expect(problem.detail).toContain('no space left');
      expect(problem.detail).not.toContain(dataDir);
    }
    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(503);
    const checks = (ready.body as { checks: Record<string, { status: string }[]> }).checks;
    expect(checks['runs:store-writable']![0]!.status).toBe('fail');
    expect(checks['data-dir:writable']![0]!.status).toBe('fail');
    await api.get('/health/ready');

    expect((await api.get('/health/live')).status).toBe(200);
    expect((await api.get('/v1/runs')).body).toMatchObject({ runs: [] });
    // No run folder, no temp file of a run, a key or a readiness probe; the lock (a symlink, no bytes) was taken.
    expect(await tree(dataDir)).toEqual(['runs', join('runs', '_idempotency'), 'serve.lock']);
  });
});

describe('a read-only DATA_DIR', () => {
  it('answers POST with 503 SERVICE_STORAGE_UNAVAILABLE and Retry-After, and takes runs again once writable', async () => {
    const asRoot = process.getuid?.() === 0;
    const dataDir = await freshDataDir(asRoot ? NOBODY : undefined);
    const { api } = await start(dataDir, asRoot ? { uid: NOBODY, gid: NOBODY } : {});
    const runs = join(dataDir, 'runs');
    await chmod(runs, 0o555);

    for (const headers of [{ prefer: 'respond-async' }, {}]) {
      const answer = await api.post('/v1/runs', body, headers);
      const problem = expectProblem(answer, 503, 'SERVICE_STORAGE_UNAVAILABLE');
      expect(answer.headers['retry-after']).toBe('30');
      expect(problem.detail).toContain('takes no writes');
    }
    expect((await api.get('/health/ready')).status).toBe(503);
    expect((await api.get('/health/live')).status).toBe(200);

    await chmod(runs, 0o755);
    expect((await api.post('/v1/runs', body)).status).toBe(201);
    expect((await api.get('/health/ready')).status).toBe(200);
  });
});

describe('a run whose run.json is damaged', () => {
  it('reads as failed (GET, list), is deleted by DELETE, and its Idempotency-Key answers 409 until then', async () => {
    const dataDir = await freshDataDir();
    const { api } = await start(dataDir, {});
    const made = await Promise.all(['truncated', 'folder'].map((key) => api.post('/v1/runs', body, { 'idempotency-key': key })));
    const [truncated, folder] = made.map((answer) => (answer.body as { run_id: string }).run_id) as [string, string];
    const runJson = (runId: string) => join(dataDir, 'runs', runId, 'run.json');
    await writeFile(runJson(truncated), '{"run_id": "');
    await rm(runJson(folder));
    await mkdir(runJson(folder));

    for (const runId of [truncated, folder]) {
      const run = await api.get(`/v1/runs/${runId}`);
      expect(run.status).toBe(200);
      expect(run.body).toMatchObject({ run_id: runId, status: 'failed', error: { code: 'RUN_STORE_CORRUPT' }, effective_request: {} });
    }
    expect((await api.get('/v1/runs')).body).toMatchObject({ runs: [{ status: 'failed' }, { status: 'failed' }] });
    const replay = await api.post('/v1/runs', body, { 'idempotency-key': 'truncated' });
    expect(expectProblem(replay, 409, 'REQUEST_CONFLICT')).toMatchObject({ run_id: truncated });

    for (const runId of [truncated, folder]) {
      expect((await api.delete(`/v1/runs/${runId}`)).status).toBe(204);
      expectProblem(await api.get(`/v1/runs/${runId}`), 404, 'RUN_NOT_FOUND');
    }
    expect((await api.post('/v1/runs', body, { 'idempotency-key': 'truncated' })).status).toBe(201);
  });
});
