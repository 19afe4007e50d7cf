/**
 * Runs through a server process in PXWEB_MODE=live against the mock PxWeb on loopback. The
 * fetched table (population by single age, sex and area) reaches the run as `pxweb_live`; data is
 * fetched once per run at most, never per persona, and a fresh table is not fetched again. A dead
 * upstream costs one bounded attempt sequence per run, and the run still completes from the
 * embedded snapshot with PXWEB_FETCH_FAILED in its payload.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { startMockPxweb, type MockPxweb } from '../servers/mock-pxweb.js';

interface ManifestView {
  snapshot: { pxweb_mode: string; tables: { table_id: string; provenance_class: string }[] };
  pxweb_fetch_log: { table_id: string; outcome: string; attempts: number }[];
}
interface CreatedView {
  run_id: string;
  trust_payload: { gate_codes: string[] };
  dataset: unknown[];
}

const cleanUps: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

async function liveService(configure: (mock: MockPxweb) => void = () => undefined): Promise<{ mock: MockPxweb; api: ApiClient; server: ServerProcess }> {
  const mock = await startMockPxweb();
  cleanUps.push(() => mock.close());
  configure(mock);
  const dataDir = await mkdtemp(join(tmpdir(), 'mp-runs-pxweb-'));
  cleanUps.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '1', PXWEB_MODE: 'live', PXWEB_BASE_URL: mock.baseUrl, PXWEB_TIMEOUT_MS: '2000' });
  cleanUps.push(async () => void (await server.stop('SIGKILL')));
  return { mock, api: new ApiClient(server.baseUrl), server };
}

async function syncRun(api: ApiClient, seed: number, n = 2_000): Promise<CreatedView> {
  const answer = await api.post('/v1/runs', { n, profile: 'analysis_only', scope: 'all', seed });
  expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(201);
  return answer.body as CreatedView;
}

const manifestOf = async (api: ApiClient, runId: string) => (await api.get(`/v1/runs/${runId}/manifest`)).body as ManifestView;

describe('runs in PXWEB_MODE=live', () => {
  it('use the fetched table as pxweb_live, fetch it once for 2,000 personas, and not again while it is fresh', async () => {
    const { mock, api } = await liveService();
    const before = mock.requests.length;
    const first = await syncRun(api, 11);
    expect(first.dataset).toHaveLength(2_000);
    const fetched = mock.requests.length - before;
    // One table: its metadata and its data, not a request per persona.
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThanOrEqual(2);
    const manifest = await manifestOf(api, first.run_id);
    expect(manifest.snapshot.pxweb_mode).toBe('live');
    expect(manifest.snapshot.tables).toContainEqual(expect.objectContaining({ table_id: 'age_sex_residence', provenance_class: 'pxweb_live' }));
    expect(manifest.pxweb_fetch_log).toContainEqual(expect.objectContaining({ table_id: 'age_sex_residence', outcome: 'ok' }));
    expect(first.trust_payload.gate_codes).not.toContain('PXWEB_FETCH_FAILED');

    const second = await syncRun(api, 12);
    expect(mock.requests.length, 'a fresh table is not fetched again').toBe(before + fetched);
    expect((await manifestOf(api, second.run_id)).snapshot.tables).toContainEqual(
      expect.objectContaining({ table_id: 'age_sex_residence', provenance_class: 'pxweb_live' }),
    );
  });

  it('with PxWeb down: one bounded attempt sequence per run, the run completes from the embedded snapshot and says so', async () => {
    const { mock, api } = await liveService((m) => m.failAlways({ kind: 'status', status: 503 }));
    const first = await syncRun(api, 21, 5_000);
    expect(first.dataset).toHaveLength(5_000);
    expect(first.trust_payload.gate_codes).toContain('PXWEB_FETCH_FAILED');
    const manifest = await manifestOf(api, first.run_id);
    const attempts = manifest.pxweb_fetch_log.filter((entry) => entry.table_id === 'age_sex_residence');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: 'http_error' });
    expect(mock.requests.length).toBe(attempts[0]!.attempts);
    expect(mock.requests.length).toBeLessThan(10);
    expect(manifest.snapshot.tables.find((table) => table.table_id === 'age_sex_residence')).toBeUndefined();

    const requestsBefore = mock.requests.length;
    const second = await syncRun(api, 22, 5_000);
    expect(second.trust_payload.gate_codes).toContain('PXWEB_FETCH_FAILED');
    expect(mock.requests.length - requestsBefore).toBeLessThan(10);
  });
});
