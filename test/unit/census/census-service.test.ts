import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCensusService, createCensusServiceFromConfig, refreshCensus } from '../../../src/census/census-service.js';
import { loadConfig } from '../../../src/config/env.js';
import type { EmbeddedSnapshot } from '../../../src/census/snapshot-loader.js';
import { Agent } from 'undici';
import { TEST_RETRY, loadShippedSnapshot, makeTempDir, makeTestPxweb, type TestPxweb } from '../../helpers/census.js';
import { startMockPxweb, type MockPxweb } from '../../servers/mock-pxweb.js';

const T0 = new Date('2026-12-01T10:00:00.000Z');
let embedded: EmbeddedSnapshot;
let mock: MockPxweb;
let temp: { dir: string; remove: () => Promise<void> };
let pxweb: TestPxweb;

beforeAll(async () => {
  embedded = await loadShippedSnapshot();
});
beforeEach(async () => {
  mock = await startMockPxweb();
  temp = await makeTempDir('census-service');
  pxweb = makeTestPxweb({ baseUrl: mock.baseUrl, cacheDir: temp.dir });
});
afterEach(async () => {
  await pxweb.close();
  await mock.close();
  await temp.remove();
});

describe('refreshCensus', () => {
  it('skips every table in off mode without calling PxWeb', async () => {
    const result = await refreshCensus({ mode: 'off', pxweb: pxweb.source, now: T0 });
    expect(result.results).toEqual([
      expect.objectContaining({ pxweb_table: 'POP010200rcl', table_ids: ['age_sex_residence', 'age_single'], outcome: 'skipped', attempts: 0 }),
    ]);
    expect(mock.requests).toHaveLength(0);
  });

  it('fetches and caches in cache mode, so later runs use the cache', async () => {
    const result = await refreshCensus({ mode: 'cache', pxweb: pxweb.source, now: T0 });
    expect(result.results[0]).toMatchObject({ outcome: 'ok', attempts: 2, fetched_at: T0.toISOString() });
    const service = createCensusService({ embedded, mode: 'cache', maxAgeDays: 30, pxweb: pxweb.source });
    const snapshot = await service.resolveForRun(new Date(T0.getTime() + 86_400_000));
    expect(snapshot.tables['age_single']).toMatchObject({ provenance_class: 'pxweb_cache', age_days: 1 });
  });

  it('reports an upstream failure as an outcome instead of throwing', async () => {
    mock.failAlways({ kind: 'status', status: 500 });
    const result = await refreshCensus({ mode: 'live', pxweb: pxweb.source, now: T0 });
    expect(result.results[0]).toMatchObject({ outcome: 'http_error', status: 500, attempts: 1 + TEST_RETRY.maxRetries, fetched_at: null });
  });

  it('calls the upstream even when the breaker is open, and a success closes it', async () => {
    pxweb.breaker.recordFailure(T0.getTime());
    expect(pxweb.breaker.state(T0.getTime())).toBe('open');
    const result = await refreshCensus({ mode: 'live', pxweb: pxweb.source, now: T0 });
    expect(result.results[0]?.outcome).toBe('ok');
    expect(pxweb.breaker.state(T0.getTime())).toBe('closed');
  });
});

describe('createCensusService', () => {
  it('catalogue shows the last fetch outcome and the cache without fetching', async () => {
    const service = createCensusService({ embedded, mode: 'live', maxAgeDays: 30, pxweb: pxweb.source });
    mock.failNext({ method: 'POST', failure: { kind: 'empty_data' } });
    await service.refresh(T0);
    const catalogue = await service.catalogue(T0);
    expect(mock.requests).toHaveLength(2);
    const ageSingle = catalogue.tables.find((t) => t.id === 'age_single');
    expect(ageSingle?.provenance_class).toBe('official_snapshot');
    expect(ageSingle?.last_fetch?.outcome).toBe('schema_drift');
    expect(catalogue.pxweb_cache).toEqual([]);
  });

  it('is wired from Config: the cache lives under DATA_DIR/census-cache', async () => {
    const config = loadConfig({ PXWEB_MODE: 'live', PXWEB_BASE_URL: mock.baseUrl, DATA_DIR: temp.dir, PXWEB_TIMEOUT_MS: '1000' });
    const service = createCensusServiceFromConfig(config, {
      embedded,
      agent: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
      retry: TEST_RETRY,
    });
    try {
      const snapshot = await service.resolveForRun(T0);
      expect(snapshot.pxweb_mode).toBe('live');
      expect(snapshot.tables['age_single']?.provenance_class).toBe('pxweb_live');
      const catalogue = await service.catalogue(T0);
      expect(catalogue.pxweb_cache).toEqual([expect.objectContaining({ pxweb_table: 'POP010200rcl', status: 'ok', age_days: 0 })]);
    } finally {
      await service.close();
    }
  });
});
