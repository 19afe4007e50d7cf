/**
 * SPEC §11: no input, however malformed, produces a 5xx. Random methods, paths, headers and
 * bodies against the product's routes (census and runs included) plus a test-only JSON body
 * route. Every answer must be a 2xx/4xx; every answer on a product path must be one the pinned
 * contract documents for that path and method (status, content type, required headers, body:
 * `expectContract`). The test-only routes are not in the contract: their errors must be
 * problem+json bodies.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCensusService } from '../../src/census/census-service.js';
import { ServiceError } from '../../src/errors.js';
import type { ZodApp } from '../../src/http/route-schema.js';
import { censusRoutes } from '../../src/http/routes/census.js';
import { runsRoutes } from '../../src/http/routes/runs.js';
import { FileRunStore } from '../../src/runs/file-run-store.js';
import type { PipelinePool } from '../../src/runs/run-pipeline.js';
import { buildTestApp } from '../helpers/app.js';
import { loadShippedSnapshot } from '../helpers/census.js';
import { expectContract } from '../helpers/contract.js';
import { testRunsService } from '../helpers/runs-service.js';
import { inputTestRoutes } from '../helpers/test-routes.js';

const BODY_LIMIT = 1024;
const MAX_N = 1000;
const RUN_ID = '0190a0a0-0000-7000-8000-000000000000';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const KNOWN_PATHS = [
  '/health/live',
  '/health/ready',
  '/metrics',
  '/openapi.json',
  '/v1/schema/labels',
  '/v1/profiles',
  '/v1/gate-codes',
  '/v1/census',
  '/v1/census/refresh',
  '/v1/runs',
  `/v1/runs/${RUN_ID}`,
  '/v1/runs/x',
  `/v1/runs/${RUN_ID}/trust-payload`,
  '/v1/runs/x/report',
  '/v1/runs/x/manifest',
  `/v1/runs/${RUN_ID}/dataset`,
  '/v1/test/echo',
  '/v1/test/items/x',
];
/** The test-only routes of `inputTestRoutes`: outside the contract. */
const TEST_ROUTE = /^\/v1\/test\/(?:echo|items\/[^/]+)$/;
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
const OVER_LIMIT = JSON.stringify({ n: 1, pad: 'x'.repeat(BODY_LIMIT) });

const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '..', '%2F', '*', ':id', '{x}', '%C0%AF'),
);
const path = fc.oneof(
  fc.constantFrom(...KNOWN_PATHS),
  fc.array(segment, { maxLength: 5 }).map((segments) => `/${segments.join('/')}`),
  fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.stringMatching(/^[A-Za-z0-9=&%]{0,20}$/)).map(([p, q]) => `${p}?${q}`),
  fc.tuple(fc.constantFrom(...KNOWN_PATHS), segment).map(([p, s]) => p.replace(/[^/]+$/, s)),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc.constantFrom('{"n":1}', '{"n":1,"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '[]', 'null', '{"n":1e400}', '\u0000', OVER_LIMIT),
);

type Case = [method: (typeof METHODS)[number], url: string, contentType: string | undefined, payload: string | undefined, authorization: string | undefined];

/** Answers that once left the contract: kept as examples so every run checks them. */
const EXAMPLES: Case[] = [
  ['POST', '/v1/census/refresh', 'application/json', '{"n":', undefined],
  ['POST', '/v1/census/refresh', 'application/json', OVER_LIMIT, undefined],
  ['DELETE', `/v1/runs/${RUN_ID}`, 'application/json', '{"n":', undefined],
  ['DELETE', `/v1/runs/${RUN_ID}`, 'application/json', OVER_LIMIT, undefined],
  ['DELETE', '/v1/runs/x', 'text/plain', 'x', undefined],
  ['GET', '/v1/runs/%E0%A4%A', undefined, undefined, undefined],
  ['GET', '/v1/runs/%zz/report', undefined, undefined, undefined],
  ['DELETE', '/v1/runs/%zz/dataset', undefined, undefined, undefined],
  ['GET', `/v1/runs/${'a'.repeat(150)}`, undefined, undefined, undefined],
  ['POST', '/health/live', 'application/json', '{"n":', undefined],
  ['PUT', '/v1/profiles', 'multipart/form-data', 'x', undefined],
  ['PATCH', '/no/such/route', 'application/json', OVER_LIMIT, undefined],
  ['GET', '/%zz', undefined, undefined, undefined],
  ['GET', '/v1/%C0%AF', undefined, undefined, undefined],
  ['DELETE', '/v1/runs/', 'application/json; charset=utf-8', undefined, undefined],
  ['GET', '/v1/test/items/', undefined, undefined, undefined],
];

/** A pool that refuses work: no generated body is a valid run request, so no run gets this far. */
const refusingPool: PipelinePool = {
  threads: 1,
  plan: () => Promise.reject(new ServiceError('SERVICE_UNAVAILABLE', 'no runs in this test')),
  sample: () => Promise.reject(new ServiceError('SERVICE_UNAVAILABLE', 'no runs in this test')),
};

describe('no input produces a 5xx', () => {
  let app: ZodApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mp-no-5xx-'));
    const census = createCensusService({ embedded: await loadShippedSnapshot(), mode: 'off', maxAgeDays: 30 });
    const store = new FileRunStore(dataDir);
    await store.init();
    const runs = testRunsService({ store, census, pool: refusingPool, clock: () => new Date(), maxN: MAX_N });
    app = await buildTestApp({
      env: { BODY_LIMIT: String(BODY_LIMIT), DATA_DIR: dataDir },
      extraV1: [
        async (v1) => {
          await v1.register(censusRoutes, { service: census });
        },
        runsRoutes(runs, MAX_N),
        inputTestRoutes,
      ],
      onClose: () => runs.close(),
    });
  });
  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers random requests with a 2xx or 4xx the contract documents', async () => {
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
          const label = `${method} ${url} ${contentType ?? ''} → ${response.statusCode} ${response.body.slice(0, 300)}`;
          // 500 is declared for every operation, so the contract check alone would let one through.
          expect(response.statusCode, label).toBeLessThan(500);
          // The path as served (light-my-request resolves dot segments), which is what the contract check reads.
          const served = (response.raw.req.url ?? url).split('?')[0] ?? '';
          if (!TEST_ROUTE.test(served)) {
            await expectContract(response);
          } else if (response.statusCode >= 400 && method !== 'HEAD') {
            expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
          }
        },
      ),
      { numRuns: 400, examples: EXAMPLES },
    );
  });
});
