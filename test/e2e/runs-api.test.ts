/**
 * The runs API end to end (SPEC §11, §13, issue 6): one real server process (`serve`, WORKERS=2,
 * a fresh DATA_DIR) over loopback, shared by the tests of this file, which run in order. Every
 * answer is checked against the pinned contract by the client. Runs are awaited through the
 * server's `run started` / `run progress` / `run finished` log lines, never by sleeping.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import canonicalize from 'canonicalize';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINNED_DOCUMENT } from '../helpers/contract.js';
import {
  ApiClient,
  expectProblem,
  runFinished,
  runIdOfLocation,
  runProgressed,
  SERVED_DATASET_FORMATS,
  sha256Hex,
  type PayloadView,
  type RunView,
} from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { metricsOf } from '../helpers/metrics-text.js';

const MILLION = 1_000_000;

let dataDir: string;
let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-runs-e2e-'));
  server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '2', LOG_LEVEL: 'debug', RUN_CONCURRENCY: '1' });
  api = new ApiClient(server.baseUrl);
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

let seeds = 1_000;
/** A fresh seed per run, so no two tests share a request by accident. */
const nextSeed = () => (seeds += 1);

async function syncRun(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const answer = await api.post('/v1/runs', body, headers);
  expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(201);
  const created = answer.body as { run_id: string; status: string; trust_payload: PayloadView; dataset?: unknown[] };
  expect(runIdOfLocation(answer.headers)).toBe(created.run_id);
  return created;
}

async function asyncRun(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
  const answer = await api.post('/v1/runs', body, { prefer: 'respond-async', ...headers });
  expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(202);
  const accepted = answer.body as { run_id: string; status: string };
  expect(accepted.status).toBe('queued');
  expect(runIdOfLocation(answer.headers)).toBe(accepted.run_id);
  return accepted.run_id;
}

async function getRun(runId: string): Promise<RunView> {
  const answer = await api.get(`/v1/runs/${runId}`);
  expect(answer.status).toBe(200);
  return answer.body as RunView;
}

describe('a sync run (n ≤ SYNC_MAX_N)', () => {
  it('answers 201 + Location; its payload and dataset are the ones served afterwards', async () => {
    const n = 321;
    const created = await syncRun({ n, profile: 'analysis_only', seed: nextSeed() });
    expect(created.status).toBe('succeeded');
    expect(created.dataset).toHaveLength(n);

    const run = await getRun(created.run_id);
    expect(run).toMatchObject({ status: 'succeeded', progress: { done: n, total: n }, decision: 'PASS' });
    expect(run.dataset).toMatchObject({ n, withheld: false, sha256: created.trust_payload.dataset_sha256 });

    const payload = await api.get(`/v1/runs/${created.run_id}/trust-payload`);
    expect(payload.status).toBe(200);
    expect(payload.body).toEqual(created.trust_payload);

    for (const [format, { mediaType, personas, expected }] of Object.entries(SERVED_DATASET_FORMATS)) {
      const dataset = await api.get(`/v1/runs/${created.run_id}/dataset`, { accept: mediaType });
      expect(dataset.status, format).toBe(200);
      expect(String(dataset.headers['content-type'])).toMatch(new RegExp(`^${mediaType}`));
      // One strong tag per representation; the NDJSON one is the dataset digest itself.
      const sha = created.trust_payload.dataset_sha256;
      expect(dataset.headers['etag']).toBe(format === 'ndjson' ? `"${sha}"` : `"${sha}-${format}"`);
      expect(personas(dataset.body as string)).toEqual(expected ? expected(created.dataset as Record<string, unknown>[]) : created.dataset);
    }
  });

  it('serves NDJSON by default: n lines, the same records, hashed to dataset_sha256', async () => {
    const n = 77;
    const created = await syncRun({ n, profile: 'analysis_only', seed: nextSeed() });
    const dataset = await api.get(`/v1/runs/${created.run_id}/dataset`);
    expect(dataset.status).toBe(200);
    expect(String(dataset.headers['content-type'])).toMatch(/^application\/x-ndjson/);
    const text = dataset.body as string;
    expect(text.split('\n').filter((line) => line !== '')).toHaveLength(n);
    expect(text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown)).toEqual(created.dataset);
    expect(`sha256:${sha256Hex(text)}`).toBe(created.trust_payload.dataset_sha256);
  });

  it('gives the same bytes and config_hash for the same request, and another config_hash for another seed', async () => {
    const seed = nextSeed();
    const first = await syncRun({ n: 50, profile: 'analysis_only', seed });
    const again = await syncRun({ n: 50, profile: 'analysis_only', seed });
    const other = await syncRun({ n: 50, profile: 'analysis_only', seed: seed + 1 });
    expect(again.run_id).not.toBe(first.run_id);
    expect(again.trust_payload.dataset_sha256).toBe(first.trust_payload.dataset_sha256);
    expect(again.trust_payload.config_hash).toBe(first.trust_payload.config_hash);
    expect(other.trust_payload.config_hash).not.toBe(first.trust_payload.config_hash);
    expect(other.trust_payload.dataset_sha256).not.toBe(first.trust_payload.dataset_sha256);
  });

  it('stamps schema_hash = sha256(JCS(components.schemas.GradientTrustPayload)) of the pinned contract', async () => {
    const created = await syncRun({ n: 5, profile: 'analysis_only', seed: nextSeed() });
    const schemas = (PINNED_DOCUMENT['components'] as { schemas: Record<string, unknown> }).schemas;
    const canonical = canonicalize(schemas['GradientTrustPayload']);
    expect(canonical).toBeTypeOf('string');
    expect(created.trust_payload.schema_hash).toBe(`sha256:${sha256Hex(canonical!)}`);
  });

  it('serves the report and the manifest of a finished run, consistent with the payload', async () => {
    const n = 40;
    const created = await syncRun({ n, profile: 'analysis_only', seed: nextSeed() });
    const report = await api.get(`/v1/runs/${created.run_id}/report`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ run_id: created.run_id });
    const manifest = await api.get(`/v1/runs/${created.run_id}/manifest`);
    expect(manifest.status).toBe(200);
    const run = await getRun(created.run_id);
    expect(manifest.body).toMatchObject({
      run_id: created.run_id,
      config_hash: created.trust_payload.config_hash,
      dataset_sha256: created.trust_payload.dataset_sha256,
      output_files: [{ name: 'dataset.ndjson', bytes: run.dataset!.bytes, sha256: created.trust_payload.dataset_sha256 }],
    });
  });
});

