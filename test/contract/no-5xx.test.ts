/**
 * SPEC §11: no input, however malformed, produces a 5xx. Random methods, paths, headers and
 * bodies against the product routes plus a JSON body route; every answer must be a documented
 * 2xx/4xx, and every error a problem+json body.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodApp } from '../../src/http/route-schema.js';
import { buildTestApp } from '../helpers/app.js';
import { inputTestRoutes } from '../helpers/test-routes.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const KNOWN_PATHS = ['/health/live', '/health/ready', '/metrics', '/openapi.json', '/v1/schema/labels', '/v1/test/echo', '/v1/test/items/x'];
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/json; charset=',
  ';;;',
  'application/',
];

const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '..', '%2F', '*', ':id', '{x}', '%C0%AF'),
);
const path = fc.oneof(
  fc.constantFrom(...KNOWN_PATHS),
  fc.array(segment, { maxLength: 5 }).map((segments) => `/${segments.join('/')}`),
  fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.stringMatching(/^[A-Za-z0-9=&%]{0,20}$/)).map(([p, q]) => `${p}?${q}`),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc.constantFrom('{"n":1}', '{"n":1,"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '[]', 'null', '{"n":1e400}', '\u0000'),
);

describe('no input produces a 5xx', () => {
  let app: ZodApp;
  beforeAll(async () => {
    app = await buildTestApp({ env: { BODY_LIMIT: '1024' }, extraV1: [inputTestRoutes] });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers random requests with 2xx or a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        path,
        fc.constantFrom(...CONTENT_TYPES),
        body,
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (method, url, contentType, payload, authorization) => {
          const headers: Record<string, string> = {};
          if (contentType !== undefined) headers['content-type'] = contentType;
          if (authorization !== undefined) headers['authorization'] = authorization.replace(/[\r\n]/g, '');
          const response = await app.inject({ method, url, headers, ...(payload === undefined || method === 'GET' || method === 'HEAD' ? {} : { payload }) });
          expect(response.statusCode, `${method} ${url} ${contentType ?? ''} → ${response.body}`).toBeLessThan(500);
          if (response.statusCode >= 400 && method !== 'HEAD') {
            expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
