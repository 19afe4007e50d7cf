/**
 * `GET /v1/runs/{run_id}/card` over the real runs routes (supertest), a RunsService with a file
 * store and a real one-thread pool: the card of a finished 5,000-person run is Markdown that
 * names what the other routes serve (the dataset's own hash, the manifest's tables, the
 * condition), the same bytes every time; 409 while a run is unfinished, 404 for an unknown one.
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
import { GenerationPool } from '../../../../src/workers/generation-pool.js';
import { buildTestApp } from '../../../helpers/app.js';
import { expectContract } from '../../../helpers/contract.js';
import { heldPool, recordingLog, testRunsService } from '../../../helpers/runs-service.js';
import { shippedSnapshot } from '../../../helpers/snapshot.js';

const MAX_N = 100_000;
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
