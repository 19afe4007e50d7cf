/**
 * Two server processes on one PostgreSQL database (RUN_STORE=postgres), talking over loopback, as
 * two replicas behind a load balancer: a run posted to A is served by B — its record, payload,
 * report, manifest, card, the list, and the dataset byte for byte with the same ETag, ranges
 * included; twenty concurrent POSTs with one Idempotency-Key spread over A and B give one run;
 * a run deleted on B is gone on A.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, postgresSkipReason, type FreshDatabase } from '../helpers/postgres.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const skip = await postgresSkipReason();
let database: FreshDatabase;
let a: ServerProcess;
let b: ServerProcess;
const dirs: string[] = [];

async function replica(url: string): Promise<ServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-replica-'));
  dirs.push(dir);
  const server = await startServerProcess({ RUN_STORE: 'postgres', DATABASE_URL: url, DATA_DIR: dir, WORKERS: '1' });
  started.push(server);
  return server;
}
/** Every server started, so afterAll stops them even when beforeAll failed halfway. */
const started: ServerProcess[] = [];

beforeAll(async () => {
  if (skip !== null) return;
  database = await freshDatabase();
  // Both start at once: the migrations take turns under their advisory lock.
  [a, b] = await Promise.all([replica(database.url), replica(database.url)]);
}, 120_000);
afterAll(async () => {
  if (skip !== null) return;
  await Promise.all(started.map((server) => server.stop()));
  await database?.drop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const json = async (response: Response) => ({ status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> });

describe.skipIf(skip !== null)(`two replicas on one PostgreSQL${skip === null ? '' : ` — skipped: ${skip}`}`, () => {
  it('serves a run posted to A from B: record, documents, card, list, and the dataset byte for byte with the same ETag', async () => {
    const created = await json(
      await fetch(`${a.baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 3_000, profile: 'analysis_only', seed: 17, scope: 'all' }) }),
    );
    expect(created.status).toBe(201);
    const runId = created.body['run_id'] as string;

    const onB = await json(await fetch(`${b.baseUrl}/v1/runs/${runId}`));
    expect(onB.status).toBe(200);
    expect(onB.body['status']).toBe('succeeded');
    for (const path of ['trust-payload', 'report', 'manifest']) {
      const [fromA, fromB] = await Promise.all([fetch(`${a.baseUrl}/v1/runs/${runId}/${path}`), fetch(`${b.baseUrl}/v1/runs/${runId}/${path}`)]);
      expect(fromB.status, path).toBe(200);
      expect(await fromB.text(), path).toBe(await fromA.text());
    }
    const [cardA, cardB] = await Promise.all([fetch(`${a.baseUrl}/v1/runs/${runId}/card`), fetch(`${b.baseUrl}/v1/runs/${runId}/card`)]);
    expect(await cardB.text()).toBe(await cardA.text());
    const list = await json(await fetch(`${b.baseUrl}/v1/runs?limit=5`));
    expect((list.body['runs'] as { run_id: string }[]).map((run) => run.run_id)).toContain(runId);

    // Identity: fetch would otherwise ask for gzip (and decode it), and the ETag names the coding.
    const identity = { headers: { 'accept-encoding': 'identity' } };
    const [datasetA, datasetB] = await Promise.all([fetch(`${a.baseUrl}/v1/runs/${runId}/dataset`, identity), fetch(`${b.baseUrl}/v1/runs/${runId}/dataset`, identity)]);
    const [bytesA, bytesB] = [Buffer.from(await datasetA.arrayBuffer()), Buffer.from(await datasetB.arrayBuffer())];
    expect(bytesB.equals(bytesA)).toBe(true);
    const sha = `sha256:${createHash('sha256').update(bytesB).digest('hex')}`;
    const manifest = (await (await fetch(`${b.baseUrl}/v1/runs/${runId}/manifest`)).json()) as { dataset_sha256: string };
    expect(manifest.dataset_sha256).toBe(sha);
    expect(datasetB.headers.get('etag')).toBe(datasetA.headers.get('etag'));
    expect(datasetB.headers.get('etag')).toBe(`"${sha}"`);

    const ranged = await fetch(`${b.baseUrl}/v1/runs/${runId}/dataset`, { headers: { range: 'bytes=1000-2999', 'accept-encoding': 'identity' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytesA.subarray(1000, 3000))).toBe(true);
    const notModified = await fetch(`${b.baseUrl}/v1/runs/${runId}/dataset`, { headers: { 'if-none-match': `"${sha}"`, 'accept-encoding': 'identity' } });
    expect(notModified.status).toBe(304);
  });

  it('gives twenty concurrent POSTs with one Idempotency-Key, spread over A and B, one run', async () => {
    const key = `spread-${Date.now()}`;
    const body = JSON.stringify({ n: 2_000, profile: 'analysis_only', seed: 5 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${(i % 2 === 0 ? a : b).baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, prefer: 'respond-async' }, body }).then(json),
      ),
    );
    expect(answers.map((answer) => answer.status).every((status) => status === 202)).toBe(true);
    const ids = new Set(answers.map((answer) => answer.body['run_id']));
    expect(ids.size).toBe(1);
    const [runId] = [...ids] as string[];
    // One run in the shared store: the other nineteen made none.
    const listed = (await json(await fetch(`${a.baseUrl}/v1/runs?limit=100`))).body['runs'] as { run_id: string; status: string }[];
    expect(listed.filter((run) => run.run_id === runId)).toHaveLength(1);
    // It finishes (on whichever replica accepted it first) and both answer the same.
    let status = '';
    for (let i = 0; i < 200 && status !== 'succeeded'; i += 1) {
      status = (await json(await fetch(`${b.baseUrl}/v1/runs/${runId}`))).body['status'] as string;
      if (status !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('succeeded');
  });

  it('answers ten concurrent sync POSTs with one Idempotency-Key, over A and B, with one run and the same 201', async () => {
    const key = `sync-spread-${Date.now()}`;
    const body = JSON.stringify({ n: 3_000, profile: 'analysis_only', seed: 6 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${(i % 2 === 0 ? a : b).baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body }).then(async (response) => ({
          status: response.status,
          text: await response.text(),
        })),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(new Array(10).fill(201));
    const bodies = answers.map((answer) => JSON.parse(answer.text) as { run_id: string; dataset: unknown[] });
    expect(new Set(bodies.map((answer) => answer.run_id)).size).toBe(1);
    // The same 3,000 personas in every answer, whichever replica answered it.
    expect(bodies[0]!.dataset).toHaveLength(3_000);
    expect(new Set(bodies.map((answer) => JSON.stringify(answer.dataset))).size).toBe(1);
  });

  it('deletes on B a run A made: gone on both, its key free again', async () => {
    const created = await json(
      await fetch(`${a.baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'del-1' }, body: JSON.stringify({ n: 100, profile: 'analysis_only', seed: 3 }) }),
    );
    expect(created.status).toBe(201);
    const runId = created.body['run_id'] as string;
    expect((await fetch(`${b.baseUrl}/v1/runs/${runId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${a.baseUrl}/v1/runs/${runId}`)).status).toBe(404);
    const again = await json(
      await fetch(`${b.baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'del-1' }, body: JSON.stringify({ n: 100, profile: 'analysis_only', seed: 3 }) }),
    );
    expect(again.status).toBe(201);
    expect(again.body['run_id']).not.toBe(runId);
  });

  it('reports both replicas ready, with the database probe among the checks', async () => {
    for (const server of [a, b]) {
      const ready = await json(await fetch(`${server.baseUrl}/health/ready`));
      expect(ready.status).toBe(200);
      expect(JSON.stringify(ready.body)).toContain('runs:store-writable');
    }
  });
});
