import { describe, expect, it } from 'vitest';
import { createCensusService, createCensusServiceFromConfig, refreshCensus } from '../../../src/census/census-service.js';
import { loadConfig } from '../../../src/config/env.js';
import { Agent } from 'undici';
import { TEST_RETRY, usePxwebTestBed } from '../../helpers/census.js';

const T0 = new Date('2026-12-01T10:00:00.000Z');

const bed = usePxwebTestBed('census-service');

describe('refreshCensus', () => {
  it('skips every table in off mode without calling PxWeb', async () => {
    const result = await refreshCensus({ mode: 'off', pxweb: bed.pxweb.source, now: T0 });
    expect(result.results).toEqual([
      expect.objectContaining({ pxweb_table: 'POP010200rcl', table_ids: ['age_sex_residence', 'age_single'], outcome: 'skipped', attempts: 0 }),
    ]);
    expect(bed.mock.requests).toHaveLength(0);
  });

  it('fetches and caches in cache mode, so later runs use the cache', async () => {
    const result = await refreshCensus({ mode: 'cache', pxweb: bed.pxweb.source, now: T0 });
    expect(result.results[0]).toMatchObject({ outcome: 'ok', attempts: 2, fetched_at: T0.toISOString() });
    const service = createCensusService({ embedded: bed.embedded, mode: 'cache', maxAgeDays: 30, pxweb: bed.pxweb.source });
    const snapshot = await service.resolveForRun(new Date(T0.getTime() + 86_400_000));
    expect(snapshot.tables['age_single']).toMatchObject({ provenance_class: 'pxweb_cache', age_days: 1 });
  });

  it('reports an upstream failure as an outcome instead of throwing', async () => {
    bed.mock.failAlways({ kind: 'status', status: 500 });
    const result = await refreshCensus({ mode: 'live', pxweb: bed.pxweb.source, now: T0 });
    expect(result.results[0]).toMatchObject({ outcome: 'http_error', status: 500, attempts: 1 + TEST_RETRY.maxRetries, fetched_at: null });
  });

  it('respects an open breaker: circuit_open and no upstream call; after the cooldown one trial goes out', async () => {
    bed.pxweb.breaker.recordFailure(T0.getTime());
    expect(bed.pxweb.breaker.state(T0.getTime())).toBe('open');
    const refused = await refreshCensus({ mode: 'live', pxweb: bed.pxweb.source, now: T0 });
    expect(refused.results[0]).toMatchObject({ outcome: 'circuit_open', attempts: 0 });
    expect(bed.mock.requests).toHaveLength(0);

    const later = new Date(T0.getTime() + 61_000); // past the test bed's 60 s cooldown
    const trial = await refreshCensus({ mode: 'live', pxweb: bed.pxweb.source, now: later });
    expect(trial.results[0]?.outcome).toBe('ok');
    expect(bed.pxweb.breaker.state(later.getTime())).toBe('closed');
  });

  it('dedupes parallel refreshes: twenty at once cost one attempt-sequence (two upstream requests), all see its outcome', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => refreshCensus({ mode: 'live', pxweb: bed.pxweb.source, now: T0 })));
    expect(bed.mock.requests.map((request) => request.method)).toEqual(['GET', 'POST']);
    for (const result of results) expect(result.results[0]).toMatchObject({ outcome: 'ok', attempts: 2 });
  });

  it('does not bypass an open breaker with parallel refreshes: twenty at once make no upstream request', async () => {
    bed.pxweb.breaker.recordFailure(T0.getTime());
    const results = await Promise.all(Array.from({ length: 20 }, () => refreshCensus({ mode: 'live', pxweb: bed.pxweb.source, now: T0 })));
    expect(bed.mock.requests).toHaveLength(0);
    for (const result of results) expect(result.results[0]?.outcome).toBe('circuit_open');
  });
});

describe('createCensusService', () => {
  it('catalogue shows the last fetch outcome and the cache without fetching', async () => {
    const service = createCensusService({ embedded: bed.embedded, mode: 'live', maxAgeDays: 30, pxweb: bed.pxweb.source });
    bed.mock.failNext({ method: 'POST', failure: { kind: 'empty_data' } });
    await service.refresh(T0);
    const catalogue = await service.catalogue(T0);
    expect(bed.mock.requests).toHaveLength(2);
    const ageSingle = catalogue.tables.find((t) => t.id === 'age_single');
    expect(ageSingle?.provenance_class).toBe('official_snapshot');
    expect(ageSingle?.last_fetch?.outcome).toBe('schema_drift');
    expect(catalogue.pxweb_cache).toEqual([]);
  });

  it('is wired from Config: the cache lives under DATA_DIR/census-cache', async () => {
    const config = loadConfig({ PXWEB_MODE: 'live', PXWEB_BASE_URL: bed.mock.baseUrl, DATA_DIR: bed.cacheDir, PXWEB_TIMEOUT_MS: '1000' });
    const service = createCensusServiceFromConfig(config, {
      embedded: bed.embedded,
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
