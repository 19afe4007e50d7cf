// The benchmark suite (issue 8): `npm run bench` builds, then runs every scenario on this machine
// and writes bench/results/<date>.json plus a table on stdout. Benchmarks, not tests: nothing here
// passes or fails on time; the targets are printed beside the measurements.
//
//   1. in-process generation, personas/s per worker (one thread), n = 1e4, 1e5, 1e6, IPF on/off,
//      and with template narratives (1e4, 1e5)
//   2. end to end through the HTTP API: 1,000,000 personas async to NDJSON on disk, 1 and 2 workers
//      (wall time, server peak RSS)
//   3. POST /v1/runs n = 1,000 sync under load (autocannon, 8 connections, 20 s)
//   4. /health/live latency while scenario 2 runs
//   5. calibration time
//   6. the CLI writing 1,000,000 personas to a file (ndjson, csv, json): wall time and peak RSS of
//      the process (bench/cli-memory.mjs)
//   3b. scenario 3 again with DATA_DIR on tmpfs (/dev/shm, when the machine has it): the same
//       code without the disk, to show what the durable writes cost
//   7. side by side with @faker-js/faker (fakerRO_MD): the same number of uncalibrated person
//      records as NDJSON, n = 1e5 and 1e6, alternating, ratio of wall time (bench/faker-ab.mjs)
//   8. Parquet vs NDJSON at 1e6: bytes, conversion time and peak RSS (and at 1e5, to show the
//      conversion's memory is flat in n), and the API download of each with /health/live probed
//      (bench/parquet.mjs)
//   9. scenario 3 on the PostgreSQL store (RUN_STORE=postgres, a fresh database per server) beside
//      the file store, alternating F P, P F, … (bench/replicas.mjs; the ratio within a pair counts)
//  10. a 10⁷ run on two replicas sharing one database: posted async to A, executed by whichever
//      replica takes the job, then downloaded whole from the other one (bench/replicas.mjs)
//
// Options: --quick (smaller sizes and a 5 s load test, for a smoke run); --sync-only (scenarios 3
// and 3b alone, to re-measure the sync target); --only=7,8 (only the listed scenarios among 7-10).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { request } from 'undici';
import { fakerSideBySide } from './faker-ab.mjs';
import { generateInProcess, inputSnapshot } from './in-process.mjs';
import { parquetVsNdjson } from './parquet.mjs';
import { postgresVsFile, tenMillionOnTwoReplicas } from './replicas.mjs';
import { startServer, stopServer, warmedUp } from './server.mjs';
import { buildGenerationModel } from '../dist/generation/model.js';

const QUICK = process.argv.includes('--quick');
const SYNC_ONLY = process.argv.includes('--sync-only');
const ONLY = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
/** Whether a scenario runs: all by default, 3 and 3b with --sync-only, the listed ones with --only. */
const wants = (scenario) => (ONLY !== undefined ? ONLY.includes(scenario) : SYNC_ONLY ? scenario === '3' || scenario === '3b' : true);
const TMPFS = '/dev/shm';
const ROOT = new URL('../', import.meta.url);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const log = (line) => process.stderr.write(`${line}\n`);

function calibration(snap) {
  const times = [];
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    buildGenerationModel(snap, { useIpf: true, tolerance: 1e-10, maxIterations: 500 });
    times.push(performance.now() - start);
  }
  return { median_ms: median(times), runs_ms: times };
}

