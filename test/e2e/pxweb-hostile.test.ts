/**
 * Runs in PXWEB_MODE=live against a hostile PxWeb (test/servers/mock-pxweb.ts) through a real
 * server process: an answer trickled one byte every 1.5 s (under the per-chunk timeout, so only
 * an overall deadline ends it) and an answer of 400 MB. No run may stay `running` for good, DELETE
 * and SIGTERM must stop a run stuck on the upstream, readiness must not say `pass` meanwhile, and
 * memory must not follow the size of the answer. Time margins are an order of magnitude or more:
 * without the limits these never end at all.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, runFinished, runStarted } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { startMockPxweb, type MockFailure, type MockPxweb } from '../servers/mock-pxweb.js';

interface ManifestView {
  pxweb_fetch_log: { table_id: string; outcome: string; message: string | null }[];
}

const cleanUps: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

const TRICKLE: MockFailure = { kind: 'trickle', intervalMs: 1_500 };

async function liveService(failure: MockFailure, env: Record<string, string> = {}): Promise<{ mock: MockPxweb; api: ApiClient; server: ServerProcess }> {
  const mock = await startMockPxweb();
  cleanUps.push(() => mock.close());
  mock.failAlways(failure);
  const dataDir = await mkdtemp(join(tmpdir(), 'mp-pxweb-hostile-'));
  cleanUps.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    WORKERS: '1',
    PXWEB_MODE: 'live',
    PXWEB_BASE_URL: mock.baseUrl,
    PXWEB_TIMEOUT_MS: '2000',
    ...env,
  });
  cleanUps.push(async () => void (await server.stop('SIGKILL')));
  return { mock, api: new ApiClient(server.baseUrl), server };
}

async function asyncRun(api: ApiClient, seed: number): Promise<string> {
  const answer = await api.post('/v1/runs', { n: 500, profile: 'analysis_only', seed }, { prefer: 'respond-async' });
  expect(answer.status).toBe(202);
  return (answer.body as { run_id: string }).run_id;
}

async function readiness(server: ServerProcess): Promise<{ status: string; checks: Record<string, { status: string }[]> }> {
  const response = await request(`${server.baseUrl}/health/ready`);
  return (await response.body.json()) as { status: string; checks: Record<string, { status: string }[]> };
}

/** Resolves with what `promise` gave, or 'still waiting' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  return Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref())]);
}

/** Peak resident memory of a process so far (VmHWM), bytes. */
async function peakRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  expect(kb).toBeDefined();
  return Number(kb) * 1024;
}

describe('a PxWeb that trickles one byte every 1.5 s', () => {
  it('costs a run PXWEB_DEADLINE_MS, not forever: the run finishes from the embedded tables, its fetch log says timeout', async () => {
    const { api, server } = await liveService(TRICKLE, { PXWEB_DEADLINE_MS: '3000' });
    const runId = await asyncRun(api, 31);
    expect(await within(runFinished(server, runId), 40_000)).not.toBe('still waiting');
    const run = (await api.get(`/v1/runs/${runId}`)).body as { status: string };
    expect(run.status).toBe('succeeded');
    const manifest = (await api.get(`/v1/runs/${runId}/manifest`)).body as ManifestView;
    expect(manifest.pxweb_fetch_log).toContainEqual(expect.objectContaining({ table_id: 'age_sex_residence', outcome: 'timeout' }));
  });

  it('lets DELETE stop a run stuck on it at once, and readiness warns (not pass) while it is stuck', async () => {
    // A deadline far away: only the run's own signal can end the fetch in time.
    const { api, server } = await liveService(TRICKLE, { PXWEB_DEADLINE_MS: '600000' });
    const runId = await asyncRun(api, 32);
    await runStarted(server, runId);
    const stuck = await pollReadiness(server, (report) => report.checks['pxweb:upstream']?.[0]?.status === 'warn', 20_000);
    expect(stuck.checks['pxweb:upstream']?.[0]?.status).toBe('warn');
    expect(stuck.status).not.toBe('pass');

    const started = performance.now();
    const deleted = await within(api.delete(`/v1/runs/${runId}`), 20_000);
    expect(deleted === 'still waiting' ? deleted : deleted.status).toBe(204);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await api.get(`/v1/runs/${runId}`)).status).toBe(404);
  });

  it('does not keep SIGTERM from exiting while a run is stuck on it', async () => {
    const { api, server } = await liveService(TRICKLE, { PXWEB_DEADLINE_MS: '600000', SHUTDOWN_TIMEOUT_MS: '5000' });
    const runId = await asyncRun(api, 33);
    await runStarted(server, runId);
    expect(await within(server.stop('SIGTERM'), 20_000)).toBe(0);
    expect(server.logLines()).toContainEqual(expect.objectContaining({ run_id: runId, msg: 'run interrupted by shutdown; left queued for the next start' }));
  });
});

async function pollReadiness(server: ServerProcess, done: (report: Awaited<ReturnType<typeof readiness>>) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let report = await readiness(server);
  while (!done(report) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    report = await readiness(server);
  }
  return report;
}

describe('a PxWeb answer of 400 MB', () => {
  it('is cut off at PXWEB_MAX_BYTES: the run finishes from the embedded tables and peak memory does not follow the answer', async () => {
    const { api, server, mock } = await liveService({ kind: 'huge', bytes: 400 * 1_048_576 }, { PXWEB_MAX_BYTES: '1048576' });
    // Measured from once the workers have built their model: what grows after is the run's.
    await server.waitForLog((line) => line.msg === 'workers warmed up');
    const before = await peakRssBytes(server.child.pid!);
    const runId = await asyncRun(api, 34);
    expect(await within(runFinished(server, runId), 40_000)).not.toBe('still waiting');
    const manifest = (await api.get(`/v1/runs/${runId}/manifest`)).body as ManifestView;
    const entry = manifest.pxweb_fetch_log.find((attempt) => attempt.table_id === 'age_sex_residence');
    expect(entry).toMatchObject({ outcome: 'schema_drift' });
    expect(entry?.message).toMatch(/PXWEB_MAX_BYTES/);
    const grown = (await peakRssBytes(server.child.pid!)) - before;
    expect(grown, `peak RSS grew by ${Math.round(grown / 1_048_576)} MB`).toBeLessThan(100 * 1_048_576);
    expect(mock.bodyBytesSent()).toBeLessThan(64 * 1_048_576);
  });
});
