/**
 * The database goes away under a running replica and comes back (a PostgreSQL server of the
 * test's own, stopped as a crash stops it, then started): readiness fails (503) while it is gone
 * and recovers when it returns; every request meanwhile gets a 503 problem with Retry-After —
 * never a 500 — and liveness stays up; the process neither crashes nor hangs; afterwards the runs
 * made before are there and new ones are made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivatePostgres, privatePostgresSkipReason, type PrivatePostgres } from '../helpers/private-postgres.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const skip = privatePostgresSkipReason();
let database: PrivatePostgres;
let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
  if (skip !== null) return;
  database = await createPrivatePostgres();
  dataDir = await mkdtemp(join(tmpdir(), 'mp-outage-'));
  server = await startServerProcess({ RUN_STORE: 'postgres', DATABASE_URL: database.url, DATA_DIR: dataDir, WORKERS: '1' });
}, 120_000);
afterAll(async () => {
  if (skip !== null) return;
  await server?.stop();
  await database?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

async function until(predicate: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe.skipIf(skip !== null)(`PostgreSQL stopped and started under a replica${skip === null ? '' : ` — skipped: ${skip}`}`, () => {
  it('answers 503 with Retry-After while the database is gone, never a 500, and recovers when it returns', async () => {
    const before = await post({ n: 500, profile: 'analysis_only', seed: 8 });
    expect(before.status).toBe(201);
    const runId = ((await before.json()) as { run_id: string }).run_id;
    expect((await fetch(`${server.baseUrl}/health/ready`)).status).toBe(200);

    await database.stop('immediate');
    await until(async () => (await fetch(`${server.baseUrl}/health/ready`)).status === 503, 'readiness to fail');
    const ready = (await (await fetch(`${server.baseUrl}/health/ready`)).json()) as { checks: Record<string, { status: string }[]> };
    expect(ready.checks['runs:store-writable']?.[0]?.status).toBe('fail');
    expect((await fetch(`${server.baseUrl}/health/live`)).status).toBe(200);

    const attempts = [
      () => fetch(`${server.baseUrl}/v1/runs/${runId}`),
      () => fetch(`${server.baseUrl}/v1/runs/${runId}/trust-payload`),
      () => fetch(`${server.baseUrl}/v1/runs/${runId}/dataset`),
      () => fetch(`${server.baseUrl}/v1/runs?limit=5`),
      () => post({ n: 200, profile: 'analysis_only', seed: 9 }),
      () => post({ n: 200, profile: 'analysis_only', seed: 9 }, { 'idempotency-key': 'outage' }),
      () => post({ n: 200, profile: 'analysis_only', seed: 9 }, { prefer: 'respond-async' }),
      () => fetch(`${server.baseUrl}/v1/runs/${runId}`, { method: 'DELETE' }),
    ];
    for (const [i, attempt] of attempts.entries()) {
      const response = await attempt();
      expect(response.status, `attempt ${i}`).toBe(503);
      expect(response.headers.get('content-type'), `attempt ${i}`).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('retry-after'), `attempt ${i}`).toBe('30');
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem.code, `attempt ${i}`).toBe('SERVICE_STORAGE_UNAVAILABLE');
      expect(problem.detail).not.toContain(String(database.port));
    }
    expect(server.child.exitCode).toBeNull();

    await database.start();
    await until(async () => (await fetch(`${server.baseUrl}/health/ready`)).status === 200, 'readiness to recover');
    const again = await fetch(`${server.baseUrl}/v1/runs/${runId}`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { status: string }).status).toBe('succeeded');
    expect((await post({ n: 200, profile: 'analysis_only', seed: 10 })).status).toBe(201);
    expect(server.stderr()).not.toMatch(/uncaught|unhandled/i);
  });
});