function inProcess(snap) {
  const rows = [];
  const sizes = QUICK ? [1e4, 1e5] : [1e4, 1e5, 1e6];
  for (const useIpf of [true, false]) {
    const model = buildGenerationModel(snap, { useIpf, tolerance: 1e-10, maxIterations: 500 });
    // A warmed worker, as the service runs them (serve warms its workers at start): the JIT
    // optimises the sampler after a few dozen shards, which would otherwise land in the n = 10⁴ row.
    for (let i = 0; i < 40; i += 1) generateInProcess(model, 1000, false);
    for (const n of sizes) {
      const repeats = n >= 1e6 ? 3 : n >= 1e5 ? 5 : 9;
      const runs = Array.from({ length: repeats }, () => generateInProcess(model, n, false));
      const best = runs.reduce((a, b) => (a.personas_per_second > b.personas_per_second ? a : b));
      rows.push({ use_ipf: useIpf, narratives: 'none', n, repeats, personas_per_second: median(runs.map((r) => r.personas_per_second)), best_personas_per_second: best.personas_per_second, bytes: best.bytes });
      log(`  in-process n=${n} ipf=${useIpf}: ${Math.round(rows.at(-1).personas_per_second)} personas/s`);
    }
  }
  const model = buildGenerationModel(snap, { useIpf: true, tolerance: 1e-10, maxIterations: 500 });
  for (const n of QUICK ? [1e4] : [1e4, 1e5]) {
    const repeats = QUICK ? 1 : n >= 1e5 ? 3 : 5;
    const runs = Array.from({ length: repeats }, () => generateInProcess(model, n, true));
    const rates = runs.map((r) => r.personas_per_second);
    rows.push({ use_ipf: true, narratives: 'template', n, repeats, personas_per_second: median(rates), best_personas_per_second: Math.max(...rates), bytes: runs[0].bytes });
    log(`  in-process n=${n} template narratives: ${Math.round(median(rates))} personas/s (median of ${repeats})`);
  }
  return rows;
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return hwm ? Number(hwm[1]) / 1024 : null;
}

