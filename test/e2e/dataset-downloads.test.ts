/**
 * Downloading a stored dataset from a real server process over loopback, the way hostile or
 * unlucky callers do it: aborting halfway in every format (no descriptor may stay open, and
 * DELETE must free the disk), negotiating formats through caches (one strong ETag per
 * representation, `Vary: Accept`), and reading a dataset file that was truncated on disk (never
 * served as a clean 200 under the original ETag). And the Parquet download, read back with a
 * Parquet reader against the NDJSON one.
 */
import { once } from 'node:events';
import { mkdtemp, open, rm, truncate } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/runs/dataset-formats.js';
import { PARQUET_SHA256_KEY } from '../../src/runs/dataset-parquet.js';
import { expectContract } from '../helpers/contract.js';
import { openFdCount, openTargets, pollUntil } from '../helpers/proc-fds.js';
import { ApiClient, runFinished, sha256Hex, type RunView } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

let dataDir: string;
let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-downloads-'));
  server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '1' });
  api = new ApiClient(server.baseUrl);
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

let seed = 500;
/** An async run of n personas, finished; its dataset is a file in the store. */
async function storedRun(n: number, extra: Record<string, unknown> = {}): Promise<RunView> {
  const answer = await api.post('/v1/runs', { n, profile: 'analysis_only', seed: (seed += 1), ...extra }, { prefer: 'respond-async' });
  expect(answer.status).toBe(202);
  const runId = (answer.body as { run_id: string }).run_id;
  await runFinished(server, runId);
  return (await api.get(`/v1/runs/${runId}`)).body as RunView;
}

/** Starts a download, waits for its first body bytes, then drops the connection. */
async function abortedDownload(path: string, accept: string): Promise<void> {
  const req = httpGet({ host: '127.0.0.1', port: server.port, path, headers: { accept }, agent: false });
  const [response] = (await once(req, 'response')) as [IncomingMessage];
  expect(response.statusCode).toBe(200);
  await once(response, 'data');
  req.destroy();
}

const FORMATS = ['application/x-ndjson', 'text/csv', 'application/json', 'application/vnd.apache.parquet'] as const;

const datasetFdsOf = async (runId: string) => (await openTargets(server.child.pid!)).filter((target) => target.includes(runId));

describe('aborted dataset downloads', () => {
  it('close the dataset file in every format: descriptors return to baseline and DELETE frees the disk', async () => {
    // Large enough that the answer cannot sit whole in the socket buffers when the caller leaves.
    const run = await storedRun(40_000);
    expect(run.dataset!.bytes).toBeGreaterThan(16 * 1024 * 1024);
    const path = `/v1/runs/${run.run_id}/dataset`;
    const baseline = await openFdCount(server.child.pid!);
    for (let i = 0; i < 4; i += 1) {
      for (const accept of FORMATS) await abortedDownload(path, accept);
    }
    const held = await pollUntil(() => datasetFdsOf(run.run_id), (fds) => fds.length === 0, 5_000);
    expect(held, 'descriptors still open on the dataset after the callers left').toEqual([]);
    // Other descriptors (sockets of the aborted calls) are gone too; a few spare for the runtime.
    const count = await pollUntil(() => openFdCount(server.child.pid!), (fds) => fds <= baseline + 2, 5_000);
    expect(count).toBeLessThanOrEqual(baseline + 2);

    expect((await api.delete(`/v1/runs/${run.run_id}`)).status).toBe(204);
    const deleted = (await openTargets(server.child.pid!)).filter((target) => target.endsWith('(deleted)'));
    expect(deleted, 'a deleted dataset still held open keeps its disk space').toEqual([]);
  });
});

describe('dataset representations', () => {
  it('each have their own strong ETag, stable across requests, and the answer says Vary: Accept', async () => {
    const run = await storedRun(300);
    const path = `/v1/runs/${run.run_id}/dataset`;
    const tags: string[] = [];
    for (const accept of FORMATS) {
      const first = await api.get(path, { accept });
      const again = await api.get(path, { accept });
      expect(first.status).toBe(200);
      const etag = String(first.headers['etag']);
      expect(etag, 'strong: no W/ prefix').toMatch(/^"[^"]+"$/);
      expect(again.headers['etag']).toBe(etag);
      expect(String(first.headers['vary']).toLowerCase()).toContain('accept');
      tags.push(etag);
    }
    expect(new Set(tags).size, tags.join(' ')).toBe(FORMATS.length);
    // The NDJSON answer's tag is the dataset digest the run record and the payload carry.
    expect(tags[0]).toBe(`"${run.dataset!.sha256}"`);
  });
});

