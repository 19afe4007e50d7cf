/**
 * `GET /v1/census` and `POST /v1/census/refresh`, mounted in the real app (gates, JSON-only
 * bodies, error handler) as `assembleApp` mounts them, against a mock PxWeb. Every response is
 * checked against the pinned contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CensusCatalogueSchema, CensusRefreshResultSchema, type CensusCatalogue } from '../../../../src/census/catalogue.js';
import { createCensusService } from '../../../../src/census/census-service.js';
import type { ZodApp } from '../../../../src/http/route-schema.js';
import { censusRoutes, type CensusRoutesOptions } from '../../../../src/http/routes/census.js';
import { buildTestApp } from '../../../helpers/app.js';
import { usePxwebTestBed } from '../../../helpers/census.js';
import { expectContract } from '../../../helpers/contract.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const BODY_LIMIT = 1024;
let app: ZodApp;

const bed = usePxwebTestBed('census-routes');

function appWith(service: CensusRoutesOptions['service']): Promise<ZodApp> {
  return buildTestApp({
    env: { BODY_LIMIT: String(BODY_LIMIT) },
    extraV1: [
      async (v1) => {
        await v1.register(censusRoutes, { service, now: () => NOW });
      },
    ],
  });
}

beforeEach(async () => {
  app = await appWith(createCensusService({ embedded: bed.embedded, mode: 'live', maxAgeDays: 30, pxweb: bed.pxweb.source }));
});
afterEach(async () => {
  await app.close();
});

describe('census routes', () => {
  it('GET /v1/census returns the catalogue without fetching', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/census' });
    const body = CensusCatalogueSchema.parse(await expectContract(response));
    expect(response.statusCode).toBe(200);
    expect(body.pxweb_mode).toBe('live');
    expect(body.tables.map((t) => t.id)).toContain('district');
    expect(body.snapshot_hash).toBe(bed.embedded.snapshot_hash);
    expect(bed.mock.requests).toHaveLength(0);
  });

  it('POST /v1/census/refresh reports each table and the catalogue then shows the fetched table', async () => {
    const refresh = await app.inject({ method: 'POST', url: '/v1/census/refresh' });
    const result = CensusRefreshResultSchema.parse(await expectContract(refresh));
    expect(refresh.statusCode).toBe(200);
    expect(result.results).toEqual([
      expect.objectContaining({ pxweb_table: 'POP010200rcl', outcome: 'ok', fetched_at: NOW.toISOString() }),
    ]);
    const catalogue = (await expectContract(await app.inject({ method: 'GET', url: '/v1/census' }))) as CensusCatalogue;
    expect(catalogue.tables.find((t) => t.id === 'age_single')).toMatchObject({ provenance_class: 'pxweb_live', cache_age_days: 0 });
    expect(catalogue.tables.find((t) => t.id === 'age_sex_residence')?.last_fetch?.outcome).toBe('ok');
  });

  it('POST /v1/census/refresh answers 200 with the failure when the upstream is down', async () => {
    await bed.mock.close();
    const refresh = await app.inject({ method: 'POST', url: '/v1/census/refresh' });
    const result = (await expectContract(refresh)) as { results: { outcome: string }[] };
    expect(refresh.statusCode).toBe(200);
    expect(result.results[0]?.outcome).toBe('network_error');
  });

  it('POST /v1/census/refresh answers a body it cannot take with a documented 400, 413 or 415, without fetching', async () => {
    for (const [contentType, payload, status] of [
      ['application/json', '{"force":', 400],
      ['application/json', JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT) }), 413],
      ['text/plain', 'refresh', 415],
    ] as const) {
      const response = await app.inject({ method: 'POST', url: '/v1/census/refresh', headers: { 'content-type': contentType }, payload });
      await expectContract(response);
      expect(response.statusCode, contentType).toBe(status);
    }
    expect(bed.mock.requests).toHaveLength(0);
  });

  it('answers another method on the census paths with a documented 405', async () => {
    for (const [method, url] of [
      ['POST', '/v1/census'],
      ['GET', '/v1/census/refresh'],
    ] as const) {
      const response = await app.inject({ method, url });
      await expectContract(response);
      expect(response.statusCode, `${method} ${url}`).toBe(405);
    }
  });

  it('checks responses against the schema', async () => {
    const broken = await appWith({
      catalogue: () => Promise.resolve({ generated_at: NOW.toISOString() } as unknown as CensusCatalogue),
      refresh: () => Promise.reject(new Error('not used')),
    });
    try {
      const response = await broken.inject({ method: 'GET', url: '/v1/census' });
      await expectContract(response);
      expect(response.statusCode).toBe(500);
    } finally {
      await broken.close();
    }
  });
});
