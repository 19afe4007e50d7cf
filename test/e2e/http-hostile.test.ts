/**
 * Requests a hostile (or merely unusual) caller sends, against a real server process over
 * loopback: every answer is a problem+json the caller can act on, never a bare framework error,
 * never an amplified echo, never a server path, and nothing secret reaches the log.
 */
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, runFinished, runStarted, type ProblemView, type RunView } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

let dataDir: string;
let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-http-hostile-'));
  server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '1' });
  api = new ApiClient(server.baseUrl);
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

const VALID = { n: 3, profile: 'analysis_only', seed: 7 };

/** One raw HTTP/1.1 exchange: what the server wrote before it closed the connection. */
async function rawExchange(text: string): Promise<string> {
  const socket = connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  let raw = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (raw += chunk));
  socket.on('error', () => undefined);
  socket.write(text);
  await once(socket, 'close');
  return raw;
}

describe('headers larger than the server takes', () => {
  it('get 431 as problem+json (REQUEST_HEADERS_TOO_LARGE), not a bare framework body', async () => {
    const raw = await rawExchange(`GET /v1/runs HTTP/1.1\r\nHost: test\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
    const problem = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as ProblemView;
    expect(problem).toMatchObject({ status: 431, code: 'REQUEST_HEADERS_TOO_LARGE', type: 'urn:moldova-personas:problem:request-headers-too-large' });
  });
});

describe('a gzip-encoded request body', () => {
  it('gets 415 as problem+json with Accept-Encoding: identity (RFC 7694), not a 400', async () => {
    const response = await request(`${server.baseUrl}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(VALID)),
    });
    const problem = (await response.body.json()) as ProblemView;
    expect(response.statusCode).toBe(415);
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(response.headers['accept-encoding']).toBe('identity');
    expect(problem.code).toBe('REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('Prefer preferences that are empty or unknown', () => {
  it.each(['respond-async;', 'respond-async; ', 'respond-async=', 'respond-async, wait=', 'respond-async;;foo='])(
    'are ignored (RFC 7240): Prefer %j still queues the run',
    async (prefer) => {
      const answer = await api.post('/v1/runs', { ...VALID, n: 2 }, { prefer });
      expect(answer.status).toBe(202);
    },
  );

  it.each(['=async', '"respond-async"', 'respond async', ';', 'wait=5;;'])('never fail the request: Prefer %j is a sync run', async (prefer) => {
    const answer = await api.post('/v1/runs', { ...VALID, n: 2 }, { prefer });
    expect(answer.status).toBe(201);
  });
});

describe('run ids', () => {
  it('are found in upper case too, and answered in their lower-case form', async () => {
    const created = (await api.post('/v1/runs', VALID)).body as { run_id: string };
    const upper = created.run_id.toUpperCase();
    expect(upper).not.toBe(created.run_id);
    const run = await api.get(`/v1/runs/${upper}`);
    expect(run.status).toBe(200);
    expect((run.body as RunView).run_id).toBe(created.run_id);
    expect((await api.get(`/v1/runs/${upper}/trust-payload`)).status).toBe(200);
    expect((await api.get(`/v1/runs/${upper}/dataset`)).status).toBe(200);
    expect((await api.get(`/v1/runs?limit=1&cursor=${upper}`)).status).toBe(200);
    expect((await api.delete(`/v1/runs/${upper}`)).status).toBe(204);
    expect((await api.get(`/v1/runs/${created.run_id}`)).status).toBe(404);
  });
});

describe('validation errors', () => {
  it('do not amplify: 59 KB of unknown fields get a small answer that still points at the first of them', async () => {
    const body: Record<string, unknown> = { ...VALID };
    // About 10 bytes per `"k1234":0,`: 6,000 of them make ~59 KB, under BODY_LIMIT.
    for (let i = 0; i < 6_000; i += 1) body[`k${i}`] = 0;
    const sent = JSON.stringify(body).length;
    expect(sent).toBeGreaterThan(55_000);
    const response = await request(`${server.baseUrl}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.body.text();
    expect(response.statusCode).toBe(400);
    expect(text.length, `${sent} bytes in, ${text.length} out`).toBeLessThan(sent / 10);
    const problem = JSON.parse(text) as ProblemView;
    expect(problem.errors?.[0]).toEqual({ path: '/body/k0', message: 'Unknown field' });
  });

  it('do not echo a 50 KB field name whole: the pointer is cut, but still names the field', async () => {
    const name = `x${'y'.repeat(50_000)}`;
    const response = await request(`${server.baseUrl}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...VALID, [name]: 1 }),
    });
    const text = await response.body.text();
    expect(response.statusCode).toBe(400);
    expect(text.length).toBeLessThan(2_000);
    expect((JSON.parse(text) as ProblemView).errors?.[0]?.path).toMatch(/^\/body\/xyyyy/);
  });
});

describe('an API key in the query string', () => {
  it('never reaches the log; the logged URL keeps the path and the parameter names', async () => {
    const secret = 'k3y-in-the-query-0123456789';
    await request(`${server.baseUrl}/v1/runs?limit=1&api_key=${secret}`).then((response) => response.body.dump());
    await server.waitForLog((line) => String((line['req'] as { url?: unknown } | undefined)?.url ?? '').startsWith('/v1/runs?'));
    const text = server.logLines().map((line) => JSON.stringify(line)).join('\n');
    expect(text).not.toContain(secret);
    expect(text).toContain('/v1/runs?limit=[redacted]&api_key=[redacted]');
  });
});

describe('a run that failed on the file system', () => {
  it('reports its error without the server paths in the message', async () => {
    const answer = await api.post('/v1/runs', { n: 200_000, profile: 'analysis_only', seed: 11 }, { prefer: 'respond-async' });
    const runId = (answer.body as { run_id: string }).run_id;
    await runStarted(server, runId);
    // A folder where the dataset is to be renamed to: the commit fails with EISDIR, naming both paths.
    await mkdir(join(dataDir, 'runs', runId, 'dataset.ndjson'));
    await runFinished(server, runId);
    const run = (await api.get(`/v1/runs/${runId}`)).body as RunView;
    expect(run.status).toBe('failed');
    expect(run.error?.message).toBeTruthy();
    expect(run.error?.message).not.toContain(dataDir);
    expect(run.error?.message).not.toMatch(/\/(tmp|var|runs)\//);
  });
});
