import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveInputSnapshot } from '../../../src/census/resolve-snapshot.js';
import type { EmbeddedSnapshot } from '../../../src/census/snapshot-loader.js';
import { POP010200RCL } from '../../../src/census/pxweb/tables/pop010200rcl.js';
import { loadShippedSnapshot, makeTempDir, makeTestPxweb, type TestPxweb } from '../../helpers/census.js';
import { MOCK_LATEST_YEAR, MOCK_TABLE_PATH, mockSyntheticCube, startMockPxweb, type MockPxweb } from '../../servers/mock-pxweb.js';

const DAY_MS = 86_400_000;
const T0 = new Date('2026-12-01T10:00:00.000Z');
const SECOND_PATH = '20 Populatia si procesele demografice/POP010/POPro/POP010200rcl_copy.px';
/** A second table definition on the mock, so a run has two PxWeb tables to fetch. */
const SECOND_DEFINITION = { ...POP010200RCL, pxweb_table: 'POP010200rclcopy', path: SECOND_PATH };

let embedded: EmbeddedSnapshot;
let mock: MockPxweb;
let temp: { dir: string; remove: () => Promise<void> };
let pxweb: TestPxweb;

beforeAll(async () => {
  embedded = await loadShippedSnapshot();
});

beforeEach(async () => {
  mock = await startMockPxweb({ tablePaths: [MOCK_TABLE_PATH, SECOND_PATH] });
  temp = await makeTempDir('resolve-snapshot');
  pxweb = makeTestPxweb({ baseUrl: mock.baseUrl, cacheDir: temp.dir, timeoutMs: 300 });
});

afterEach(async () => {
  await pxweb.close();
  await mock.close();
  await temp.remove();
});

const resolve = (mode: 'off' | 'cache' | 'live', now: Date, source = pxweb.source) =>
  resolveInputSnapshot({ embedded, mode, now, maxAgeDays: 30, pxweb: source });

