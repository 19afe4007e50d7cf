/**
 * API keys: with API_KEYS set, every /v1 request (known route or not) needs a valid bearer key,
 * checked before body parsing; probes, metrics and the contract stay open.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodApp } from '../../src/http/route-schema.js';
import { buildTestApp } from '../helpers/app.js';
import { expectContract } from '../helpers/contract.js';
import { testRoutes } from '../helpers/test-routes.js';

describe('API key authentication', () => {
  let app: ZodApp;
  beforeAll(async () => {
    app = await buildTestApp({ env: { API_KEYS: 'key-one, key-two' }, extraV1: [testRoutes] });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong key', 'Bearer key-three'],
    ['a prefix of a key', 'Bearer key-on'],
    ['a key with a suffix', 'Bearer key-one1'],
    ['another scheme', 'Basic a2V5LW9uZQ=='],
    ['an empty bearer', 'Bearer '],
  ])('answers %s on /v1 with a documented 401', async (_case, authorization) => {
    const call = request(app.server).get('/v1/schema/labels');
    const response = await (authorization === undefined ? call : call.set('authorization', authorization));
    await expectContract(response);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="moldova-personas"');
    expect(JSON.parse(response.text).code).toBe('REQUEST_UNAUTHORIZED');
  });

  it.each(['Bearer key-one', 'Bearer key-two', 'bearer key-two', 'BEARER  key-one '])('accepts %j', async (authorization) => {
    const response = await request(app.server).get('/v1/schema/labels').set('authorization', authorization);
    await expectContract(response);
    expect(response.status).toBe(200);
  });

  it.each(['/health/live', '/health/ready', '/metrics', '/openapi.json'])('keeps %s open without a key', async (path) => {
    const response = await request(app.server).get(path);
    await expectContract(response);
    expect(response.status).toBe(200);
  });

  it('answers an unknown /v1 path with 401 before revealing that it does not exist', async () => {
    const anonymous = await request(app.server).get('/v1/no-such-thing');
    await expectContract(anonymous);
    expect(anonymous.status).toBe(401);
    const keyed = await request(app.server).get('/v1/no-such-thing').set('authorization', 'Bearer key-one');
    await expectContract(keyed);
    expect(keyed.status).toBe(404);
  });

  it('checks the key before reading the body (401, not 415 or 413)', async () => {
    const response = await request(app.server).post('/v1/test/echo').set('content-type', 'text/plain').send('x'.repeat(100_000));
    expect(response.status).toBe(401);
  });

  it('answers a /v1 URL the router cannot decode without a key with 401', async () => {
    for (const path of ['/v1/test/items/%E0%A4%A', '/v1/no-such-thing/%zz']) {
      const response = await request(app.server).get(path);
      await expectContract(response);
      expect(response.status, path).toBe(401);
    }
  });

  it('answers a wrong method on a /v1 path without a key with 401', async () => {
    const response = await request(app.server).delete('/v1/schema/labels');
    await expectContract(response);
    expect(response.status).toBe(401);
  });
});

describe('without API_KEYS', () => {
  it('serves /v1 without a key', async () => {
    const app = await buildTestApp();
    try {
      const response = await request(app.server).get('/v1/schema/labels');
      await expectContract(response);
      expect(response.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
