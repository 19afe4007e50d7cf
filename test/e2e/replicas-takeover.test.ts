/**
 * Replicas that survive each other (RUN_STORE=postgres, real processes, one database): a 10⁶ run
 * accepted and started by A, A killed with SIGKILL mid-run, is finished by B with the
 * dataset_sha256 of an uninterrupted single-node run (the CLI's), B counting the takeover; and a
 * DELETE on one replica stops a run executing on the other.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, postgresSkipReason, type FreshDatabase } from '../helpers/postgres.js';
import { spawnCli, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const skip = await postgresSkipReason();
const N = 1_000_000;
const REQUEST = { n: N, profile: 'analysis_only', seed: 77, scope: 'all' } as const;
let database: FreshDatabase;
/** The CLI's dataset_sha256 of REQUEST, computed once by the first test. */
let expected: string;
const servers: ServerProcess[] = [];
const dirs: string[] = [];

async function replica(): Promise<ServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-takeover-'));
  dirs.push(dir);
  const server = await startServerProcess({ RUN_STORE: 'postgres', DATABASE_URL: database.url, DATA_DIR: dir, WORKERS: '2', MAX_N: String(N), LOG_LEVEL: 'debug' });
  servers.push(server);
  return server;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** The dataset hash of the same request run by the CLI on one node, uninterrupted. */
