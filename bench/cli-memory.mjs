// `node bench/cli-memory.mjs [N] [FORMAT] [--json]` (after `npm run build`; bench/run.mjs runs it
// as scenario 6 with --json, which prints one JSON object instead of the text report): runs
// `node dist/cli/main.js generate -n N -p analysis_only --format FORMAT -o <tmp>` as a child and
// reports its wall time, personas per second and peak resident memory. Peak RSS is the kernel's
// high-water mark (VmHWM in /proc/<pid>/status, Linux), read by polling while the child runs and
// kept at its largest, so the last sample before exit is never missed by much; VmRSS is polled
// too as a cross-check. Not part of the test suite: it takes seconds to minutes and a whole core.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [nArg, formatArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const n = Number(nArg ?? 1_000_000);
const format = formatArg ?? 'ndjson';
const asJson = process.argv.includes('--json');
const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'cli-memory-'));
const output = join(dir, `dataset.${format}`);

async function statusKb(pid, field) {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : null;
  } catch {
    return null; // the process has exited
  }
}

const started = performance.now();
const child = spawn(process.execPath, [entry, 'generate', '-n', String(n), '-p', 'analysis_only', '--format', format, '-o', output], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
const exited = once(child, 'exit');
let peakHwmKb = 0;
let peakRssKb = 0;
let samples = 0;
const poll = setInterval(async () => {
  const [hwm, rss] = await Promise.all([statusKb(child.pid, 'VmHWM'), statusKb(child.pid, 'VmRSS')]);
  if (hwm !== null) peakHwmKb = Math.max(peakHwmKb, hwm);
  if (rss !== null) peakRssKb = Math.max(peakRssKb, rss);
  samples += 1;
}, 20);
const [code] = await exited;
clearInterval(poll);
const seconds = (performance.now() - started) / 1000;
const bytes = code === 0 ? (await stat(output)).size : 0;
await rm(dir, { recursive: true, force: true });

const mb = (kb) => (kb / 1024).toFixed(1);
if (asJson) {
  const result = { n, format, exit_code: code, wall_seconds: seconds, personas_per_second: n / seconds, output_mib: bytes / 2 ** 20, peak_rss_mb: peakHwmKb / 1024, samples };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else process.stdout.write(
  [
    `generate -n ${n} --format ${format}: exit ${code}`,
    `wall time:    ${seconds.toFixed(2)} s (${Math.round(n / seconds).toLocaleString('en-US')} personas/s, process start included)`,
    `output:       ${(bytes / 1024 / 1024).toFixed(1)} MiB`,
    `peak RSS:     ${mb(peakHwmKb)} MiB (VmHWM), ${mb(peakRssKb)} MiB (largest VmRSS sample; ${samples} samples)`,
    '',
    stderr,
  ].join('\n'),
);
process.exitCode = code === 0 || code === 2 ? 0 : 1;
