/**
 * Every error status the service produces, end to end through fastify: status, headers and the
 * problem+json body. Responses of product routes are checked against the pinned contract; the
 * test-only routes (registered through `registerV1`) are asserted directly.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodApp } from '../../src/http/route-schema.js';
import { buildTestApp } from '../helpers/app.js';
import { expectContract } from '../helpers/contract.js';
import { SECRET_MESSAGE, testRoutes } from '../helpers/test-routes.js';

const PROBLEM_JSON = /^application\/problem\+json/;
const RID = 'test-request-1';

describe('problem responses', () => {
  let app: ZodApp;
  beforeAll(async () => {
    app = await buildTestApp({ env: { BODY_LIMIT: '1024' }, extraV1: [testRoutes] });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers malformed JSON with 400 REQUEST_MALFORMED_JSON', async () => {
    const response = await request(app.server)
      .post('/v1/test/echo')
      .set('content-type', 'application/json')
      .set('x-request-id', RID)
      .send('{"n": 1,');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(JSON.parse(response.text)).toMatchInlineSnapshot(`
      {
        "code": "REQUEST_MALFORMED_JSON",
        "detail": "The request body is not valid JSON.",
        "instance": "/v1/test/echo",
        "request_id": "test-request-1",
        "status": 400,
        "title": "Malformed JSON body",
        "type": "urn:moldova-personas:problem:request-malformed-json",
      }
    `);
  });

  it('answers an empty JSON body with 400 REQUEST_MALFORMED_JSON', async () => {
    const response = await request(app.server).post('/v1/test/echo').set('content-type', 'application/json').send('');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).code).toBe('REQUEST_MALFORMED_JSON');
  });

  it('rejects a JSON body carrying a prototype-poisoning key with 400', async () => {
    const response = await request(app.server)
      .post('/v1/test/echo')
      .set('content-type', 'application/json')
      .send('{"n": 1, "__proto__": {"admin": true}}');
    expect(response.status).toBe(400);
  });

  it('lists each failed field as a JSON Pointer under /body, unknown keys included', async () => {
    const response = await request(app.server)
      .post('/v1/test/echo')
      .set('x-request-id', RID)
      .send({ n: 0, extra: true, nested: { 'a/b': 5 } });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchInlineSnapshot(`
      {
        "code": "REQUEST_VALIDATION",
        "detail": "The request body does not match the schema",
        "errors": [
          {
            "message": "Too small: expected number to be >=1",
            "path": "/body/n",
          },
          {
            "message": "Invalid input: expected string, received number",
            "path": "/body/nested/a~1b",
          },
          {
            "message": "Unknown field",
            "path": "/body/extra",
          },
        ],
        "instance": "/v1/test/echo",
        "request_id": "test-request-1",
        "status": 400,
        "title": "Request validation failed",
        "type": "urn:moldova-personas:problem:request-validation",
      }
    `);
  });

  it('answers a missing body on a body route with 400 REQUEST_VALIDATION', async () => {
    const response = await request(app.server).post('/v1/test/echo');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'REQUEST_VALIDATION', errors: [{ path: '/body' }] });
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers a %s body on /v1 with 415',
    async (contentType) => {
      const response = await request(app.server).post('/v1/test/echo').set('content-type', contentType).send('n=1');
      expect(response.status).toBe(415);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(JSON.parse(response.text)).toMatchObject({
        code: 'REQUEST_UNSUPPORTED_MEDIA_TYPE',
        type: 'urn:moldova-personas:problem:request-unsupported-media-type',
        status: 415,
      });
    },
  );

  it('answers a body without a Content-Type with 415', async () => {
    const response = await request(app.server).post('/v1/test/echo').set('content-length', '7').send('{"n":1}').unset('content-type');
    expect(response.status).toBe(415);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'application/vnd.moldova+json; charset=utf-8'])(
    'accepts a %s body',
    async (contentType) => {
      const response = await request(app.server).post('/v1/test/echo').set('content-type', contentType).send('{"n":3}');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: { n: 3 } });
    },
  );

  it('answers a body over BODY_LIMIT with 413, by declared length and by streamed length', async () => {
    const big = JSON.stringify({ n: 1, pad: 'x'.repeat(2_000) });
    const declared = await request(app.server).post('/v1/test/echo').set('content-type', 'application/json').send(big);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text)).toMatchObject({ code: 'REQUEST_BODY_TOO_LARGE', status: 413 });

    const chunked = await app.inject({
      method: 'POST',
      url: '/v1/test/echo',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      payload: big,
    });
    expect(chunked.statusCode).toBe(413);
  });

  it('answers an unknown route with a documented 404', async () => {
    const response = await request(app.server).get('/no/such/route?x=1').set('x-request-id', RID);
    await expectContract(response);
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toMatchInlineSnapshot(`
      {
        "code": "REQUEST_NOT_FOUND",
        "detail": "No route matches /no/such/route.",
        "instance": "/no/such/route",
        "request_id": "test-request-1",
        "status": 404,
        "title": "Not found",
        "type": "urn:moldova-personas:problem:request-not-found",
      }
    `);
  });

  it('answers a known path with a wrong method with a documented 405 and Allow', async () => {
    for (const [method, path] of [
      ['post', '/health/live'],
      ['delete', '/metrics'],
      ['put', '/v1/schema/labels'],
    ] as const) {
      const response = await request(app.server)[method](path);
      await expectContract(response);
      expect(response.status).toBe(405);
      expect(response.headers['allow']).toBe('GET, HEAD');
    }
  });

  it('answers 404/405 before reading the body: a malformed, over-limit or non-JSON body does not change them', async () => {
    const bodies = [
      ['application/json', '{"n": 1,'],
      ['application/json', JSON.stringify({ n: 'x'.repeat(2048) })],
      ['multipart/form-data', 'x'],
    ] as const;
    for (const [method, path, status] of [
      ['post', '/health/live', 405],
      ['put', '/v1/schema/labels', 405],
      ['post', '/no/such/route', 404],
      ['patch', '/v1/no-such-thing', 404],
    ] as const) {
      for (const [contentType, body] of bodies) {
        const response = await request(app.server)[method](path).set('content-type', contentType).send(body);
        await expectContract(response);
        expect(response.status, `${method} ${path} with ${contentType}`).toBe(status);
      }
    }
  });

  it('answers a path whose parameter is empty as a path with no route (404), body or not', async () => {
    // A test route (not in the contract): /v1/test/items/:id would otherwise see id "" and answer 400.
    const bare = await request(app.server).get('/v1/test/items/');
    expect(bare.status).toBe(404);
    expect(JSON.parse(bare.text).code).toBe('REQUEST_NOT_FOUND');
    const withBody = await request(app.server).delete('/v1/test/items/').set('content-type', 'application/json').send('{"n": 1,');
    expect(withBody.status).toBe(404);
  });

  it('answers a URL the router cannot decode with the 404/405 of its path and method, not 400', async () => {
    for (const path of ['/no/%zz', '/v1/%E0%A4%A', '/health/%C0%AF']) {
      const response = await request(app.server).get(path);
      await expectContract(response);
      expect(response.status, path).toBe(404);
    }
    // A test route (not in the contract): /v1/test/items/:id has GET only.
    const wrongMethod = await request(app.server).delete('/v1/test/items/%E0%A4%A');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('GET, HEAD');
  });

  it('answers a bad percent-encoding in a path parameter with 400', async () => {
    const response = await request(app.server).get('/v1/test/items/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).code).toBe('REQUEST_VALIDATION');
  });

  it('turns a ServiceError with retryAfterSeconds into 503 and Retry-After', async () => {
    const response = await request(app.server).get('/v1/test/queue-full').set('x-request-id', RID);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('7');
    expect(JSON.parse(response.text)).toMatchInlineSnapshot(`
      {
        "code": "SERVICE_QUEUE_FULL",
        "detail": "The run queue is full (64 runs).",
        "instance": "/v1/test/queue-full",
        "request_id": "test-request-1",
        "status": 503,
        "title": "Run queue is full",
        "type": "urn:moldova-personas:problem:service-queue-full",
      }
    `);
  });

  it('gives every 503 a Retry-After, defaulting when the error names none', async () => {
    const response = await request(app.server).get('/v1/test/unavailable');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });

  it('spreads the details of a 4xx ServiceError into the problem as extension members', async () => {
    const response = await request(app.server).get('/v1/test/conflict');
    expect(response.status).toBe(409);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'RUN_NOT_FINISHED', run_id: 'r1', status: 409 });
  });

  it.each(['/v1/test/crash', '/v1/test/worker-failed'])('hides the message and details of %s behind a generic 500', async (path) => {
    const response = await request(app.server).get(path).set('x-request-id', RID);
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toContain('/srv/secret');
    expect(response.text).not.toContain('at ');
    const body = JSON.parse(response.text);
    expect(body.detail).toBe('An unexpected error occurred. Quote the request_id when reporting it.');
    expect(SECRET_MESSAGE).toContain('hunter2');
  });

  it('answers HEAD on a GET route with the headers and no body', async () => {
    const response = await app.inject({ method: 'HEAD', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    await expectContract(response);
  });
});

describe('request ids', () => {
  let app: ZodApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('echoes a well-formed incoming x-request-id', async () => {
    const response = await request(app.server).get('/health/live').set('x-request-id', 'trace-01HZX:abc.def_9');
    expect(response.headers['x-request-id']).toBe('trace-01HZX:abc.def_9');
  });

  it.each(['', ' spaced ', '../../etc/passwd', 'x'.repeat(129), 'new\\nline', '{"json":1}'])(
    'replaces the unusable x-request-id %j with a UUID',
    async (incoming) => {
      const response = await app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': incoming } });
      const id = response.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(response.json().request_id).toBe(id);
    },
  );
});