describe('resolveInputSnapshot', () => {
  it('in off mode uses only the embedded tables and never calls PxWeb', async () => {
    const snapshot = await resolve('off', T0);
    expect(mock.requests).toHaveLength(0);
    expect(snapshot.fetch_log).toEqual([]);
    expect(snapshot.tables['age_single']?.provenance_class).toBe('official_snapshot');
    expect(snapshot.tables['age_sex_residence']).toBeUndefined();
    expect(snapshot.snapshot_hash).toBe(embedded.snapshot_hash);
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.tables['sex']?.values)).toBe(true);
  });

  it('judges embedded tables by their series (vintage), gives them no age, and census tables are never superseded', async () => {
    const before = await resolve('off', new Date('2026-08-31T23:59:59Z'));
    const after = await resolve('off', new Date('2026-09-01T00:00:00Z'));
    for (const snapshot of [before, after]) {
      for (const id of ['age_single', 'labour_status_15plus', 'ethnicity', 'district']) expect(snapshot.tables[id]?.age_days).toBeNull();
      // The reference set shows the LFS 2025 annual values and the 1 January 2025 estimate.
      expect(snapshot.tables['labour_status_15plus']?.vintage.status).toBe('superseded');
      expect(snapshot.tables['age_single']?.vintage.status).toBe('superseded');
      expect(snapshot.tables['ethnicity']?.vintage.status).toBe('not_periodic');
      expect(snapshot.tables['district']?.vintage.status).toBe('not_periodic');
    }
    // The youth communiqué on 2025 is due by 2026-08-31 and not seen: overdue from the next day on.
    expect(before.tables['lfs_youth_15_34_status']?.vintage.status).toBe('current');
    expect(after.tables['lfs_youth_15_34_status']?.vintage).toMatchObject({ status: 'expected_superseded', next_release_expected_by: '2026-08-31' });
    // The vintage depends on the clock, the content and snapshot hashes do not.
    expect(after.snapshot_hash).toBe(before.snapshot_hash);
  });

  it('in live mode replaces age_single with the fetched table, labelled pxweb_live', async () => {
    const snapshot = await resolve('live', T0);
    const ageSingle = snapshot.tables['age_single'];
    expect(ageSingle?.provenance_class).toBe('pxweb_live');
    expect(ageSingle?.source.reference_date).toBe(`${MOCK_LATEST_YEAR}-01-01`);
    expect(ageSingle?.fetched_at).toBe(T0.toISOString());
    expect(ageSingle?.age_days).toBe(0);
    expect(ageSingle?.content_hash).not.toBe(embedded.tables.get('age_single')?.content_hash);
    expect(snapshot.tables['age_sex_residence']?.provenance_class).toBe('pxweb_live');
    expect(snapshot.snapshot_hash).not.toBe(embedded.snapshot_hash);
    expect(snapshot.fetch_log).toEqual([
      expect.objectContaining({ pxweb_table: 'POP010200rcl', table_id: 'age_sex_residence', outcome: 'ok', attempts: 2 }),
    ]);
    expect(mock.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('maps the synthetic cube cell by cell: code 101 is age 0, 102 is 85+, totals never added', async () => {
    const snapshot = await resolve('live', T0);
    const cube = mockSyntheticCube(); // [age][male, female][urban, rural]
    const values = snapshot.tables['age_sex_residence']?.values ?? [];
    const cell = (age: number, sex: 0 | 1, area: 0 | 1): number | null | undefined => values[age * 4 + sex * 2 + area];
    // our sex order is [female, male]; the mock's cube is [male, female]
    expect(cell(0, 0, 0)).toBe(cube[0]?.[1]?.[0]);
    expect(cell(0, 1, 1)).toBe(cube[0]?.[0]?.[1]);
    expect(cell(85, 0, 1)).toBe(cube[85]?.[1]?.[1]);
    const ageSingle = snapshot.tables['age_single']?.values ?? [];
    // the mock splits the embedded counts exactly, so the sums over sex and area give them back
    expect(ageSingle).toEqual(embedded.tables.get('age_single')?.table.values);
    // the POST selected category codes only: no total code 0 in Sexe, Varste or Medii
    const query = JSON.parse(mock.requests[1]?.body ?? '{}') as { query: { code: string; selection: { values: string[] } }[] };
    for (const entry of query.query.filter((q) => q.code !== 'Ani')) expect(entry.selection.values).not.toContain('0');
  });

  it('labels a cached table pxweb_cache with its age in cache mode, without calling PxWeb', async () => {
    await resolve('live', T0);
    const requestsAfterFetch = mock.requests.length;
    const later = new Date(T0.getTime() + 12 * DAY_MS + 3_600_000);
    const snapshot = await resolve('cache', later);
    expect(mock.requests).toHaveLength(requestsAfterFetch);
    expect(snapshot.fetch_log).toEqual([]);
    expect(snapshot.tables['age_single']?.provenance_class).toBe('pxweb_cache');
    expect(snapshot.tables['age_single']?.age_days).toBe(12);
    expect(snapshot.tables['age_single']?.fetched_at).toBe(T0.toISOString());
  });

  it('reads the disk cache in a new process as pxweb_cache and keeps using it while fresh', async () => {
    await resolve('live', T0);
    const fresh = makeTestPxweb({ baseUrl: mock.baseUrl, cacheDir: temp.dir });
    try {
      const requests = mock.requests.length;
      const snapshot = await resolve('live', new Date(T0.getTime() + 5 * DAY_MS), fresh.source);
      expect(mock.requests).toHaveLength(requests);
      expect(snapshot.tables['age_single']?.provenance_class).toBe('pxweb_cache');
      expect(snapshot.tables['age_single']?.age_days).toBe(5);
    } finally {
      await fresh.close();
    }
  });

  it('in live mode keeps a table this process fetched as pxweb_live within the max age, then refreshes it', async () => {
    await resolve('live', T0);
    const within = await resolve('live', new Date(T0.getTime() + 29 * DAY_MS));
    expect(within.tables['age_single']?.provenance_class).toBe('pxweb_live');
    expect(within.tables['age_single']?.age_days).toBe(29);
    expect(mock.requests).toHaveLength(2);
    const after = await resolve('live', new Date(T0.getTime() + 31 * DAY_MS));
    expect(after.tables['age_single']?.age_days).toBe(0);
    expect(mock.requests).toHaveLength(4);
  });

  it('keeps the embedded table and logs the failure when the upstream refuses connections', async () => {
    await mock.close();
    const snapshot = await resolve('live', T0);
    expect(snapshot.tables['age_single']?.provenance_class).toBe('official_snapshot');
    expect(snapshot.tables['age_single']?.content_hash).toBe(embedded.tables.get('age_single')?.content_hash);
    expect(snapshot.fetch_log).toHaveLength(1);
    expect(snapshot.fetch_log[0]).toMatchObject({ outcome: 'network_error', attempts: 3, status: null });
    expect(snapshot.fetch_log[0]?.message).toMatch(/embedded snapshot table is used/);
  });

  it('makes one attempt-sequence per run against a dead upstream: the breaker stops the other tables and later runs', async () => {
    const two = makeTestPxweb({
      baseUrl: mock.baseUrl,
      cacheDir: temp.dir,
      timeoutMs: 200,
      definitions: [POP010200RCL, SECOND_DEFINITION],
    });
    try {
      mock.failAlways({ kind: 'hang' });
      const first = await resolve('live', T0, two.source);
      expect(mock.requests).toHaveLength(1); // one metadata GET timed out; nothing else was sent
      expect(first.fetch_log.map((attempt) => [attempt.pxweb_table, attempt.outcome, attempt.attempts])).toEqual([
        ['POP010200rcl', 'timeout', 1],
        ['POP010200rclcopy', 'circuit_open', 0],
      ]);
      expect(first.tables['age_single']?.provenance_class).toBe('official_snapshot');

      const second = await resolve('live', new Date(T0.getTime() + 30_000), two.source);
      expect(mock.requests).toHaveLength(1);
      expect(second.fetch_log.map((attempt) => attempt.outcome)).toEqual(['circuit_open', 'circuit_open']);

      // after the cool-down one trial goes out; it succeeds and closes the circuit
      mock.failAlways(null);
      const third = await resolve('live', new Date(T0.getTime() + 61_000), two.source);
      expect(third.fetch_log.map((attempt) => attempt.outcome)).toEqual(['ok', 'ok']);
      expect(mock.requests).toHaveLength(1 + 4);
    } finally {
      await two.close();
    }
  });

  it('against refused connections spends the retries of one table only and calls nothing more the first table uses its retries and the second is not called', async () => {
    const two = makeTestPxweb({ baseUrl: mock.baseUrl, cacheDir: temp.dir, definitions: [POP010200RCL, SECOND_DEFINITION] });
    try {
      await mock.close();
      const snapshot = await resolve('live', T0, two.source);
      expect(snapshot.fetch_log.map((attempt) => [attempt.pxweb_table, attempt.outcome, attempt.attempts])).toEqual([
        ['POP010200rcl', 'network_error', 3],
        ['POP010200rclcopy', 'circuit_open', 0],
      ]);
      const again = await resolve('live', new Date(T0.getTime() + 1_000), two.source);
      expect(again.fetch_log.map((attempt) => attempt.attempts)).toEqual([0, 0]);
    } finally {
      await two.close();
    }
  });

  it('serves the stale cache when a refresh fails (stale-while-error) and says so in the fetch log', async () => {
    await resolve('live', T0);
    mock.failAlways({ kind: 'status', status: 503 });
    const stale = makeTestPxweb({ baseUrl: mock.baseUrl, cacheDir: temp.dir });
    try {
      const snapshot = await resolve('live', new Date(T0.getTime() + 40 * DAY_MS), stale.source);
      expect(snapshot.tables['age_single']?.provenance_class).toBe('pxweb_cache');
      expect(snapshot.tables['age_single']?.age_days).toBe(40);
      expect(snapshot.fetch_log).toHaveLength(1);
      expect(snapshot.fetch_log[0]).toMatchObject({ outcome: 'http_error', status: 503, attempts: 3 });
      expect(snapshot.fetch_log[0]?.message).toMatch(/stale-while-error/);
    } finally {
      await stale.close();
    }
  });

  it.each([
    ['malformed JSON', { kind: 'malformed_json' }],
    ['changed codes', { kind: 'changed_codes' }],
    ['changed columns', { kind: 'changed_columns' }],
    ['empty data', { kind: 'empty_data' }],
    ['a missing cell', { kind: 'missing_cell' }],
  ] as const)('rejects %s as schema drift, keeps the embedded table and caches nothing', async (_name, failure) => {
    mock.failNext({ method: 'POST', failure });
    const snapshot = await resolve('live', T0);
    expect(snapshot.fetch_log[0]).toMatchObject({ outcome: 'schema_drift', attempts: 2 });
    expect(snapshot.tables['age_single']?.provenance_class).toBe('official_snapshot');
    expect(snapshot.tables['age_sex_residence']).toBeUndefined();
    expect(await pxweb.source.readCache('POP010200rcl')).toEqual({ status: 'absent' });
    // drift is an answer: the upstream is reachable, so the breaker stays closed
    expect(pxweb.breaker.state(T0.getTime())).toBe('closed');
  });

  it('accepts totals sent although not asked for, dropping them after checking them', async () => {
    mock.failNext({ method: 'POST', failure: { kind: 'with_totals' } });
    const snapshot = await resolve('live', T0);
    expect(snapshot.fetch_log[0]?.outcome).toBe('ok');
    expect(snapshot.tables['age_single']?.values).toEqual(embedded.tables.get('age_single')?.table.values);
  });

  it('does not fetch when the catalogue previews a live-mode snapshot', async () => {
    const snapshot = await resolveInputSnapshot({ embedded, mode: 'live', now: T0, maxAgeDays: 30, pxweb: pxweb.source, fetchPolicy: 'never' });
    expect(mock.requests).toHaveLength(0);
    expect(snapshot.tables['age_single']?.provenance_class).toBe('official_snapshot');
  });
});
