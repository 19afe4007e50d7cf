/**
 * `GET /v1/runs/{id}/dataset` as download tools use it, over a real loopback server: gzip and br
 * (streamed, each with its own strong ETag), Vary, If-None-Match → 304, Content-Length, and byte
 * ranges of the stored NDJSON (206, 416, If-Range). One sync run, read many ways.
 */
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodApp } from '../../../../src/http/route-schema.js';
import { expectContract } from '../../../helpers/contract.js';
import { startRunsApp, type RunsApp } from '../../../helpers/runs-app.js';

let runs: RunsApp;
let app: ZodApp;
let base: string;
let url: string;
let ndjson: Buffer;
let sha: string;

beforeAll(async () => {
  runs = await startRunsApp({ threads: 1, maxN: 10_000, prefix: 'mp-dataset-http' });
  app = runs.app;
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const created = await request(`${base}/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ n: 400, profile: 'analysis_only', seed: 5, scope: 'all', traits: true }),
  });
  expect(created.statusCode).toBe(201);
  const payload = (await created.body.json()) as { trust_payload: { dataset_sha256: string } };
  sha = payload.trust_payload.dataset_sha256;
  url = `${base}${String(created.headers['location'])}/dataset`;
  const plain = await request(url);
  ndjson = Buffer.from(await plain.body.arrayBuffer());
});
afterAll(async () => {
  await runs.close();
});

async function get(headers: Record<string, string>) {
  const response = await request(url, { headers });
  return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
}
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('content coding', () => {
  it('sends uncompressed NDJSON with its length, the dataset_sha256 as ETag, ranges offered, keyed on Accept and Accept-Encoding', async () => {
    const plain = await get({});
    expect(sha256(plain.body)).toBe(sha);
    expect(plain.headers).toMatchObject({ etag: `"${sha}"`, 'content-length': String(ndjson.byteLength), 'accept-ranges': 'bytes', vary: 'Accept, Accept-Encoding' });
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it.each([
    ['gzip', gunzipSync],
    ['br', brotliDecompressSync],
  ] as const)('sends %s on request: it unpacks to the dataset_sha256 bytes, has its own ETag, and the same bytes every time', async (coding, unpack) => {
    const first = await get({ 'accept-encoding': coding });
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({ 'content-encoding': coding, etag: `"${sha}-${coding}"`, 'accept-ranges': 'none', vary: 'Accept, Accept-Encoding' });
    expect(first.headers['content-length']).toBeUndefined();
    expect(first.body.byteLength).toBeLessThan(ndjson.byteLength / 3);
    expect(sha256(unpack(first.body))).toBe(sha);
    // A strong ETag promises the same bytes: compression must be deterministic.
    expect((await get({ 'accept-encoding': coding })).body.equals(first.body)).toBe(true);
  });

  it('compresses CSV too, under a tag of its own, unpacking to the uncompressed CSV', async () => {
    const csv = await get({ accept: 'text/csv' });
    const packed = await get({ accept: 'text/csv', 'accept-encoding': 'gzip' });
    expect(packed.headers).toMatchObject({ etag: `"${sha}-csv-gzip"`, 'content-encoding': 'gzip' });
    expect(gunzipSync(packed.body).equals(csv.body)).toBe(true);
    expect(csv.headers['etag']).toBe(`"${sha}-csv"`);
  });

  it.each([
    ['gzip, deflate, br', 'gzip'],
    ['br;q=1, gzip;q=0.5', 'br'],
    ['x-gzip', 'gzip'],
    ['*', 'gzip'],
    ['deflate', undefined],
    ['gzip;q=0', undefined],
    ['identity', undefined],
    ['identity;q=0', undefined],
    ['gzip;q=abc', undefined],
  ])('picks the coding for Accept-Encoding %j (%s)', async (header, coding) => {
    const answer = await get({ 'accept-encoding': header });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe(coding);
  });
});

describe('conditional requests', () => {
  it('answers 304 with no body to If-None-Match naming this representation (strong, weak, in a list, or *)', async () => {
    for (const header of [`"${sha}"`, `W/"${sha}"`, `"other", "${sha}"`, '*']) {
      const answer = await get({ 'if-none-match': header });
      expect({ header, status: answer.status, bytes: answer.body.byteLength }).toEqual({ header, status: 304, bytes: 0 });
      expect(answer.headers['etag']).toBe(`"${sha}"`);
    }
  });

  it('answers 200 when the tag is another representation\'s (the gzip tag on an identity request, the NDJSON tag on CSV)', async () => {
    expect((await get({ 'if-none-match': `"${sha}-gzip"` })).status).toBe(200);
    expect((await get({ 'if-none-match': `"${sha}"`, accept: 'text/csv' })).status).toBe(200);
    const packed = await get({ 'if-none-match': `"${sha}-gzip"`, 'accept-encoding': 'gzip' });
    expect(packed.status).toBe(304);
  });

  it('passes the contract for 304, 206 and 416', async () => {
    const target = `/v1/runs/${url.split('/v1/runs/')[1]}`;
    for (const headers of [{ 'if-none-match': `"${sha}"` }, { range: 'bytes=0-9' }, { range: `bytes=${ndjson.byteLength}-` }]) {
      await expectContract(await app.inject({ method: 'GET', url: target, headers }));
    }
  });
});

describe('byte ranges of the stored NDJSON', () => {
  it('serves one range as 206 with Content-Range and Content-Length: a-b, a-, and the last n bytes', async () => {
    const size = ndjson.byteLength;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=100-', 100, size - 1],
      ['bytes=-50', size - 50, size - 1],
      ['bytes=10-999999999', 10, size - 1],
      [`bytes=-${size + 10}`, 0, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const answer = await get({ range });
      expect({ range, status: answer.status, contentRange: answer.headers['content-range'], length: answer.headers['content-length'] }).toEqual({
        range,
        status: 206,
        contentRange: `bytes ${start}-${end}/${size}`,
        length: String(end - start + 1),
      });
      expect(answer.body.equals(ndjson.subarray(start, end + 1))).toBe(true);
    }
  });

  it('answers 416 with the size for a range past the end, as a problem', async () => {
    const answer = await get({ range: `bytes=${ndjson.byteLength}-` });
    expect(answer.status).toBe(416);
    expect(answer.headers['content-range']).toBe(`bytes */${ndjson.byteLength}`);
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ code: 'REQUEST_RANGE_NOT_SATISFIABLE', status: 416 });
  });

  it('answers in full when it cannot or should not cut: several ranges, another unit, a malformed spec, If-Range with another tag, a compressed answer', async () => {
    for (const headers of [
      { range: 'bytes=0-1,5-6' },
      { range: 'items=0-1' },
      { range: 'bytes=9-3' },
      { range: 'bytes=0-9', 'if-range': '"stale"' },
      { range: 'bytes=0-9', 'if-range': 'Wed, 21 Oct 2015 07:28:00 GMT' },
    ]) {
      const answer = await get(headers);
      expect({ headers, status: answer.status }).toEqual({ headers, status: 200 });
      expect(answer.body.equals(ndjson)).toBe(true);
    }
    const packed = await get({ range: 'bytes=0-9', 'accept-encoding': 'gzip' });
    expect(packed.status).toBe(200);
    expect(gunzipSync(packed.body).equals(ndjson)).toBe(true);
  });

  it('serves the range when If-Range names the current tag, and resumes to the same bytes', async () => {
    const head = await get({ range: 'bytes=0-1023', 'if-range': `"${sha}"` });
    const rest = await get({ range: 'bytes=1024-', 'if-range': `"${sha}"` });
    expect([head.status, rest.status]).toEqual([206, 206]);
    expect(sha256(Buffer.concat([head.body, rest.body]))).toBe(sha);
  });
});
