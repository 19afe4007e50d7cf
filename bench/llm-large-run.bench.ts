/**
 * Issue #14's target for llm runs, measured (a benchmark, not a test: nothing here fails on
 * time). A real server process (`dist/`, so `npm run build` first) narrates n = 100,000 personas
 * against the fast fake LLM of test/servers/hostile-llm.ts; meanwhile /health/live is probed back
 * to back and the server's RSS is sampled. Two runs: one to the end (throughput, liveness over
 * the whole run, peak RSS), one deleted mid-way (DELETE latency, calls stopping, RSS after).
 * A 2,000-persona llm run warms the server first (JIT, lazily loaded modules), as any running
 * service is. LLM_CONCURRENCY is the default 4 unless BENCH_LLM_CONCURRENCY says otherwise.
 * Run with `npx vitest bench --run bench/llm-large-run.bench.ts`; figures go to stderr and to
 * bench/results/llm-large-run-<time>.json, with the machine's load average (the machine is
 * shared: a load above its 2 cores inflates every latency). Targets: p99 ≤ 20 ms, DELETE < 1 s.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { percentile, probeLiveness, rssBytes } from '../test/helpers/liveness.js';
import { ApiClient, runFinished, runStarted } from '../test/helpers/runs-api.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { startHostileLlm } from '../test/servers/hostile-llm.js';

const N = 100_000;
const CONCURRENCY = process.env['BENCH_LLM_CONCURRENCY'] ?? '4';
const MB = 1024 * 1024;
const log = (line: string) => process.stderr.write(`${line}\n`);

function latencySummary(latencies: readonly number[]) {
  return {
    probes: latencies.length,
    p50_ms: Number(percentile(latencies, 50).toFixed(2)),
    p99_ms: Number(percentile(latencies, 99).toFixed(2)),
    max_ms: Number(Math.max(...latencies).toFixed(2)),
  };
}

async function scenario(): Promise<Record<string, unknown>> {
  const llm = await startHostileLlm({ kind: 'fast' });
  const dataDir = await mkdtemp(join(tmpdir(), 'mp-bench-llm-'));
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    WORKERS: '1',
    LOG_LEVEL: 'info',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'fake-model',
    LLM_CONCURRENCY: CONCURRENCY,
    LLM_MAX_N: String(N),
  });
  const api = new ApiClient(server.baseUrl);
  const pid = server.child.pid!;
  let peak = 0;
  const sampler = setInterval(() => void rssBytes(pid).then((rss) => (peak = Math.max(peak, rss)), () => undefined), 250);
  try {
    const warmUp = await api.post('/v1/runs', { n: 2_000, profile: 'analysis_only', seed: 9, narratives: { provider: 'llm' } }, { prefer: 'respond-async' });
    await runFinished(server, (warmUp.body as { run_id: string }).run_id);
    const baseline = await rssBytes(pid);
    const loadBefore = loadavg()[0]!;

    // 1. A whole run: throughput, liveness throughout, peak RSS.
    const whole = await api.post('/v1/runs', { n: N, profile: 'analysis_only', seed: 1, narratives: { provider: 'llm' } }, { prefer: 'respond-async' });
    const wholeId = (whole.body as { run_id: string }).run_id;
    const started = performance.now();
    const probe = probeLiveness(server.baseUrl);
    const finished = await runFinished(server, wholeId);
    const wholeLatencies = await probe.stop();
    const wholeSeconds = (performance.now() - started) / 1000;
    const report = (await api.get(`/v1/runs/${wholeId}/report`)).body as { narratives: { generated: number; total: number } };
    const wholePeak = peak;
    log(`whole run: ${String(finished['status'])} in ${wholeSeconds.toFixed(0)} s, ${report.narratives.generated}/${report.narratives.total} generated`);

    // 2. A run deleted mid-way: DELETE latency, calls stop, RSS after.
    const cancelled = await api.post('/v1/runs', { n: N, profile: 'analysis_only', seed: 2, narratives: { provider: 'llm' } }, { prefer: 'respond-async' });
    const cancelledId = (cancelled.body as { run_id: string }).run_id;
    await runStarted(server, cancelledId);
    const before = llm.callCount;
    while (llm.callCount < before + 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const probe2 = probeLiveness(server.baseUrl);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const midLatencies = await probe2.stop();
    const deleteStarted = performance.now();
    await api.delete(`/v1/runs/${cancelledId}`);
    const deleteMs = performance.now() - deleteStarted;
    const callsAtDelete = llm.callCount;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssAfter = await rssBytes(pid);

    return {
      n: N,
      machine: { cpus: cpus().length, node: process.version, load_average_1m: [Number(loadBefore.toFixed(1)), Number(loadavg()[0]!.toFixed(1))] },
      llm_concurrency: Number(CONCURRENCY),
      workers: 1,
      whole_run: {
        status: finished['status'],
        seconds: Number(wholeSeconds.toFixed(1)),
        personas_per_second: Number((N / wholeSeconds).toFixed(0)),
        generated: report.narratives.generated,
        liveness: latencySummary(wholeLatencies),
        rss_baseline_mb: Number((baseline / MB).toFixed(0)),
        rss_peak_mb: Number((wholePeak / MB).toFixed(0)),
      },
      deleted_run: {
        liveness_5s_before_delete: latencySummary(midLatencies),
        delete_ms: Number(deleteMs.toFixed(1)),
        calls_after_delete: llm.callCount - callsAtDelete,
        rss_2s_after_delete_mb: Number((rssAfter / MB).toFixed(0)),
        rss_peak_mb: Number((peak / MB).toFixed(0)),
      },
    };
  } finally {
    clearInterval(sampler);
    await server.stop('SIGKILL');
    await llm.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe(`llm run of n = ${N} against a fast fake LLM`, () => {
  bench(
    'liveness, DELETE and memory',
    async () => {
      const result = await scenario();
      log(JSON.stringify(result, null, 2));
      const file = new URL(`./results/llm-large-run-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`, import.meta.url);
      await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
