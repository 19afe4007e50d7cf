// A `serve` process for the benchmarks (bench/run.mjs, bench/sync-ab.mjs): started on a free
// loopback port from a build (dist/ by default), awaited until live and until its workers are
// warm, and stopped with SIGTERM.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const ROOT = new URL('../', import.meta.url);

/** A free loopback port (listen on 0, read it, close). */
async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `serve` of the build in `dist` (relative to the repository root) and resolves with its base URL once /health/live answers. */
export async function startServer(env, dist = 'dist') {
  const port = await freePort();
  const child = spawn(process.execPath, [new URL(`${dist}/cli/main.js`, ROOT).pathname, 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await request(`${base}/health/live`);
      await response.body.text();
      if (response.statusCode === 200) return { child, base };
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('server did not start within 10 s');
}

/** Resolves once readiness reports the workers warmed up (serve calibrates them at start). */
export async function warmedUp(base) {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const ready = await request(`${base}/health/ready`);
    const body = await ready.body.json();
    if (body.checks?.['workers:warm-up']?.[0]?.status === 'pass') return;
    await sleep(50);
  }
  throw new Error('workers did not warm up within 30 s');
}

export async function stopServer(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}
