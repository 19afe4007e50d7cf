import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CensusCatalogueSchema, CensusRefreshResultSchema, type CensusCatalogue } from '../../../../src/census/catalogue.js';
import { createCensusService } from '../../../../src/census/census-service.js';
import { censusRoutes } from '../../../../src/http/routes/census.js';
import { usePxwebTestBed } from '../../../helpers/census.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
let app: FastifyInstance;

const bed = usePxwebTestBed('census-routes');

beforeEach(async () => {
  app = Fastify({ logger: false });
  const service = createCensusService({ embedded: bed.embedded, mode: 'live', maxAgeDays: 30, pxweb: bed.pxweb.source });
  await app.register(censusRoutes, { prefix: '/v1', service, now: () => NOW });
  await app.ready();
});
afterEach(async () => {
  await app.close();
});

describe('census routes', () => {
  it('GET /v1/census returns the catalogue without fetching', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/census' });
    expect(response.statusCode).toBe(200);
    const body = CensusCatalogueSchema.parse(response.json());
    expect(body.pxweb_mode).toBe('live');
    expect(body.tables.map((t) => t.id)).toContain('district');
    expect(body.snapshot_hash).toBe(bed.embedded.snapshot_hash);
    expect(bed.mock.requests).toHaveLength(0);
  });

  it('POST /v1/census/refresh reports each table and the catalogue then shows the fetched table', async () => {
    const refresh = await app.inject({ method: 'POST', url: '/v1/census/refresh' });
    expect(refresh.statusCode).toBe(200);
    expect(CensusRefreshResultSchema.parse(refresh.json()).results).toEqual([
      expect.objectContaining({ pxweb_table: 'POP010200rcl', outcome: 'ok', fetched_at: NOW.toISOString() }),
    ]);
    const catalogue = (await app.inject({ method: 'GET', url: '/v1/census' })).json<CensusCatalogue>();
    expect(catalogue.tables.find((t) => t.id === 'age_single')).toMatchObject({ provenance_class: 'pxweb_live', cache_age_days: 0 });
    expect(catalogue.tables.find((t) => t.id === 'age_sex_residence')?.last_fetch?.outcome).toBe('ok');
  });

  it('POST /v1/census/refresh answers 200 with the failure when the upstream is down', async () => {
    await bed.mock.close();
    const refresh = await app.inject({ method: 'POST', url: '/v1/census/refresh' });
    expect(refresh.statusCode).toBe(200);
    expect(refresh.json<{ results: { outcome: string }[] }>().results[0]?.outcome).toBe('network_error');
  });

  it('checks responses against the schema', async () => {
    const broken = Fastify({ logger: false });
    const service = {
      catalogue: () => Promise.resolve({ generated_at: NOW.toISOString() } as unknown as CensusCatalogue),
      refresh: () => Promise.reject(new Error('not used')),
    };
    await broken.register(censusRoutes, { prefix: '/v1', service });
    try {
      expect((await broken.inject({ method: 'GET', url: '/v1/census' })).statusCode).toBe(500);
    } finally {
      await broken.close();
    }
  });
});
