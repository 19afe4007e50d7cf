// Scale-out benchmarks (issue 17), run by bench/run.mjs as scenarios 9 and 10 when a PostgreSQL
// server answers at DATABASE_URL (default: the local one, trust authentication).
//
//   9. POST /v1/runs n = 1,000 sync, 8 connections, on the PostgreSQL store beside the file
//      store: fresh server and database per run, alternating F P, P F, … so that the machine's
//      drift (±40%) cancels in the ratio within each pair.
//  10. n personas (10⁷ by default) on two replicas sharing one database: posted async to A, executed
//      by whichever replica takes the job, downloaded whole from the other one (wall times,
//      time to first byte, bytes stored in the database).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { request } from 'undici';
import { startServer, stopServer, warmedUp } from './server.mjs';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (line) => process.stderr.write(`${line}\n`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function reachable() {
  try {
    await admin('SELECT 1');
    return true;
  } catch (error) {
    log(`  skipped: no PostgreSQL at ${new URL(ADMIN_URL).host} (${error.message}); set DATABASE_URL`);
    return false;
  }
}

async function withDatabase(work) {
  const name = `mp_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export async function postgresVsFile({ pairs, seconds, syncLoad, summarise }) {
  if (!(await reachable())) return null;
  const file = [];
  const postgres = [];
  const ratios = [];
  for (let i = 0; i < pairs; i += 1) {
    const order = i % 2 === 0 ? ['file', 'postgres'] : ['postgres', 'file'];
    const pair = {};
    for (const store of order) {
      pair[store] =
        store === 'file'
          ? await syncLoad(seconds)
          : await withDatabase((url) => syncLoad(seconds, tmpdir(), { RUN_STORE: 'postgres', DATABASE_URL: url }));
      log(`  pair ${i + 1} ${store}: ${pair[store].throughput_rps.toFixed(1)} req/s, p99 ${pair[store].latency_ms.p99} ms`);
    }
    file.push(pair.file);
    postgres.push(pair.postgres);
    ratios.push({ throughput_postgres_over_file: pair.postgres.throughput_rps / pair.file.throughput_rps, p99_postgres_over_file: pair.postgres.latency_ms.p99 / pair.file.latency_ms.p99 });
  }
  return {
    file: summarise(file),
    postgres: summarise(postgres),
    ratios,
    median_throughput_ratio: median(ratios.map((r) => r.throughput_postgres_over_file)),
    median_p99_ratio: median(ratios.map((r) => r.p99_postgres_over_file)),
  };
}

async function waitFinished(base, runId) {
  for (;;) {
    const response = await request(`${base}/v1/runs/${runId}`);
    const record = await response.body.json();
    if (['succeeded', 'failed', 'rejected', 'cancelled'].includes(record.status)) return record;
    await sleep(250);
  }
}

export async function tenMillionOnTwoReplicas({ n }) {
  if (!(await reachable())) return null;
  return withDatabase(async (url) => {
    const dirs = [mkdtempSync(join(tmpdir(), 'mp-bench-a-')), mkdtempSync(join(tmpdir(), 'mp-bench-b-'))];
    const env = (dir) => ({ RUN_STORE: 'postgres', DATABASE_URL: url, DATA_DIR: dir, WORKERS: '2', MAX_N: String(Math.max(n, 1_000_000)), LOG_LEVEL: 'warn' });
    const [a, b] = await Promise.all(dirs.map((dir) => startServer(env(dir))));
    try {
      await Promise.all([warmedUp(a.base), warmedUp(b.base)]);
      const started = performance.now();
      const accepted = await request(`${a.base}/v1/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'respond-async' },
        body: JSON.stringify({ n, profile: 'analysis_only', seed: 2024, scope: 'all' }),
      });
      const { run_id: runId } = await accepted.body.json();
      const record = await waitFinished(b.base, runId);
      const runSeconds = (performance.now() - started) / 1000;
      const manifest = await (await request(`${b.base}/v1/runs/${runId}/manifest`)).body.json();
      // The whole dataset from B, hashed as it streams.
      const downloadStart = performance.now();
      const response = await request(`${b.base}/v1/runs/${runId}/dataset`, { headers: { 'accept-encoding': 'identity' } });
      let firstByteMs = null;
      let bytes = 0;
      const hash = createHash('sha256');
      for await (const chunk of response.body) {
        firstByteMs ??= performance.now() - downloadStart;
        bytes += chunk.length;
        hash.update(chunk);
      }
      const downloadSeconds = (performance.now() - downloadStart) / 1000;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const stored = await client.query('SELECT sum(raw_bytes)::bigint AS raw, sum(octet_length(data))::bigint AS compressed FROM mp_dataset_chunks WHERE run_id = $1', [runId]);
      const size = await client.query('SELECT pg_database_size(current_database())::bigint AS bytes');
      await client.end();
      const result = {
        n,
        status: record.status,
        decision: record.decision,
        run_seconds: runSeconds,
        personas_per_second: n / runSeconds,
        download_from_other_replica: { seconds: downloadSeconds, first_byte_ms: firstByteMs, bytes, mb_per_second: bytes / 2 ** 20 / downloadSeconds },
        sha_matches_manifest: `sha256:${hash.digest('hex')}` === manifest.dataset_sha256,
        stored_bytes: { raw: Number(stored.rows[0].raw), compressed: Number(stored.rows[0].compressed), database: Number(size.rows[0].bytes) },
      };
      log(`  ${n} personas: ${runSeconds.toFixed(1)} s, download from B ${downloadSeconds.toFixed(1)} s (first byte ${firstByteMs?.toFixed(0)} ms), stored ${(result.stored_bytes.compressed / 2 ** 20).toFixed(0)} MiB of ${(result.stored_bytes.raw / 2 ** 20).toFixed(0)} MiB`);
      return result;
    } finally {
      await Promise.all([stopServer(a.child), stopServer(b.child)]);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
}
