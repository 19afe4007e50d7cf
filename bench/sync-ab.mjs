// Paired A/B of scenario 3 (POST /v1/runs n = 1,000 sync, 8 connections) between two builds of
// the service, for a decision that turns on a few fsyncs: the machine drifts, so the two builds
// run alternately (A B B A …) in one session, each on a fresh server and a fresh DATA_DIR, and
// what counts is the ratio within each pair.
//
//   node bench/sync-ab.mjs <distA> <distB> [pairs=6] [seconds=20] [dataRoot=os.tmpdir()]
//
// Each dist (a folder name) must sit at the repository root (it reads ../data and ../openapi like dist/ does):
// build one with `npx tsc -p tsconfig.build.json --outDir .ab-a`, change the code, build the other
// into `.ab-b` (docs/decisions/0003-unstored-sync-runs.md was measured so), delete both after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { request } from 'undici';
import { startServer, stopServer, warmedUp } from './server.mjs';

const [distA, distB, pairsArg = '6', secondsArg = '20', dataRoot = tmpdir()] = process.argv.slice(2);
if (!distA || !distB) throw new Error('usage: node bench/sync-ab.mjs <distA> <distB> [pairs] [seconds] [dataRoot]');
const pairs = Number(pairsArg);
const seconds = Number(secondsArg);
const log = (line) => process.stderr.write(`${line}\n`);

async function load(dist) {
  const dataDir = mkdtempSync(join(dataRoot, 'mp-sync-ab-'));
  const { child, base } = await startServer({ WORKERS: '2', DATA_DIR: dataDir }, dist);
  try {
    await warmedUp(base);
    const body = JSON.stringify({ n: 1000, profile: 'analysis_only', seed: 3 });
    for (let i = 0; i < 4; i += 1) {
      await request(`${base}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.body.text());
    }
    const result = await autocannon({ url: `${base}/v1/runs`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 8, duration: seconds });
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, requests: result.requests.total };
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const rows = [];
for (let pair = 0; pair < pairs; pair += 1) {
  // A B, then B A: neither build always runs first.
  const order = pair % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
  const row = {};
  for (const which of order) {
    row[which] = await load(which === 'a' ? distA : distB);
    log(`pair ${pair + 1} ${which}: ${row[which].rps.toFixed(1)} req/s, p50 ${row[which].p50} ms, p99 ${row[which].p99} ms, non-2xx ${row[which].non2xx}`);
  }
  rows.push({ ...row, rps_ratio_b_over_a: row.b.rps / row.a.rps, p50_ratio_b_over_a: row.b.p50 / row.a.p50, p99_ratio_b_over_a: row.b.p99 / row.a.p99 });
}
const summary = {
  pairs,
  seconds,
  data_root: dataRoot,
  median_rps: { a: median(rows.map((r) => r.a.rps)), b: median(rows.map((r) => r.b.rps)) },
  median_ratio_b_over_a: {
    rps: median(rows.map((r) => r.rps_ratio_b_over_a)),
    p50: median(rows.map((r) => r.p50_ratio_b_over_a)),
    p99: median(rows.map((r) => r.p99_ratio_b_over_a)),
  },
  rows,
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
