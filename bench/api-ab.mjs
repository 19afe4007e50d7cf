// Paired A/B of scenario 2 (one async run of n personas to NDJSON on disk through the HTTP API,
// 2 workers) between two builds, for a change that must stay within a time budget (issue 12: the
// 10^6 run within 10% of before). The machine drifts by ±40%, so the builds run alternately
// (A B B A …), each on a fresh server and DATA_DIR, and what counts is the ratio within each pair.
//
//   node bench/api-ab.mjs <distA> <distB> [pairs=3] [n=1000000]
//
// A dist is a build folder relative to the repository root; a build of another checkout works
// too (`../other-checkout/dist`), and then reads that checkout's data/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startServer, stopServer, warmedUp } from './server.mjs';

const [distA, distB, pairsArg = '3', nArg = '1000000'] = process.argv.slice(2);
if (!distA || !distB) throw new Error('usage: node bench/api-ab.mjs <distA> <distB> [pairs] [n]');
const pairs = Number(pairsArg);
const n = Number(nArg);
const log = (line) => process.stderr.write(`${line}\n`);

async function oneRun(dist) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mp-api-ab-'));
  const { child, base } = await startServer({ WORKERS: '2', DATA_DIR: dataDir }, dist);
  try {
    await warmedUp(base);
    const post = (body, headers = {}) =>
      request(`${base}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    for (let i = 0; i < 2; i += 1) await post({ n: 10, profile: 'analysis_only', seed: i }).then((r) => r.body.text());
    const start = performance.now();
    const created = await post({ n, profile: 'analysis_only', seed: 1 }, { prefer: 'respond-async' });
    const { run_id: runId } = await created.body.json();
    let status = 'queued';
    while (status === 'queued' || status === 'running') {
      await sleep(50);
      status = (await (await request(`${base}/v1/runs/${runId}`)).body.json()).status;
    }
    if (status !== 'succeeded') throw new Error(`${dist}: run ended ${status}`);
    return (performance.now() - start) / 1000;
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (let pair = 0; pair < pairs; pair += 1) {
  const order = pair % 2 === 0 ? [distA, distB] : [distB, distA];
  const seconds = {};
  for (const dist of order) seconds[dist] = await oneRun(dist);
  const ratio = seconds[distB] / seconds[distA];
  results.push({ a_seconds: seconds[distA], b_seconds: seconds[distB], ratio });
  log(`pair ${pair + 1}: A ${seconds[distA].toFixed(2)} s, B ${seconds[distB].toFixed(2)} s, B/A ${ratio.toFixed(3)}`);
}
const ratios = results.map((r) => r.ratio).sort((a, b) => a - b);
console.log(JSON.stringify({ a: distA, b: distB, n, pairs: results, median_ratio: ratios[Math.floor(ratios.length / 2)] }, null, 2));