async function referenceSha(dir: string): Promise<string> {
  const out = join(dir, 'reference.ndjson');
  const payload = join(dir, 'reference-payload.json');
  const child = spawnCli(['generate', '-n', String(N), '-p', REQUEST.profile, '-s', String(REQUEST.seed), '--scope', REQUEST.scope, '-o', out, '--payload', payload], { MAX_N: String(N), WORKERS: '2', LOG_LEVEL: 'silent' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(0);
  const fromPayload = (JSON.parse(await readFile(payload, 'utf8')) as { signals: unknown; dataset_sha256?: string }).dataset_sha256;
  const fromFile = await sha256OfFile(out);
  if (fromPayload !== undefined) expect(fromPayload).toBe(fromFile);
  await rm(out, { force: true });
  return fromFile;
}

const untilLog = (server: ServerProcess, msg: string, runId: string) =>
  server.waitForLog((line) => line['msg'] === msg && line['run_id'] === runId);

async function statusOn(server: ServerProcess, runId: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${server.baseUrl}/v1/runs/${runId}`)).json()) as Record<string, unknown>;
}

beforeAll(async () => {
  if (skip !== null) return;
  database = await freshDatabase();
}, 60_000);
afterAll(async () => {
  if (skip !== null) return;
  await Promise.all(servers.map((server) => server.stop('SIGKILL')));
  await database?.drop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.skipIf(skip !== null)(`replicas that survive each other${skip === null ? '' : ` — skipped: ${skip}`}`, () => {
  it('finishes on B, with the bytes of an uninterrupted run, a 10⁶ run A accepted and was executing when it was killed', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'mp-takeover-ref-'));
    dirs.push(scratch);
    expected = await referenceSha(scratch);

    const a = await replica();
    const accepted = await fetch(`${a.baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', prefer: 'respond-async' }, body: JSON.stringify(REQUEST) });
    expect(accepted.status).toBe(202);
    const runId = ((await accepted.json()) as { run_id: string }).run_id;
    // A holds it: started, some shards written.
    await untilLog(a, 'run started', runId);
    await untilLog(a, 'run progress', runId);
    const b = await replica();
    a.child.kill('SIGKILL');
    await a.exited;

    const finished = await untilLog(b, 'run finished', runId);
    expect(finished['status']).toBe('succeeded');
    const record = await statusOn(b, runId);
    expect(record['status']).toBe('succeeded');
    const manifest = (await (await fetch(`${b.baseUrl}/v1/runs/${runId}/manifest`)).json()) as { dataset_sha256: string };
    expect(manifest.dataset_sha256).toBe(expected);
    // The stored dataset B serves is those bytes.
    const dataset = await fetch(`${b.baseUrl}/v1/runs/${runId}/dataset`, { headers: { 'accept-encoding': 'identity' } });
    const hash = createHash('sha256');
    for await (const chunk of dataset.body!) hash.update(chunk);
    expect(`sha256:${hash.digest('hex')}`).toBe(expected);
    expect(dataset.headers.get('etag')).toBe(`"${expected}"`);
    const metrics = await (await fetch(`${b.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^run_takeovers_total 1$/m);
    // docs/operations.md names only replica metrics that a replica's scrape serves.
    const operations = await readFile(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const table = operations.split('| Replica metric |')[1]?.split('\n\n')[0] ?? '';
    const documented = [...table.matchAll(/^\| `([a-z_]+)/gm)].map((match) => match[1]);
    expect(documented.length).toBeGreaterThanOrEqual(2);
    for (const name of documented) expect(metrics, name).toContain(`# TYPE ${name} `);
    expect(b.logLines().some((line) => line['msg'] === 'run taken over from a replica that holds it no more' && line['run_id'] === runId)).toBe(true);
  });

  it('spreads the shards of a 10⁶ run over both replicas and merges them into the bytes of a single-node run', async () => {
    const live = servers.filter((server) => server.child.exitCode === null && server.child.signalCode === null);
    const [one, two] = live.length >= 2 ? live : [live[0]!, await replica()];
    const sampled = async (server: ServerProcess) => Number(/^run_shards_sampled_total (\d+)$/m.exec(await (await fetch(`${server.baseUrl}/metrics`)).text())?.[1] ?? 0);
    const before = [await sampled(one!), await sampled(two!)];
    const accepted = await fetch(`${one!.baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', prefer: 'respond-async' }, body: JSON.stringify(REQUEST) });
    expect(accepted.status).toBe(202);
    const runId = ((await accepted.json()) as { run_id: string }).run_id;
    const finished = await Promise.race([one!, two!].map((server) => untilLog(server, 'run finished', runId)));
    expect(finished['status']).toBe('succeeded');
    const manifest = (await (await fetch(`${two!.baseUrl}/v1/runs/${runId}/manifest`)).json()) as { dataset_sha256: string; output_files: { bytes: number }[] };
    expect(manifest.dataset_sha256).toBe(expected);
    // 62 shards of 16,384: each replica sampled some of them.
    const after = [await sampled(one!), await sampled(two!)];
    const byReplica = after.map((count, i) => count - before[i]!);
    expect(byReplica.every((count) => count > 0), `shards per replica ${byReplica.join(', ')}`).toBe(true);
    expect(byReplica[0]! + byReplica[1]!).toBeGreaterThanOrEqual(Math.ceil(N / 16_384));
  });

  it('stops a run executing on one replica when it is deleted on the other', async () => {
    // Every live replica may take the job (the earlier tests leave two): watch them all.
    const live = servers.filter((server) => server.child.exitCode === null && server.child.signalCode === null);
    if (live.length < 2) live.push(await replica());
    const one = live[0]!;
    const accepted = await fetch(`${one.baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', prefer: 'respond-async' }, body: JSON.stringify({ ...REQUEST, seed: 78 }) });
    expect(accepted.status).toBe(202);
    const runId = ((await accepted.json()) as { run_id: string }).run_id;
    // Whichever replica took the job executes it; the other one gets the DELETE.
    const executor = await Promise.race(live.map((server) => untilLog(server, 'run progress', runId).then(() => server)));
    const other = live.find((server) => server !== executor)!;
    const deleted = await fetch(`${other.baseUrl}/v1/runs/${runId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const ended = await untilLog(executor, 'run finished', runId);
    expect(ended['status']).toBe('cancelled');
    expect((await fetch(`${executor.baseUrl}/v1/runs/${runId}`)).status).toBe(404);
    expect((await fetch(`${other.baseUrl}/v1/runs/${runId}`)).status).toBe(404);
    // Both replicas still serve.
    for (const server of [executor, other]) expect((await fetch(`${server.baseUrl}/health/live`)).status).toBe(200);
  });
});
