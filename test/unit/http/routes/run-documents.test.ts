/**
 * The documents people read, over the real runs routes (supertest), a RunsService with a file
 * store and a real one-thread pool:
 * - `GET /v1/runs/{run_id}/card`: the card of a finished 5,000-person run is Markdown that names
 *   what the other routes serve (the dataset's own hash, the manifest's tables, the condition),
 *   the same bytes every time; 409 while a run is unfinished, 404 for an unknown one.
 * - `GET /v1/runs/{run_id}/report` content negotiation: JSON by default and for `*\/*`, the HTML
 *   page for `Accept: text/html` (and a browser's Accept) with a CSP that forbids everything but
 *   inline styles, the same bytes as the renderer over the served documents, 406 for an Accept
 *   that allows neither, 409 while unfinished, 404 for an unknown run.
 */
import { createHash } from 'node:crypto';
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
import type { RunManifest } from '../../../../src/trust/manifest.js';
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
  dataDir = await mkdtemp(join(tmpdir(), 'mp-run-card-'));
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

/** The rows of the first table after a `## heading` line of the card, as trimmed cells. */
function tableRows(card: string, heading: string): string[][] {
  const section = card.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  const lines = section.split('\n');
  const first = lines.findIndex((line) => line.startsWith('| '));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('| ')) break;
    rows.push(line.slice(2, -2).split(' | '));
  }
  return rows;
}

describe('GET /v1/runs/{run_id}/card', () => {
  it('serves the card of a finished 5,000-person run as text/markdown: its hashes, tables and condition, the same bytes twice', async () => {
    const server = (await appWith(pool)).server;
    const body = { n: 5_000, profile: 'analysis_only', seed: 31, traits: true, where: { region: ['nord'], residence: ['rural'] } };
    const created = await request(server).post('/v1/runs').send(body);
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    const runId = (created.body as { run_id: string }).run_id;

    const run = (await request(server).get(`/v1/runs/${runId}`)).body as { links: Record<string, string> };
    expect(run.links['card']).toBe(`/v1/runs/${runId}/card`);

    const response = await request(server).get(run.links['card']!);
    await expectContract(response);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8');
    const card = response.text;

    // The dataset's bytes, hashed here, and the manifest as served: the card names the same.
    const dataset = await request(server).get(`/v1/runs/${runId}/dataset`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const sha = `sha256:${createHash('sha256').update(dataset.body as Buffer).digest('hex')}`;
    const manifest = (await request(server).get(`/v1/runs/${runId}/manifest`)).body as RunManifest;
    expect(card.startsWith('---\npretty_name: ')).toBe(true);
    expect(card).toContain('\nsize_categories:\n- "1K<n<10K"\n');
    expect(card).toContain(`| dataset_sha256 | \`${sha}\` |`);
    expect(card).toContain(`| config_hash | \`${manifest.config_hash}\` |`);
    expect(card).toContain(`| Run | \`${runId}\` |`);
    expect(tableRows(card, 'Source data').map((row) => row[0])).toEqual(manifest.snapshot.tables.map((table) => `\`${table.table_id}\``));
    expect(tableRows(card, 'Request')).toContainEqual(['where', 'region nord; residence rural']);
    expect(card).toContain('--region nord --residence rural');

    const again = await request(server).get(`/v1/runs/${runId.toUpperCase()}/card`);
    expect(again.status).toBe(200);
    expect(again.text).toBe(card);
  });

  it('answers 409 RUN_NOT_FINISHED while the run is unfinished', async () => {
    const { log, waitFor } = recordingLog();
    const server = (await appWith(heldPool(pool), log)).server;
    const accepted = await request(server).post('/v1/runs').set('prefer', 'respond-async').send({ n: 10, profile: 'analysis_only', seed: 4 });
    expect(accepted.status).toBe(202);
    await waitFor('run started');
    const response = await request(server).get(`/v1/runs/${(accepted.body as { run_id: string }).run_id}/card`);
    const problem = (await expectContract(response)) as { code: string };
    expect(response.status).toBe(409);
    expect(problem.code).toBe('RUN_NOT_FINISHED');
  });

  it('answers 404 RUN_NOT_FOUND for an unknown run and for an id that is no UUID', async () => {
    const server = (await appWith(pool)).server;
    for (const id of [uuidv7(), 'not-a-run']) {
      const response = await request(server).get(`/v1/runs/${id}/card`);
      const problem = (await expectContract(response)) as { code: string };
      expect(response.status, id).toBe(404);
      expect(problem.code).toBe('RUN_NOT_FOUND');
    }
  });
});

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
