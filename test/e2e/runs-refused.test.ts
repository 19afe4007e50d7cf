/**
 * Requests the runs API refuses, over a real server process: a battery of malformed requests and
 * a random-body property (only 201/202 or a 4xx problem, every answer valid against the contract,
 * the server healthy afterwards), and the full queue (503 + Retry-After).
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/domain/request.js';
import { expectContract } from '../helpers/contract.js';
import { ApiClient, expectProblem, runFinished, type ProblemView } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const BODY_LIMIT = 65_536;
const MAX_N = 1_000_000;
const valid = { n: 5, profile: 'analysis_only' };

/** One request written byte by byte on a socket (for header bytes an HTTP client refuses to send). */
async function rawRequest(port: number, head: Buffer, body: Buffer): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(Buffer.concat([head, body]));
  await once(socket, 'end');
  socket.destroy();
  const raw = Buffer.concat(chunks).toString('utf8');
  const split = raw.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, text: raw.slice(split + 4) };
}

describe('malformed requests', () => {
  let dataDir: string;
  let server: ServerProcess;
  let api: ApiClient;
  let finishedRunId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mp-runs-refused-'));
    server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '1', LOG_LEVEL: 'debug' });
    api = new ApiClient(server.baseUrl);
    const created = await api.post('/v1/runs', { ...valid, seed: 1 });
    expect(created.status).toBe(201);
    finishedRunId = (created.body as { run_id: string }).run_id;
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  const runsBefore = async () => ((await api.get('/v1/runs?limit=100')).body as { runs: unknown[] }).runs.length;

  it.each<[string, unknown, string]>([
    ['n as a string', { n: '10', profile: 'analysis_only' }, '/body/n'],
    ['n negative', { n: -1, profile: 'analysis_only' }, '/body/n'],
    ['n zero', { n: 0, profile: 'analysis_only' }, '/body/n'],
    ['n fractional', { n: 1.5, profile: 'analysis_only' }, '/body/n'],
    ['n above MAX_N', { n: MAX_N + 1, profile: 'analysis_only' }, '/body/n'],
    ['n huge', { n: 1e300, profile: 'analysis_only' }, '/body/n'],
    ['n null', { n: null, profile: 'analysis_only' }, '/body/n'],
    ['n missing', { profile: 'analysis_only' }, '/body/n'],
    ['unknown profile', { n: 5, profile: 'best_effort' }, '/body/profile'],
    ['profile as a number', { n: 5, profile: 3 }, '/body/profile'],
    ['seed negative', { ...valid, seed: -1 }, '/body/seed'],
    ['seed above 2^32-1', { ...valid, seed: 2 ** 32 }, '/body/seed'],
    ['seed fractional', { ...valid, seed: 0.5 }, '/body/seed'],
    ['strict as a string', { ...valid, strict: 'yes' }, '/body/strict'],
    ['unknown scope', { ...valid, scope: 'children' }, '/body/scope'],
    ['narratives as a string', { ...valid, narratives: 'template' }, '/body/narratives'],
    ['unknown narrative provider', { ...valid, narratives: { provider: 'gpt' } }, '/body/narratives/provider'],
    ['an extra field', { ...valid, admin: true }, '/body/admin'],
    ['an extra nested field', { ...valid, narratives: { provider: 'none', model: 'x' } }, '/body/narratives/model'],
    ['an array body', [valid], '/body'],
  ])('%s → 400 naming the field', async (_name, body, path) => {
    const problem = expectProblem(await api.post('/v1/runs', body), 400, 'REQUEST_VALIDATION');
    expect(problem.errors?.map((error) => error.path)).toContain(path);
  });

  it('refuses bodies that are not JSON, or not sent as JSON', async () => {
    const post = (raw: string, contentType?: string) =>
      api.send('POST', '/v1/runs', { raw, headers: contentType === undefined ? {} : { 'content-type': contentType } });
    expectProblem(await post('{"n": 5,', 'application/json'), 400, 'REQUEST_MALFORMED_JSON');
    expectProblem(await post('', 'application/json'), 400, 'REQUEST_MALFORMED_JSON');
    expectProblem(await post('{"n":5,"profile":"analysis_only","__proto__":{"x":1}}', 'application/json'), 400);
    expectProblem(await post(JSON.stringify(valid), 'text/plain'), 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await post('n=5&profile=analysis_only', 'application/x-www-form-urlencoded'), 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await post(JSON.stringify(valid)), 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body over BODY_LIMIT with 413', async () => {
    const body = JSON.stringify({ ...valid, padding: 'x'.repeat(BODY_LIMIT) });
    expectProblem(await api.send('POST', '/v1/runs', { raw: body, headers: { 'content-type': 'application/json' } }), 413, 'REQUEST_BODY_TOO_LARGE');
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['empty', ''],
    ['with a space', 'two words'],
  ])('refuses an Idempotency-Key %s with 400', async (_name, key) => {
    const problem = expectProblem(await api.post('/v1/runs', valid, { 'idempotency-key': key }), 400, 'REQUEST_VALIDATION');
    expect(problem.errors?.[0]?.path).toBe('/headers/idempotency-key');
  });

  it('refuses a non-ASCII Idempotency-Key with 400', async () => {
    const body = Buffer.from(JSON.stringify(valid));
    const head = Buffer.concat([
      Buffer.from(`POST /v1/runs HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.byteLength}\r\nIdempotency-Key: `),
      Buffer.from('cheie-ă-ș-ț', 'utf8'),
      Buffer.from('\r\n\r\n'),
    ]);
    const answer = await rawRequest(server.port, head, body);
    const problem = (await expectContract({ method: 'POST', path: '/v1/runs', ...answer })) as ProblemView;
    expect(answer.status).toBe(400);
    expect(problem.errors?.[0]?.path).toBe('/headers/idempotency-key');
  });

  it.each([
    ['image/png', 406, 'REQUEST_NOT_ACCEPTABLE'],
    ['text/html, image/*', 406, 'REQUEST_NOT_ACCEPTABLE'],
    ['application/x-ndjson;q=0', 406, 'REQUEST_NOT_ACCEPTABLE'],
    ['garbage', 400, 'REQUEST_VALIDATION'],
    ['text/csv;q=2', 400, 'REQUEST_VALIDATION'],
    ['/', 400, 'REQUEST_VALIDATION'],
  ])('answers Accept: %s on the dataset with %i', async (accept, status, code) => {
    expectProblem(await api.get(`/v1/runs/${finishedRunId}/dataset`, { accept }), status, code);
  });

  it('made no run from any refused request, and stays ready', async () => {
    expect(await runsBefore()).toBe(1);
    expect((await api.get('/health/ready')).status).toBe(200);
    expect((await api.get(`/v1/runs/${finishedRunId}/dataset`)).status).toBe(200);
  });

  it('answers random bodies and headers with 201/202 or a 4xx problem, never a 5xx', async () => {
    const value = fc.oneof(
      fc.integer({ min: -3, max: 12 }),
      fc.double(),
      fc.string({ maxLength: 8 }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(...PROFILES, 'adults', 'all', 'template', 'none'),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.dictionary(fc.constantFrom('provider', 'x'), fc.constantFrom('none', 'template', 'llm', 1)),
    );
    const key = fc.constantFrom('n', 'profile', 'seed', 'strict', 'scope', 'use_ipf', 'traits', 'narratives', 'extra', '__proto__', 'constructor');
    // Near-valid bodies (a small n and a profile, then random entries over them) reach the
    // accepted side too; random objects and JSON values probe the refusals.
    const nearValid = fc
      .tuple(fc.record({ n: fc.integer({ min: -2, max: 12 }), profile: fc.constantFrom(...PROFILES, 'x') }), fc.dictionary(key, value, { maxKeys: 2 }))
      .map(([base, extra]) => ({ ...base, ...extra }));
    const body = fc.oneof(
      { weight: 3, arbitrary: nearValid },
      { weight: 2, arbitrary: fc.dictionary(key, value, { maxKeys: 6 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    );
    const raw = fc.oneof({ weight: 5, arbitrary: body.map((json) => JSON.stringify(json) ?? '') }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });
    const prefer = fc.option(fc.constantFrom('respond-async', 'wait=1', 'respond-async, wait=2', 'return=minimal;x', ';', 'a b'), { nil: undefined });
    const idempotencyKey = fc.option(fc.stringMatching(/^[\x20-\x7e]{0,8}$/), { nil: undefined });
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'text/plain');
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(raw, prefer, idempotencyKey, contentType, async (payload, preferHeader, key, type) => {
        const headers: Record<string, string> = { 'content-type': type };
        if (preferHeader !== undefined) headers['prefer'] = preferHeader;
        if (key !== undefined) headers['idempotency-key'] = key;
        const answer = await api.send('POST', '/v1/runs', { raw: payload, headers });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 400) {
          expect(answer.status, `${payload} → ${JSON.stringify(answer.body)}`).toBeLessThan(500);
          expect(String(answer.headers['content-type'])).toMatch(/^application\/problem\+json/);
        } else {
          expect([201, 202]).toContain(answer.status);
        }
      }),
      // Random draws reach the accepted side only now and then (every part must be valid at
      // once), so two known-good requests run first: the accepted side is always exercised.
      {
        numRuns: 150,
        examples: [
          [JSON.stringify(valid), undefined, undefined, 'application/json'],
          [JSON.stringify({ ...valid, seed: 7 }), 'respond-async', 'fuzz-key', 'application/json; charset=utf-8'],
        ],
      },
    );
    // The property reached both sides: some bodies were accepted, most refused.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect((await api.get('/health/ready')).status).toBe(200);
    expect((await api.get('/health/live')).status).toBe(200);
  });
});