describe('one PASS per profile with the embedded snapshot (docs/trust.md §11)', () => {
  it('analysis_only, default scope (adults): PASS, no narratives', async () => {
    const created = await syncRun({ n: 200, profile: 'analysis_only', seed: nextSeed() });
    expect(created.trust_payload).toMatchObject({ decision: 'PASS', gate_codes: ['PASS'], profile: 'analysis_only', strict_mode: false });
    // Adult targets go through the model, the structure by age is modelled and the LFS series is
    // superseded: three factors, honest low confidence (docs/trust.md §11); tier at best B.
    expect(created.trust_payload).toMatchObject({ confidence: 'low', confidence_factors: ['modelled_targets', 'modelled_structure', 'stale_sources'] });
    expect(created.trust_payload.quality_tier).toBe('B');
    expect((created.dataset as { narrative?: unknown }[]).every((persona) => persona.narrative === undefined)).toBe(true);
  });

  it('narrative_required, scope all: passes with the one warning that its periodic series are superseded, template narratives', async () => {
    const created = await syncRun({ n: 200, profile: 'narrative_required', scope: 'all', seed: nextSeed() });
    // The LFS 2024 and 1 January 2024 series are superseded (docs/data.md, Staleness): a warning,
    // and the stale_sources factor; every other gate passes (PASS itself: test/unit/domain/profiles.test.ts).
    expect(created.trust_payload).toMatchObject({ decision: 'PASS_WITH_WARNINGS', gate_codes: ['SNAPSHOT_SERIES_STALE', 'PASS_WITH_WARNINGS'], profile: 'narrative_required' });
    expect(created.trust_payload).toMatchObject({ confidence: 'medium', base_confidence: 'medium', confidence_factors: ['modelled_structure', 'stale_sources'] });
    const signals = created.trust_payload.signals as { data_vintages: Record<string, string>; data_vintage_status: Record<string, string> };
    expect(Object.keys(signals.data_vintage_status)).toEqual(Object.keys(signals.data_vintages).sort());
    expect(signals.data_vintage_status).toMatchObject({ labour_status_15plus: 'superseded', age_single: 'superseded', ethnicity: 'not_periodic' });
    expect(['A', 'B']).toContain(created.trust_payload.quality_tier);
    const narratives = (created.dataset as { narrative?: { source: string; status: string } }[]).map((persona) => persona.narrative);
    expect(narratives.every((narrative) => narrative?.source === 'template' && narrative.status === 'template')).toBe(true);
  });

  it('high_stakes, scope all: 422 at preflight because its periodic series are superseded (hard), nothing else', async () => {
    const answer = await api.post('/v1/runs', { n: 200, profile: 'high_stakes', scope: 'all', seed: nextSeed() });
    const problem = expectProblem(answer, 422, 'RUN_REJECTED_STRICT');
    expect(problem).toMatchObject({ decision: 'REJECT', gate_codes: ['SNAPSHOT_SERIES_STALE', 'STRICT_MODE_BLOCKED'] });
  });

  it('narrative_required, adults offline at n = 200: passes with warnings, every super-critical target derived from official figures', async () => {
    // At n = 200 every derived adult target's model dependence is within its check's tolerance
    // (decision 0006); only inactivity reason and sector stay modelled (ESTIMATED_FIELD_USED).
    const created = await syncRun({ n: 200, profile: 'narrative_required', seed: nextSeed() });
    expect(created.status).not.toBe('rejected');
    expect(created.trust_payload).toMatchObject({
      decision: 'PASS_WITH_WARNINGS',
      strict_mode: false,
      gate_codes: ['ESTIMATED_FIELD_USED', 'SNAPSHOT_SERIES_STALE', 'PASS_WITH_WARNINGS'],
    });
    const byField = (created.trust_payload.signals as { provenance_by_field: Record<string, string> }).provenance_by_field;
    expect(byField).toMatchObject({ region: 'official_derived', ethnicity: 'official_derived', education_level: 'official_derived', employment_status: 'official_derived', economic_sector: 'modelled' });
    expect(created.dataset).toHaveLength(200);
  });

  it('narrative_required, adults at n = 30,000: REJECT, the check is too fine for what the official tables vouch for', async () => {
    // Above SYNC_MAX_N the run is queued; strict, it stops at preflight without generating.
    const runId = await asyncRun({ n: 30000, profile: 'narrative_required', seed: nextSeed(), strict: true });
    let run = await getRun(runId);
    for (let i = 0; i < 600 && (run.status === 'queued' || run.status === 'running'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = await getRun(runId);
    }
    expect(run).toMatchObject({ status: 'rejected', decision: 'REJECT', dataset: null });
    const payload = (await api.get(`/v1/runs/${runId}/trust-payload`)).body as PayloadView;
    expect(payload.gate_codes).toEqual(expect.arrayContaining(['TARGET_FALLBACK_SUPERCRITICAL', 'FALLBACK_SUPERCRITICAL_FIELD']));
  });

  it('high_stakes, adults: 422 at preflight with run_id, decision and gate codes; nothing stored (410)', async () => {
    const answer = await api.post('/v1/runs', { n: 200, profile: 'high_stakes', seed: nextSeed() });
    const problem = expectProblem(answer, 422, 'RUN_REJECTED_STRICT');
    expect(problem).toMatchObject({
      decision: 'REJECT',
      // n = 200: the adult targets are derived from official figures within tolerance; what is
      // left is the superseded series (hard) and the two modelled ordinary fields.
      gate_codes: ['SNAPSHOT_SERIES_STALE', 'STRICT_MODE_BLOCKED', 'ESTIMATED_FIELD_USED'],
    });
    const runId = problem['run_id'] as string;
    expect(problem['links']).toMatchObject({ trust_payload: `/v1/runs/${runId}/trust-payload` });

    const run = await getRun(runId);
    expect(run).toMatchObject({ status: 'rejected', decision: 'REJECT', dataset: null, progress: { done: 0, total: 200 } });
    expectProblem(await api.get(`/v1/runs/${runId}/dataset`), 410, 'RUN_DATASET_WITHHELD');
    expect((await readdir(join(dataDir, 'runs', runId))).sort(), 'no dataset file, not even a temp one').toEqual([
      'manifest.json',
      'payload.json',
      'report.json',
      'run.json',
    ]);
    const payload = await api.get(`/v1/runs/${runId}/trust-payload`);
    expect(payload.body).toMatchObject({ run_id: runId, decision: 'REJECT', dataset_sha256: null, strict_mode: true });
    expect((await api.get(`/v1/runs/${runId}/report`)).status).toBe(200);
  });
});

describe('a pinned generator version (CONFIG_VERSION_MISMATCH)', () => {
  const runningVersion = async () => (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

  it('passes quietly when the pin is the running version, and the manifest records it', async () => {
    const version = await runningVersion();
    const created = await syncRun({ n: 50, profile: 'analysis_only', seed: nextSeed(), generator_version: version });
    expect(created.trust_payload).toMatchObject({ decision: 'PASS', gate_codes: ['PASS'], generator_version: version });
    const manifest = (await api.get(`/v1/runs/${created.run_id}/manifest`)).body as { software: Record<string, unknown> };
    expect(manifest.software).toMatchObject({ generator_version: version, requested_generator_version: version });
  });

  it('warns on another version, and rejects high_stakes at preflight with nothing generated', async () => {
    const other = `${await runningVersion()}-other`;
    const warned = await syncRun({ n: 50, profile: 'analysis_only', seed: nextSeed(), generator_version: other });
    expect(warned.trust_payload).toMatchObject({ decision: 'PASS_WITH_WARNINGS', gate_codes: ['CONFIG_VERSION_MISMATCH', 'PASS_WITH_WARNINGS'] });
    const manifest = (await api.get(`/v1/runs/${warned.run_id}/manifest`)).body as { software: Record<string, unknown> };
    expect(manifest.software['requested_generator_version']).toBe(other);

    const refused = expectProblem(
      await api.post('/v1/runs', { n: 50, profile: 'high_stakes', scope: 'all', seed: nextSeed(), generator_version: other }),
      422,
      'RUN_REJECTED_STRICT',
    );
    expect(refused['gate_codes']).toEqual(expect.arrayContaining(['CONFIG_VERSION_MISMATCH', 'STRICT_MODE_BLOCKED']));
    const run = await getRun(refused['run_id'] as string);
    expect(run).toMatchObject({ status: 'rejected', dataset: null, progress: { done: 0, total: 50 } });
  });

  it('refuses a malformed pin with a 400 naming the field', async () => {
    const problem = expectProblem(await api.post('/v1/runs', { n: 5, profile: 'analysis_only', generator_version: 'v 1; drop' }), 400, 'REQUEST_VALIDATION');
    expect(problem.errors?.[0]?.path).toBe('/body/generator_version');
  });
});

describe('an async run', () => {
  it('answers 202, shows progress {done, total} while running, 409 for its parts, then succeeded', async () => {
    // Large enough to still be running after the checks below on a fast machine.
    const n = 500_000;
    const runId = await asyncRun({ n, profile: 'analysis_only', seed: nextSeed() });
    // Queued behind the first (one run executes at a time): its parts are not ready either.
    const queuedId = await asyncRun({ n: 10, profile: 'analysis_only', seed: nextSeed() });

    await runProgressed(server, runId);
    const running = await getRun(runId);
    expect(running.status).toBe('running');
    expect(running.progress.total).toBe(n);
    expect(running.progress.done).toBeGreaterThan(0);
    expect(running.progress.done).toBeLessThan(n);
    expect((await getRun(queuedId)).status).toBe('queued');
    const listed = ((await api.get('/v1/runs?limit=5')).body as { runs: RunView[] }).runs.find((run) => run.run_id === runId);
    expect(listed?.progress.done, 'the list shows live progress too').toBeGreaterThan(0);
    for (const id of [runId, queuedId]) {
      for (const part of ['trust-payload', 'dataset', 'report', 'manifest']) {
        expectProblem(await api.get(`/v1/runs/${id}/${part}`), 409, 'RUN_NOT_FINISHED');
      }
    }

    expect(await runFinished(server, runId)).toMatchObject({ status: 'succeeded', decision: 'PASS' });
    const finished = await getRun(runId);
    expect(finished).toMatchObject({ status: 'succeeded', progress: { done: n, total: n }, dataset: { n } });
    const payload = (await api.get(`/v1/runs/${runId}/trust-payload`)).body as PayloadView;
    expect(payload.dataset_sha256).toBe(finished.dataset!.sha256);
    await runFinished(server, queuedId);
    expect((await getRun(queuedId)).status).toBe('succeeded');
  });
});

describe('Idempotency-Key', () => {
  it('replays the same run for the same key and body; another body is a 422', async () => {
    const key = `retry-${uuidv7()}`;
    const body = { n: 30, profile: 'analysis_only', seed: nextSeed() };
    const first = await syncRun(body, { 'idempotency-key': key });
    const retry = await syncRun(body, { 'idempotency-key': key });
    expect(retry.run_id).toBe(first.run_id);
    expect(retry.trust_payload).toEqual(first.trust_payload);
    expect(retry.dataset).toEqual(first.dataset);

    const problem = expectProblem(await api.post('/v1/runs', { ...body, n: 31 }, { 'idempotency-key': key }), 422, 'REQUEST_IDEMPOTENCY_MISMATCH');
    expect(problem['run_id']).toBe(first.run_id);
  });

  it('gives one run to concurrent requests with the same key', async () => {
    const key = `race-${uuidv7()}`;
    const body = { n: 20, profile: 'analysis_only', seed: nextSeed() };
    const answers = await Promise.all(Array.from({ length: 6 }, () => api.post('/v1/runs', body, { 'idempotency-key': key })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(201));
    const ids = new Set(answers.map((answer) => (answer.body as { run_id: string }).run_id));
    expect(ids.size).toBe(1);
    const datasets = answers.map((answer) => (answer.body as { dataset: unknown[] }).dataset);
    for (const dataset of datasets) expect(dataset).toEqual(datasets[0]);
    // Exactly one run in the store was made from this body.
    const page = (await api.get('/v1/runs?limit=100')).body as { runs: RunView[] };
    expect(page.runs.filter((run) => (run.request as { seed?: number }).seed === body.seed)).toHaveLength(1);
  });

  it('replays an async run with 202 and the same run id', async () => {
    const key = `async-${uuidv7()}`;
    const body = { n: 15, profile: 'analysis_only', seed: nextSeed() };
    const runId = await asyncRun(body, { 'idempotency-key': key });
    const early = await api.post('/v1/runs', body, { prefer: 'respond-async', 'idempotency-key': key });
    expect(early.status).toBe(202);
    expect(early.body).toMatchObject({ run_id: runId });
    expect(runIdOfLocation(early.headers)).toBe(runId);
    await runFinished(server, runId);
    const replay = await api.post('/v1/runs', body, { prefer: 'respond-async', 'idempotency-key': key });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ run_id: runId, status: 'succeeded' });
  });
});

describe('cancel and delete', () => {
  it('DELETE stops a 1,000,000-person run; the worker is free for the next run at once', async () => {
    const runId = await asyncRun({ n: MILLION, profile: 'analysis_only', seed: nextSeed() });
    await runProgressed(server, runId);
    const deleted = await api.delete(`/v1/runs/${runId}`);
    expect(deleted.status).toBe(204);
    expect(await runFinished(server, runId)).toMatchObject({ status: 'cancelled' });
    expectProblem(await api.get(`/v1/runs/${runId}`), 404, 'RUN_NOT_FOUND');
    expectProblem(await api.delete(`/v1/runs/${runId}`), 404, 'RUN_NOT_FOUND');

    const next = await syncRun({ n: 25, profile: 'analysis_only', seed: nextSeed() });
    expect(next.status).toBe('succeeded');
  });

  it('a sync request whose queued run is deleted answers a 409 problem, not a hang', async () => {
    const blocker = await asyncRun({ n: MILLION, profile: 'analysis_only', seed: nextSeed() });
    await runProgressed(server, blocker);
    const seed = nextSeed();
    const pending = api.post('/v1/runs', { n: 10, profile: 'analysis_only', seed });
    await server.waitForLog((line) => line['msg'] === 'run queued' && line['seed'] === seed);
    // Another caller finds the queued sync run in the list and deletes it.
    const page = (await api.get('/v1/runs?limit=5')).body as { runs: RunView[] };
    const queued = page.runs.find((run) => (run.request as { seed?: number }).seed === seed);
    expect(queued?.status).toBe('queued');
    expect((await api.delete(`/v1/runs/${queued!.run_id}`)).status).toBe(204);
    const problem = expectProblem(await pending, 409, 'RUN_CANCELLED');
    expect(problem['run_id']).toBe(queued!.run_id);
    expect((await api.delete(`/v1/runs/${blocker}`)).status).toBe(204);
  });

  it('answers 404 problems for unknown and malformed run ids', async () => {
    const unknown = uuidv7();
    for (const id of [unknown, 'not-a-run', unknown.toUpperCase(), `${unknown}x`, '..%2F..%2Fetc%2Fpasswd', '%00']) {
      for (const part of ['', '/trust-payload', '/dataset', '/report', '/manifest']) {
        expectProblem(await api.get(`/v1/runs/${id}${part}`), 404, 'RUN_NOT_FOUND');
      }
      expect((await api.delete(`/v1/runs/${id}`)).status).toBe(404);
    }
  });
});

describe('the service stays responsive during a 1,000,000-person run', () => {
  it('answers 50 sequential /health/live probes with 200', async () => {
    const runId = await asyncRun({ n: MILLION, profile: 'analysis_only', seed: nextSeed() });
    await runProgressed(server, runId);
    const latencies: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const started = performance.now();
      const probe = await api.get('/health/live');
      latencies.push(performance.now() - started);
      expect(probe.status).toBe(200);
    }
    const during = await getRun(runId);
    expect(during.status, 'the probes ran while the run was in flight').toBe('running');
    expect((await api.delete(`/v1/runs/${runId}`)).status).toBe(204);
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(2);
    console.info(`/health/live during a 1M run: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${sorted.at(-1)!.toFixed(2)} ms (n=50)`);
  });
});

