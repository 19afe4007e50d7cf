// Parquet against NDJSON (issue 15 item 5), at n = 10⁶ (and 10⁵, to show the conversion's memory
// does not grow with n):
//   1. size: the NDJSON the generator writes (`generate -n N -o FILE`) and its Parquet, CSV and
//      gzip'd NDJSON (level 6, for scale: what the lead's Accept-Encoding will send);
//   2. conversion: NDJSON file → FORMAT in a child process of its own (bench/convert-memory.mjs),
//      wall time and peak RSS, formats alternating (P C N, N C P, …) because the machine drifts;
//      NDJSON is the pass-through (read and write the same bytes), the floor of any conversion;
//   3. through the API: a stored 10⁶ run downloaded as NDJSON and as Parquet, alternating, with
//      /health/live probed every 10 ms during each (the Parquet encoder runs on the main thread).
//
//   node bench/parquet.mjs [repeats=3] [n=1000000]     (after npm run build)
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { request } from 'undici';
import { startServer, stopServer, warmedUp } from './server.mjs';

const ROOT = new URL('../', import.meta.url);
const CLI = fileURLToPath(new URL('dist/cli/main.js', ROOT));
const CONVERT = fileURLToPath(new URL('bench/convert-memory.mjs', ROOT));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const log = (line) => process.stderr.write(`${line}\n`);

async function convert(input, format, dir) {
  const child = spawn(process.execPath, [CONVERT, input, format, join(dir, `out.${format}`)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`convert ${format} exited ${code}`);
  return JSON.parse(out);
}

/** NDJSON of the first n lines of `source` (a prefix of the same dataset). */
function prefix(source, n, path) {
  execFileSync('sh', ['-c', `head -n ${n} "${source}" > "${path}"`]);
  return path;
}

async function conversions(input, repeats, dir) {
  const formats = ['parquet', 'csv', 'ndjson'];
  const runs = Object.fromEntries(formats.map((format) => [format, []]));
  for (let i = 0; i < repeats; i += 1) {
    for (const format of i % 2 === 0 ? formats : [...formats].reverse()) runs[format].push(await convert(input, format, dir));
  }
  return Object.fromEntries(
    formats.map((format) => [
      format,
      {
        output_bytes: runs[format][0].output_bytes,
        median_seconds: median(runs[format].map((run) => run.seconds)),
        peak_rss_mb: Math.max(...runs[format].map((run) => run.peak_rss_mb)),
        largest_group_rows: runs[format][0].largest_group_rows,
        runs: runs[format],
      },
    ]),
  );
}

async function gzipBytes(input, dir) {
  const path = join(dir, 'out.ndjson.gz');
  const start = performance.now();
  await pipeline(createReadStream(input), createGzip({ level: 6 }), createWriteStream(path));
  return { bytes: statSync(path).size, seconds: (performance.now() - start) / 1000 };
}

/** Downloads `path` with `accept`, probing /health/live every 10 ms meanwhile. */
async function timedDownload(base, path, accept) {
  const probes = [];
  let done = false;
  const probing = (async () => {
    while (!done) {
      const start = performance.now();
      await (await request(`${base}/health/live`)).body.text();
      probes.push(performance.now() - start);
      await sleep(10);
    }
  })();
  const start = performance.now();
  const answer = await request(`${base}${path}`, { headers: { accept } });
  let bytes = 0;
  for await (const chunk of answer.body) bytes += chunk.byteLength;
  const seconds = (performance.now() - start) / 1000;
  done = true;
  await probing;
  return { accept, status: answer.statusCode, bytes, seconds, health_live_ms: { probes: probes.length, p50: percentile(probes, 50), p99: percentile(probes, 99), max: Math.max(...probes) } };
}

async function downloads(n, repeats) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mp-bench-parquet-'));
  const { child, base } = await startServer({ WORKERS: '2', DATA_DIR: dataDir });
  try {
    await warmedUp(base);
    const created = await request(`${base}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ n, profile: 'analysis_only', seed: 1 }),
    });
    const { run_id: runId } = await created.body.json();
    for (let status = 'queued'; status === 'queued' || status === 'running'; ) {
      await sleep(100);
      status = (await (await request(`${base}/v1/runs/${runId}`)).body.json()).status;
    }
    const path = `/v1/runs/${runId}/dataset`;
    const accepts = ['application/vnd.apache.parquet', 'application/x-ndjson'];
    const runs = [];
    for (let i = 0; i < repeats; i += 1) {
      for (const accept of i % 2 === 0 ? accepts : [...accepts].reverse()) runs.push(await timedDownload(base, path, accept));
    }
    const of = (accept) => runs.filter((run) => run.accept === accept);
    return Object.fromEntries(
      accepts.map((accept) => [
        accept,
        {
          bytes: of(accept)[0].bytes,
          median_seconds: median(of(accept).map((run) => run.seconds)),
          health_live_ms: { p50: median(of(accept).map((run) => run.health_live_ms.p50)), p99: median(of(accept).map((run) => run.health_live_ms.p99)), max: Math.max(...of(accept).map((run) => run.health_live_ms.max)) },
          runs: of(accept),
        },
      ]),
    );
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function parquetVsNdjson({ n = 1_000_000, repeats = 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-parquet-'));
  try {
    const full = join(dir, 'full.ndjson');
    log(`  generate -n ${n} -o ${full}`);
    execFileSync(process.execPath, [CLI, 'generate', '-n', String(n), '-p', 'analysis_only', '-s', '7', '-o', full], { stdio: ['ignore', 'ignore', 'ignore'] });
    const sizes = [n, Math.round(n / 10)];
    const byN = [];
    for (const size of sizes) {
      const input = size === n ? full : prefix(full, size, join(dir, `prefix-${size}.ndjson`));
      log(`  conversions of ${size} personas, ${repeats} alternating repeats`);
      const formats = await conversions(input, repeats, dir);
      const gzip = await gzipBytes(input, dir);
      byN.push({ n: size, ndjson_bytes: statSync(input).size, gzip_ndjson: gzip, formats });
      const p = formats.parquet;
      log(`    parquet ${(p.output_bytes / 2 ** 20).toFixed(1)} MiB in ${p.median_seconds.toFixed(2)} s, peak RSS ${p.peak_rss_mb.toFixed(0)} MB; csv ${formats.csv.median_seconds.toFixed(2)} s / ${formats.csv.peak_rss_mb.toFixed(0)} MB; pass-through ${formats.ndjson.median_seconds.toFixed(2)} s / ${formats.ndjson.peak_rss_mb.toFixed(0)} MB`);
    }
    log(`  API download of a stored ${n} run, NDJSON vs Parquet, ${repeats} alternating repeats`);
    const api = await downloads(n, repeats);
    return { n, conversions: byN, api_download: api };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [repeatsArg = '3', nArg = '1000000'] = process.argv.slice(2);
  console.log(JSON.stringify(await parquetVsNdjson({ repeats: Number(repeatsArg), n: Number(nArg) }), null, 2));
}