describe('a full queue', () => {
  let dataDir: string;
  let server: ServerProcess;
  let api: ApiClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mp-runs-queue-'));
    server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '1', MAX_QUEUE: '1', LOG_LEVEL: 'debug' });
    api = new ApiClient(server.baseUrl);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 + Retry-After and reports not ready while MAX_QUEUE runs are in flight', async () => {
    const big = { n: MAX_N, profile: 'analysis_only', seed: 9 };
    const first = await api.post('/v1/runs', big, { prefer: 'respond-async' });
    expect(first.status).toBe(202);
    for (const answer of [await api.post('/v1/runs', { ...big, seed: 10 }, { prefer: 'respond-async' }), await api.post('/v1/runs', valid)]) {
      expect(expectProblem(answer, 503, 'SERVICE_QUEUE_FULL').detail).toMatch(/MAX_QUEUE/);
      const retryAfter = Number(answer.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After ${String(answer.headers['retry-after'])}`).toBe(true);
    }

    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(503);
    expect((ready.body as { checks: Record<string, { status: string }[]> }).checks['runs:queue']?.[0]?.status).toBe('fail');

    const firstId = (first.body as { run_id: string }).run_id;
    expect((await api.delete(`/v1/runs/${firstId}`)).status).toBe(204);
    await runFinished(server, firstId);
    expect((await api.get('/health/ready')).status).toBe(200);
    expect((await api.post('/v1/runs', valid)).status).toBe(201);
  });
});