describe('listing, metrics and readiness', () => {
  it('lists runs newest first with cursor pagination', async () => {
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push((await syncRun({ n: 3, profile: 'analysis_only', seed: nextSeed() })).run_id);
    const seen: RunView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await api.get(`/v1/runs?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(answer.status).toBe(200);
      const page = answer.body as { runs: RunView[]; next_cursor: string | null };
      expect(page.runs.length).toBeLessThanOrEqual(2);
      seen.push(...page.runs);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 500);
    expect(cursor).toBeNull();
    const ids = seen.map((run) => run.run_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(ids.slice(0, 3)).toEqual([...made].reverse());
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.created_at <= seen[i - 1]!.created_at).toBe(true);

    expectProblem(await api.get('/v1/runs?limit=0'), 400, 'REQUEST_VALIDATION');
    expectProblem(await api.get('/v1/runs?limit=101'), 400, 'REQUEST_VALIDATION');
    expectProblem(await api.get('/v1/runs?cursor=../../x'), 400, 'REQUEST_VALIDATION');
  });

  it('counts finished runs and generated personas in /metrics', async () => {
    const before = metricsOf((await api.get('/metrics')).body as string);
    await syncRun({ n: 123, profile: 'analysis_only', seed: nextSeed() });
    const text = (await api.get('/metrics')).body as string;
    const after = metricsOf(text);
    expect(after.get('personas_generated_total')! - (before.get('personas_generated_total') ?? 0)).toBe(123);
    const passed = 'runs_finished_total{status="succeeded",decision="PASS"}';
    expect(after.get(passed)! - (before.get(passed) ?? 0)).toBe(1);
    expect(after.get('run_queue_depth')).toBe(0);
    const utilization = after.get('worker_pool_utilization');
    expect(utilization).toBeGreaterThan(0);
    expect(utilization).toBeLessThanOrEqual(1);

    // docs/operations.md names only run metrics that a real scrape serves.
    const operations = await readFile(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const table = operations.split('| Run metric |')[1]?.split('\n\n')[0] ?? '';
    const documented = [...table.matchAll(/^\| `([a-z_]+)/gm)].map((match) => match[1]);
    expect(documented.length).toBeGreaterThanOrEqual(5);
    for (const name of documented) expect(text, name).toContain(`# TYPE ${name} `);
  });

  it('reports the runs, workers and census checks in /health/ready', async () => {
    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(200);
    const checks = (ready.body as { checks: Record<string, { status: string; observedValue?: unknown }[]> }).checks;
    expect(checks['workers:threads']?.[0]).toMatchObject({ status: 'pass', observedValue: 2 });
    expect(checks['runs:store-writable']?.[0]).toMatchObject({ status: 'pass', observedValue: true });
    expect(checks['runs:queue']?.[0]).toMatchObject({ status: 'pass', observedValue: 0 });
    expect(checks['census:snapshot']?.[0]?.status).toBe('pass');
    expect(String(checks['census:snapshot']?.[0]?.observedValue)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('warms the workers at start and then says so in /health/ready', async () => {
    const warmed = await server.waitForLog((line) => line['msg'] === 'workers warmed up');
    expect(Number(warmed['ms'])).toBeGreaterThan(0);
    const ready = await api.get('/health/ready');
    const checks = (ready.body as { checks: Record<string, { status: string; observedValue?: unknown; observedUnit?: string }[]> }).checks;
    expect(checks['workers:warm-up']?.[0]).toMatchObject({ status: 'pass', observedValue: warmed['ms'], observedUnit: 'ms' });
  });
});

