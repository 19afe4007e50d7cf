/**
 * `GET /v1/runs/{run_id}/report` content negotiation over the real runs routes (supertest), a
 * RunsService with a file store and a real one-thread pool: JSON by default and for `*\/*`, the
 * HTML page for `Accept: text/html` (and a browser's Accept) with a CSP that forbids everything
 * but inline styles, the same bytes as the CLI's renderer over the served documents, 406 for an
 * Accept that allows neither, 409 while unfinished, 404 for an unknown run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../../src/census/census-table.js';
import type { ZodApp } from '../../../../src/http/route-schema.js';
import { runsRoutes } from '../../../../src/http/routes/runs.js';
import { FileRunStore } from '../../../../src/runs/file-run-store.js';
import type { PipelinePool } from '../../../../src/runs/run-pipeline.js';
import type { RunsLog } from '../../../../src/runs/runs-service.js';
import { renderTrustReportHtml } from '../../../../src/runs/report-html/trust-report-html.js';
import type { CardInputs } from '../../../../src/runs/dataset-card.js';
import { GenerationPool } from '../../../../src/workers/generation-pool.js';
import { buildTestApp } from '../../../helpers/app.js';
import { expectContract } from '../../../helpers/contract.js';
import { heldPool, recordingLog, testRunsService } from '../../../helpers/runs-service.js';
import { shippedSnapshot } from '../../../helpers/snapshot.js';

const MAX_N = 100_000;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
let snapshot: InputSnapshot;
let pool: GenerationPool;
let dataDir: string;
let app: ZodApp | undefined;

beforeAll(async () => {
  snapshot = await shippedSnapshot();
  pool = new GenerationPool({ threads: 1, workerFile: resolve('dist/workers/generation-worker-entry.cjs') });
});
afterAll(async () => {
  await pool.close();
});
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-run-report-'));
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function appWith(runPool: PipelinePool, log?: RunsLog): Promise<ZodApp> {
  const store = new FileRunStore(dataDir);
  await store.init();
  const service = testRunsService({ store, snapshot, pool: runPool, maxN: MAX_N, ...(log ? { log } : {}) });
  app = await buildTestApp({ env: { DATA_DIR: dataDir }, extraV1: [runsRoutes(service, MAX_N)], onClose: () => service.close() });
  return app;
}

describe('GET /v1/runs/{run_id}/report', () => {
  it('serves JSON by default and the self-contained page for text/html, the same bytes as the renderer over the served documents', async () => {
    const server = (await appWith(pool)).server;
    const created = await request(server).post('/v1/runs').send({ n: 5_000, profile: 'analysis_only', seed: 31, scope: 'all' });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    const runId = (created.body as { run_id: string }).run_id;
    const path = `/v1/runs/${runId}/report`;

    for (const accept of [undefined, '*/*', 'application/json', 'application/*', 'text/html;q=0.5, application/json']) {
      const json = accept === undefined ? await request(server).get(path) : await request(server).get(path).set('accept', accept);
      await expectContract(json);
      expect(json.status, accept).toBe(200);
      expect(json.headers['content-type'], accept).toMatch(/^application\/json/);
      expect(json.headers['vary']).toMatch(/accept/i);
      expect((json.body as { run_id: string }).run_id).toBe(runId);
    }

    for (const accept of ['text/html', BROWSER_ACCEPT, 'text/*']) {
      const html = await request(server).get(path).set('accept', accept);
      await expectContract(html);
      expect(html.status, accept).toBe(200);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      expect(html.headers['x-content-type-options']).toBe('nosniff');
      expect(html.headers['vary']).toMatch(/accept/i);
      expect(html.text.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(Buffer.byteLength(html.text)).toBeLessThan(2 * 1024 * 1024);
    }

    const page = (await request(server).get(path).set('accept', 'text/html')).text;
    const documents = {
      manifest: (await request(server).get(`/v1/runs/${runId}/manifest`)).body,
      payload: (await request(server).get(`/v1/runs/${runId}/trust-payload`)).body,
      report: (await request(server).get(path)).body,
    } as CardInputs;
    expect(page).toBe(renderTrustReportHtml(documents));
    expect(page).toContain(`run ${runId}`);
    expect(page).toContain(`<code>${documents.manifest.dataset_sha256!}</code>`);
  });

  it('answers 406 problem+json for an Accept that allows neither JSON nor HTML, and 400 for one that does not parse', async () => {
    const server = (await appWith(pool)).server;
    const created = await request(server).post('/v1/runs').send({ n: 50, profile: 'analysis_only', seed: 2 });
    const path = `/v1/runs/${(created.body as { run_id: string }).run_id}/report`;
    for (const accept of ['image/png', 'text/csv', 'application/json;q=0, text/html;q=0']) {
      const response = await request(server).get(path).set('accept', accept);
      const problem = (await expectContract(response)) as { code: string };
      expect(response.status, accept).toBe(406);
      expect(problem.code).toBe('REQUEST_NOT_ACCEPTABLE');
    }
    const bad = await request(server).get(path).set('accept', 'html');
    const problem = (await expectContract(bad)) as { code: string; errors: { path: string }[] };
    expect(bad.status).toBe(400);
    expect(problem.errors[0]!.path).toBe('/headers/accept');
  });

  it('answers 409 RUN_NOT_FINISHED while the run is unfinished and 404 for an unknown run, as HTML is asked for', async () => {
    const { log, waitFor } = recordingLog();
    const server = (await appWith(heldPool(pool), log)).server;
    const accepted = await request(server).post('/v1/runs').set('prefer', 'respond-async').send({ n: 10, profile: 'analysis_only', seed: 4 });
    expect(accepted.status).toBe(202);
    await waitFor('run started');
    const unfinished = await request(server).get(`/v1/runs/${(accepted.body as { run_id: string }).run_id}/report`).set('accept', 'text/html');
    expect(((await expectContract(unfinished)) as { code: string }).code).toBe('RUN_NOT_FINISHED');
    expect(unfinished.status).toBe(409);
    const unknown = await request(server).get(`/v1/runs/${uuidv7()}/report`).set('accept', 'text/html');
    expect(((await expectContract(unknown)) as { code: string }).code).toBe('RUN_NOT_FOUND');
    expect(unknown.status).toBe(404);
  });
});
