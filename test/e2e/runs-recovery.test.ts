/**
 * A run accepted is never lost (SPEC §13), through the real process on one DATA_DIR:
 *
 *   start A ─ finish a small run R0, accept a 1,000,000-person run X ─ SIGTERM while X runs
 *     → exits 0, X left `queued` on disk, nothing half-written
 *   start B ─ recovers X and runs it again ─ SIGKILL (kill -9) while X runs
 *     → every stored file whole or absent
 *   start C ─ recovers X and finishes it: the dataset of an uninterrupted run of the same
 *     request (same seed), no temp files left, R0 untouched
 *
 * Runs are followed through the server's log lines, never by sleeping.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, runFinished, runProgressed, type PayloadView, type RunView } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const N = 1_000_000;
const BIG = { n: N, profile: 'analysis_only', seed: 20_261_124 };

let dataDir: string;
const servers: ServerProcess[] = [];

async function start(): Promise<{ server: ServerProcess; api: ApiClient }> {
  const server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '2', LOG_LEVEL: 'debug' });
  servers.push(server);
  return { server, api: new ApiClient(server.baseUrl) };
}

const runDir = (runId: string) => join(dataDir, 'runs', runId);
const storedRecord = async (runId: string) => JSON.parse(await readFile(join(runDir(runId), 'run.json'), 'utf8')) as RunView & { attempts: number; started_at: string | null };

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Every stored file that is not a temp file parses (JSON) — whole, never half-written. */
async function expectStoredFilesWhole(): Promise<{ temps: string[] }> {
  const temps: string[] = [];
  for (const entry of await readdir(join(dataDir, 'runs'), { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
    for (const name of await readdir(runDir(entry.name))) {
      if (name.includes('.tmp-')) {
        temps.push(`${entry.name}/${name}`);
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const text = await readFile(join(runDir(entry.name), name), 'utf8');
      expect(() => JSON.parse(text), `${entry.name}/${name}`).not.toThrow();
    }
  }
  return { temps };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-runs-recovery-'));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop('SIGKILL')));
  await rm(dataDir, { recursive: true, force: true });
});

describe('crash and shutdown recovery of a 1,000,000-person run', () => {
  let completed: { runId: string; payload: unknown; dataset: string };
  let bigId: string;

  it('SIGTERM while the run executes: exit 0, the run left queued, nothing half-written', async () => {
    const { server, api } = await start();
    const small = await api.post('/v1/runs', { n: 500, profile: 'analysis_only', seed: 42 });
    expect(small.status).toBe(201);
    const smallId = (small.body as { run_id: string }).run_id;
    completed = {
      runId: smallId,
      payload: (await api.get(`/v1/runs/${smallId}/trust-payload`)).body,
      dataset: (await api.get(`/v1/runs/${smallId}/dataset`)).body as string,
    };

    const accepted = await api.post('/v1/runs', BIG, { prefer: 'respond-async' });
    expect(accepted.status).toBe(202);
    bigId = (accepted.body as { run_id: string }).run_id;
    await runProgressed(server, bigId);

    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.logLines().map((line) => [line['msg'], line['run_id']])).toContainEqual([
      'run interrupted by shutdown; left queued for the next start',
      bigId,
    ]);
    expect(await storedRecord(bigId)).toMatchObject({ status: 'queued', started_at: null, attempts: 1, progress: { done: 0, total: N } });
    expect(await readdir(runDir(bigId))).toEqual(['run.json']);
  });

  it('kill -9 during the recovered run: every stored file whole or absent', async () => {
    const { server } = await start();
    expect(await server.waitForLog((line) => line['msg'] === 'runs recovered')).toMatchObject({ recovered: 1, failed: 0 });
    await runProgressed(server, bigId);
    await server.stop('SIGKILL');
    expect(server.child.signalCode).toBe('SIGKILL');

    expect(await storedRecord(bigId)).toMatchObject({ status: 'running', attempts: 2 });
    const { temps } = await expectStoredFilesWhole();
    // The killed attempt was writing its dataset: a temp file, never dataset.ndjson.
    expect(temps.filter((name) => name.startsWith(`${bigId}/dataset.ndjson.tmp-`))).toHaveLength(1);
    expect(await readdir(runDir(bigId))).not.toContain('dataset.ndjson');
  });

  it('the next start finishes it with the bytes of an uninterrupted run of the same request', async () => {
    const { server, api } = await start();
    expect(await server.waitForLog((line) => line['msg'] === 'runs recovered')).toMatchObject({ recovered: 1, failed: 0 });
    // The reference: the same request again, queued behind the recovered run.
    const reference = await api.post('/v1/runs', BIG, { prefer: 'respond-async' });
    expect(reference.status).toBe(202);
    const referenceId = (reference.body as { run_id: string }).run_id;

    expect(await runFinished(server, bigId)).toMatchObject({ status: 'succeeded', n: N });
    const recovered = (await api.get(`/v1/runs/${bigId}`)).body as RunView;
    expect(recovered).toMatchObject({ status: 'succeeded', progress: { done: N, total: N }, dataset: { n: N, withheld: false } });
    expect((await storedRecord(bigId)).attempts).toBe(3);
    expect((await readdir(runDir(bigId))).sort()).toEqual(['dataset.ndjson', 'manifest.json', 'payload.json', 'report.json', 'run.json']);
    const payload = (await api.get(`/v1/runs/${bigId}/trust-payload`)).body as PayloadView;
    expect(payload.dataset_sha256).toBe(recovered.dataset!.sha256);
    expect(await sha256OfFile(join(runDir(bigId), 'dataset.ndjson'))).toBe(recovered.dataset!.sha256);

    expect(await runFinished(server, referenceId)).toMatchObject({ status: 'succeeded', n: N });
    const referencePayload = (await api.get(`/v1/runs/${referenceId}/trust-payload`)).body as PayloadView;
    expect(referencePayload.dataset_sha256).toBe(payload.dataset_sha256);
    expect(referencePayload.config_hash).toBe(payload.config_hash);
    // The killed attempt's partial dataset was discarded: a warning on the recovered run only.
    expect(payload.gate_codes).toContain('SYSTEM_CHECKPOINT_CORRUPT');
    expect(referencePayload.gate_codes).not.toContain('SYSTEM_CHECKPOINT_CORRUPT');
    console.info(`recovered 1M run ${bigId}: ${payload.dataset_sha256} (reference run ${referenceId}: ${referencePayload.dataset_sha256})`);

    // The run completed before the crashes is untouched.
    expect((await api.get(`/v1/runs/${completed.runId}/trust-payload`)).body).toEqual(completed.payload);
    expect((await api.get(`/v1/runs/${completed.runId}/dataset`)).body).toBe(completed.dataset);
    expect((await expectStoredFilesWhole()).temps).toEqual([]);
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});