async function endToEnd(workers, n) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mp-bench-'));
  const { child, base } = await startServer({ WORKERS: String(workers), DATA_DIR: dataDir });
  try {
    await warmedUp(base);
    // Two small runs warm the main thread's side of a run too.
    for (let i = 0; i < 2; i += 1) {
      await request(`${base}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 10, profile: 'analysis_only', seed: i }) }).then((r) => r.body.text());
    }
    const start = performance.now();
    const created = await request(`${base}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ n, profile: 'analysis_only', seed: 1 }),
    });
    const { run_id: runId } = await created.body.json();
    // Probes every 10 ms on their own loop; the run's status is polled apart, every 100 ms.
    const probes = [];
    let finished = false;
    const probing = (async () => {
      while (!finished) {
        const probeStart = performance.now();
        const live = await request(`${base}/health/live`);
        await live.body.text();
        probes.push(performance.now() - probeStart);
        await sleep(10);
      }
    })();
    let status = 'queued';
    while (status === 'queued' || status === 'running') {
      await sleep(100);
      const run = await request(`${base}/v1/runs/${runId}`);
      status = (await run.body.json()).status;
    }
    const seconds = (performance.now() - start) / 1000;
    finished = true;
    await probing;
    return {
      workers,
      n,
      status,
      wall_seconds: seconds,
      personas_per_second: n / seconds,
      server_peak_rss_mb: peakRssMb(child.pid),
      health_live_ms: { probes: probes.length, p50: percentile(probes, 50), p99: percentile(probes, 99), max: Math.max(...probes) },
    };
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function syncLoad(durationSeconds, root = tmpdir(), env = {}) {
  const dataDir = mkdtempSync(join(root, 'mp-bench-'));
  const { child, base } = await startServer({ WORKERS: '2', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env });
  try {
    await warmedUp(base);
    const body = JSON.stringify({ n: 1000, profile: 'analysis_only', seed: 3 });
    for (let i = 0; i < 4; i += 1) {
      await request(`${base}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.body.text());
    }
    const result = await autocannon({
      url: `${base}/v1/runs`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: 8,
      duration: durationSeconds,
    });
    return {
      data_dir_root: root,
      connections: 8,
      duration_seconds: durationSeconds,
      requests: result.requests.total,
      non_2xx: result.non2xx,
      throughput_rps: result.requests.average,
      latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    };
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Medians over repeated runs (peak RSS: the largest), with every run kept. */
function summariseEndToEnd(runs) {
  const pick = (f) => median(runs.map(f));
  return {
    workers: runs[0].workers,
    n: runs[0].n,
    repeats: runs.length,
    status: runs.every((run) => run.status === 'succeeded') ? 'succeeded' : runs.map((run) => run.status).join(','),
    wall_seconds: pick((run) => run.wall_seconds),
    personas_per_second: pick((run) => run.personas_per_second),
    server_peak_rss_mb: Math.max(...runs.map((run) => run.server_peak_rss_mb ?? 0)),
    health_live_ms: {
      probes: runs.reduce((sum, run) => sum + run.health_live_ms.probes, 0),
      p50: pick((run) => run.health_live_ms.p50),
      p99: pick((run) => run.health_live_ms.p99),
      max: Math.max(...runs.map((run) => run.health_live_ms.max)),
    },
    runs,
  };
}

function summariseLoad(loads) {
  const pick = (f) => median(loads.map(f));
  return {
    data_dir_root: loads[0].data_dir_root,
    connections: loads[0].connections,
    duration_seconds: loads[0].duration_seconds,
    repeats: loads.length,
    requests: loads.reduce((sum, load) => sum + load.requests, 0),
    non_2xx: loads.reduce((sum, load) => sum + load.non_2xx, 0),
    throughput_rps: pick((load) => load.throughput_rps),
    latency_ms: { p50: pick((load) => load.latency_ms.p50), p90: pick((load) => load.latency_ms.p90), p99: pick((load) => load.latency_ms.p99), max: Math.max(...loads.map((load) => load.latency_ms.max)) },
    runs: loads,
  };
}

const fmt = (value, digits = 0) => (value === null || value === undefined ? '—' : Number(value).toLocaleString('en-US', { maximumFractionDigits: digits }));

async function main() {
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: totalmem() / 2 ** 30, node: process.version, platform: process.platform };
  log(`machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`);
  const n = QUICK ? 100_000 : 1_000_000;
  const repeats = QUICK ? 1 : 3;
  let calibrationTime = null;
  let generation = [];
  const endToEndRuns = [];
  const snap = wants('1') || wants('7') ? await inputSnapshot() : null;
  if (wants('1')) {
    log('5. calibration');
    calibrationTime = calibration(snap);
    log('1. in-process generation');
    generation = inProcess(snap);
    log(`2+4. end to end, ${n} personas async, ${repeats} fresh servers per worker count`);
  }
  for (const workers of wants('2') ? [1, 2] : []) {
    const runs = [];
    for (let i = 0; i < repeats; i += 1) runs.push(await endToEnd(workers, n));
    endToEndRuns.push(summariseEndToEnd(runs));
    log(`  ${workers} worker(s): median ${endToEndRuns.at(-1).wall_seconds.toFixed(2)} s`);
  }
  let load = null;
  if (wants('3')) {
    log(`3. sync n=1,000 under load, ${repeats} fresh servers`);
    const loads = [];
    for (let i = 0; i < repeats; i += 1) loads.push(await syncLoad(QUICK ? 5 : 20));
    load = summariseLoad(loads);
  }
  const cliRuns = [];
  for (const format of wants('6') ? ['ndjson', 'csv', 'json', 'parquet'] : []) {
    log(`6. CLI generate -n ${n} --format ${format} -o FILE`);
    const child = spawn(process.execPath, [fileURLToPath(new URL('bench/cli-memory.mjs', ROOT)), String(n), format, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    await new Promise((resolve) => child.once('exit', resolve));
    cliRuns.push(JSON.parse(out));
  }
  let tmpfsLoad = null;
  if (wants('3b') && existsSync(TMPFS)) {
    log(`3b. the same on tmpfs (${TMPFS}), ${repeats} fresh servers`);
    const tmpfsLoads = [];
    for (let i = 0; i < repeats; i += 1) tmpfsLoads.push(await syncLoad(QUICK ? 5 : 20, TMPFS));
    tmpfsLoad = summariseLoad(tmpfsLoads);
  }

  let faker = null;
  if (wants('7')) {
    const sizes = QUICK ? [100_000] : [100_000, 1_000_000];
    log(`7. side by side with @faker-js/faker (fakerRO_MD), n = ${sizes.join(', ')}, ${repeats} alternating pairs`);
    faker = await fakerSideBySide({ sizes, pairs: repeats, snapshot: snap });
  }
  let parquet = null;
  if (wants('8')) {
    log(`8. Parquet vs NDJSON, n = ${n}, ${repeats} alternating repeats`);
    parquet = await parquetVsNdjson({ n, repeats });
  }

  let postgresLoad = null;
  if (wants('9')) {
    log(`9. sync n=1,000 under load: PostgreSQL store beside the file store, ${repeats} alternating pairs`);
    postgresLoad = await postgresVsFile({ pairs: repeats, seconds: QUICK ? 5 : 20, syncLoad, summarise: summariseLoad });
  }
  let replicas = null;
  if (wants('10')) {
    const size = QUICK ? 1_000_000 : 10_000_000;
    log(`10. ${size} personas on two replicas sharing one database`);
    replicas = await tenMillionOnTwoReplicas({ n: size });
  }

  const results = {
    date: new Date().toISOString(),
    quick: QUICK,
    sync_only: SYNC_ONLY,
    only: ONLY ?? null,
    machine,
    calibration: calibrationTime,
    generation,
    end_to_end: endToEndRuns,
    sync_load: load,
    sync_load_tmpfs: tmpfsLoad,
    cli_to_file: cliRuns,
    faker_side_by_side: faker,
    parquet_vs_ndjson: parquet,
    sync_load_postgres_vs_file: postgresLoad,
    two_replicas: replicas,
  };
  mkdirSync(new URL('bench/results/', ROOT), { recursive: true });
  const file = new URL(`bench/results/${results.date.slice(0, 19).replace(/:/g, '-')}.json`, ROOT);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

  const lines = [
    `| scenario | measure | result | target |`,
    `|---|---|---|---|`,
    ...(calibrationTime ? [`| calibration (IPF, 108,360 cells) | median time | ${fmt(calibrationTime.median_ms)} ms | — |`] : []),
    ...generation.map(
      (row) =>
        `| in-process, n=${fmt(row.n)}, IPF ${row.use_ipf ? 'on' : 'off'}, narratives ${row.narratives} | personas/s per worker | ${fmt(row.personas_per_second)} | ${row.narratives === 'none' ? '≥ 250,000' : '—'} |`,
    ),
    ...endToEndRuns.flatMap((run) => [
      `| API ${fmt(run.n)} async → NDJSON on disk, ${run.workers} worker(s), median of ${run.repeats} | wall time | ${fmt(run.wall_seconds, 2)} s | ${run.workers === 2 ? '≤ 6 s' : '—'} |`,
      `| same | server peak RSS (largest) | ${fmt(run.server_peak_rss_mb)} MB | ≤ 400 MB |`,
      `| /health/live during it (${run.health_live_ms.probes} probes) | p50 / p99 | ${fmt(run.health_live_ms.p50, 1)} / ${fmt(run.health_live_ms.p99, 1)} ms | p99 ≤ 20 ms |`,
    ]),
    ...(load
      ? [
          `| POST /v1/runs n=1,000 sync, 8 connections, ${load.duration_seconds} s, median of ${load.repeats} | throughput | ${fmt(load.throughput_rps, 1)} req/s | — |`,
          `| same | p50 / p99 latency | ${fmt(load.latency_ms.p50)} / ${fmt(load.latency_ms.p99)} ms | p99 ≤ 150 ms |`,
        ]
      : []),
    ...cliRuns.map(
      (run) =>
        `| CLI generate -n ${fmt(run.n)} --format ${run.format} -o FILE | wall time / peak RSS | ${fmt(run.wall_seconds, 2)} s / ${fmt(run.peak_rss_mb)} MB | RSS < 400 MB |`,
    ),
    ...(tmpfsLoad
      ? [
          `| same, DATA_DIR on tmpfs, median of ${tmpfsLoad.repeats} | throughput | ${fmt(tmpfsLoad.throughput_rps, 1)} req/s | — |`,
          `| same | p50 / p99 latency | ${fmt(tmpfsLoad.latency_ms.p50)} / ${fmt(tmpfsLoad.latency_ms.p99)} ms | (for comparison) |`,
        ]
      : []),
    ...(faker?.rows ?? []).flatMap((row) => [
      `| in-process, n=${fmt(row.n)}: ours vs @faker-js/faker fakerRO_MD (uncalibrated, ${faker.fields.faker} fields vs our ${faker.fields.ours}), median of ${row.pairs} alternating pairs | wall time ours / faker | ${fmt(row.median_ratio_ours_over_faker, 2)} | — |`,
      `| same | records/s ours / faker | ${fmt(row.ours_records_per_second)} / ${fmt(row.faker_records_per_second)} | — |`,
    ]),
    ...(parquet?.conversions ?? []).flatMap((row) => [
      `| ${fmt(row.n)} personas: NDJSON → Parquet (CSV; pass-through), own process, median of ${row.formats.parquet.runs.length} | bytes | ${fmt(row.formats.parquet.output_bytes / 2 ** 20, 1)} MiB vs NDJSON ${fmt(row.ndjson_bytes / 2 ** 20, 1)} MiB (gzip'd NDJSON ${fmt(row.gzip_ndjson.bytes / 2 ** 20, 1)} MiB) | — |`,
      `| same | conversion time / peak RSS | ${fmt(row.formats.parquet.median_seconds, 2)} s / ${fmt(row.formats.parquet.peak_rss_mb)} MB (${fmt(row.formats.csv.median_seconds, 2)} s / ${fmt(row.formats.csv.peak_rss_mb)} MB; ${fmt(row.formats.ndjson.median_seconds, 2)} s / ${fmt(row.formats.ndjson.peak_rss_mb)} MB) | flat in n |`,
    ]),
    ...(parquet
      ? Object.entries(parquet.api_download).map(
          ([accept, run]) =>
            `| API GET /dataset of a stored ${fmt(parquet.n)} run, Accept ${accept}, median of ${run.runs.length} | time / /health/live p99 (max) | ${fmt(run.median_seconds, 2)} s / ${fmt(run.health_live_ms.p99, 1)} (${fmt(run.health_live_ms.max)}) ms | p99 ≤ 20 ms |`,
        )
      : []),
    ...(postgresLoad
      ? [
          `| POST /v1/runs n=1,000 sync, 8 connections, PostgreSQL store, median of ${postgresLoad.postgres.repeats} | throughput / p50 / p99 | ${fmt(postgresLoad.postgres.throughput_rps, 1)} req/s / ${fmt(postgresLoad.postgres.latency_ms.p50)} / ${fmt(postgresLoad.postgres.latency_ms.p99)} ms | p99 ≤ 150 ms |`,
          `| same, file store in the same pairs | throughput / p50 / p99 | ${fmt(postgresLoad.file.throughput_rps, 1)} req/s / ${fmt(postgresLoad.file.latency_ms.p50)} / ${fmt(postgresLoad.file.latency_ms.p99)} ms | — |`,
          `| PostgreSQL / file, median ratio within pairs | throughput / p99 | ${fmt(postgresLoad.median_throughput_ratio, 2)} / ${fmt(postgresLoad.median_p99_ratio, 2)} | — |`,
        ]
      : []),
    ...(replicas
      ? [
          `| ${fmt(replicas.n)} personas on two replicas, one database (async on A, polled on B) | wall time / personas/s | ${fmt(replicas.run_seconds, 1)} s / ${fmt(replicas.personas_per_second)} | — |`,
          `| same, whole dataset downloaded from the other replica | time / first byte / sha256 as manifest | ${fmt(replicas.download_from_other_replica.seconds, 1)} s / ${fmt(replicas.download_from_other_replica.first_byte_ms)} ms / ${replicas.sha_matches_manifest ? 'yes' : 'NO'} | — |`,
          `| same, stored in PostgreSQL | compressed / raw NDJSON | ${fmt(replicas.stored_bytes.compressed / 2 ** 20)} MiB / ${fmt(replicas.stored_bytes.raw / 2 ** 20)} MiB | — |`,
        ]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n\nresults: ${file.pathname}\n`);
}

await main();
