import { beforeAll, describe, expect, it } from 'vitest';
import { CensusCatalogueSchema, censusCatalogue } from '../../../src/census/catalogue.js';
import type { InputSnapshot, PxwebFetchAttempt } from '../../../src/census/census-table.js';
import { resolveInputSnapshot } from '../../../src/census/resolve-snapshot.js';
import { loadShippedSnapshot } from '../../helpers/census.js';

const NOW = new Date('2026-12-11T12:00:00.000Z');
let snapshot: InputSnapshot;

beforeAll(async () => {
  const embedded = await loadShippedSnapshot();
  snapshot = await resolveInputSnapshot({ embedded, mode: 'off', now: NOW, maxAgeDays: 30 });
});

const FAILED: PxwebFetchAttempt = {
  table_id: 'age_sex_residence',
  pxweb_table: 'POP010200rcl',
  started_at: '2026-12-10T08:00:00.000Z',
  outcome: 'timeout',
  status: null,
  attempts: 1,
  duration_ms: 10_000,
  message: 'PxWeb timed out',
};

describe('censusCatalogue', () => {
  it('lists every table of the snapshot in id order, with provenance, trust, citation and hash', () => {
    const catalogue = censusCatalogue(snapshot, [], new Map(), NOW);
    expect(CensusCatalogueSchema.parse(catalogue)).toEqual(catalogue);
    expect(catalogue.tables.map((t) => t.id)).toEqual(Object.keys(snapshot.tables).sort());
    const district = catalogue.tables.find((t) => t.id === 'district');
    expect(district).toMatchObject({
      provenance_class: 'official_snapshot',
      trust: 'A',
      reference_date: '2024-04-08',
      retrieved: '2026-11-24',
      age_days: null,
      cache_age_days: null,
      last_fetch: null,
      content_hash: snapshot.tables['district']?.content_hash,
    });
    expect(catalogue.tables.find((t) => t.id === 'ethnicity_age_profile')).toMatchObject({ provenance_class: 'secondary', trust: 'C' });
    expect(catalogue.snapshot_hash).toBe(snapshot.snapshot_hash);
    expect(catalogue.generated_at).toBe(NOW.toISOString());
  });

  it('shows when NBS published each table and whether its series is superseded, not an age from the copy date', () => {
    const catalogue = censusCatalogue(snapshot, [], new Map(), NOW);
    const sector = catalogue.tables.find((t) => t.id === 'economic_sector');
    expect(sector).toMatchObject({ retrieved: '2026-11-24', age_days: null, vintage: { status: 'superseded', next_vintage: 'the LFS 2025 annual results' } });
    expect(sector?.published).toMatchObject({ date: '2025', precision: 'year' });
    const ethnicity = catalogue.tables.find((t) => t.id === 'ethnicity');
    expect(ethnicity).toMatchObject({ published: { date: '2025-10-20', precision: 'day' }, vintage: { status: 'not_periodic' } });
    expect(catalogue.tables.find((t) => t.id === 'sex_by_district')?.published).toMatchObject({ date: null, precision: 'unknown' });
    expect(catalogue.tables.find((t) => t.id === 'sex_by_age_modelled')?.published).toBeNull();
  });

  it('shows the cache age and last fetch outcome of the tables PxWeb covers, even when not in use', () => {
    const cacheState = [
      { pxweb_table: 'POP010200rcl', status: 'ok' as const, fetched_at: '2026-12-01T13:00:00.000Z', table_ids: ['age_sex_residence', 'age_single'], problem: null },
    ];
    const catalogue = censusCatalogue(snapshot, cacheState, new Map([['age_single', FAILED]]), NOW);
    const ageSingle = catalogue.tables.find((t) => t.id === 'age_single');
    expect(ageSingle?.provenance_class).toBe('official_snapshot');
    expect(ageSingle?.cache_age_days).toBe(9);
    expect(ageSingle?.last_fetch).toEqual({ outcome: 'timeout', started_at: FAILED.started_at, status: null, attempts: 1, message: 'PxWeb timed out' });
    expect(catalogue.pxweb_cache).toEqual([{ ...cacheState[0], age_days: 9 }]);
  });
});