describe('a stored dataset damaged on disk', () => {
  const datasetFile = (runId: string) => join(dataDir, 'runs', runId, 'dataset.ndjson');

  it('is refused with a problem (RUN_STORE_CORRUPT) when truncated, never served as 200 under its ETag', async () => {
    const run = await storedRun(300);
    await truncate(datasetFile(run.run_id), Math.floor(run.dataset!.bytes / 2));
    for (const accept of FORMATS) {
      const response = await request(`${server.baseUrl}/v1/runs/${run.run_id}/dataset`, { headers: { accept } });
      const body = await response.body.text();
      expect(response.statusCode, accept).toBe(500);
      expect(response.headers['etag']).toBeUndefined();
      expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(body)).toMatchObject({ code: 'RUN_STORE_CORRUPT' });
    }
  });

  it('is cut off, not completed, when its bytes changed but not its size', async () => {
    const run = await storedRun(300);
    const handle = await open(datasetFile(run.run_id), 'r+');
    await handle.write('#', Math.floor(run.dataset!.bytes / 2));
    await handle.close();
    // Uncompressed NDJSON has a Content-Length: its last bytes must be held back until the hash is
    // known, or a client that got them all would take the answer as complete.
    for (const coding of ['identity', 'gzip']) {
      for (const accept of FORMATS) {
        const response = await request(`${server.baseUrl}/v1/runs/${run.run_id}/dataset`, { headers: { accept, 'accept-encoding': coding } });
        // Headers went out before the last byte could be checked; the body must then fail to complete.
        const read = response.body.arrayBuffer().then(
          () => 'complete',
          () => 'cut off',
        );
        expect(response.statusCode === 200 ? await read : 'refused', `${accept} ${coding}`).not.toBe('complete');
      }
    }
  });
});

describe('the Parquet download', () => {
  it('reads back, with a Parquet reader, to the personas of the NDJSON download, typed and with the digest in its footer', async () => {
    const run = await storedRun(1_500, { scope: 'all', traits: true });
    const path = `/v1/runs/${run.run_id}/dataset`;
    const answer = await request(`${server.baseUrl}${path}`, { headers: { accept: 'application/vnd.apache.parquet' } });
    const bytes = Buffer.from(await answer.body.arrayBuffer());
    // The contract checker reads text bodies; a binary one is checked for status and headers.
    await expectContract({ method: 'GET', path, status: answer.statusCode, headers: answer.headers, text: bytes.toString('latin1') });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(answer.headers['etag']).toBe(`"${run.dataset!.sha256}-parquet"`);
    expect(String(answer.headers['vary']).toLowerCase()).toContain('accept');

    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(file);
    expect(metadata.num_rows).toBe(1_500n);
    expect(metadata.key_value_metadata).toEqual([{ key: PARQUET_SHA256_KEY, value: run.dataset!.sha256 }]);
    expect(metadata.schema.slice(1).map((element) => element.name)).toEqual(CSV_COLUMNS);

    const ndjson = (await api.get(path)).body as string;
    expect(`sha256:${sha256Hex(ndjson)}`).toBe(run.dataset!.sha256);
    const personas = ndjson.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown> & { traits: Record<string, number> });
    const rows = await parquetReadObjects({ file });
    expect(rows).toHaveLength(personas.length);
    rows.forEach((row, i) => {
      const { traits, ...scalars } = personas[i]!;
      const flatTraits = Object.fromEntries(Object.entries(traits).map(([trait, score]) => [`traits_${trait}`, score]));
      expect(row).toEqual({ ...scalars, ...flatTraits, narrative: null });
    });
    // scope all: children's null statuses are nulls, not empty strings.
    expect(rows.some((row) => row['marital_status'] === null)).toBe(true);
  });

  it('is not what application/* or */* get: those keep the NDJSON default', async () => {
    const run = await storedRun(50);
    for (const accept of ['application/*', '*/*', 'application/*, application/vnd.apache.parquet;q=0.5']) {
      const answer = await api.get(`/v1/runs/${run.run_id}/dataset`, { accept });
      expect(String(answer.headers['content-type']), accept).toMatch(/^application\/x-ndjson/);
    }
  });
});
