/**
 * One `serve` per DATA_DIR (#14, lower severity), with real server processes: a second one on the
 * same DATA_DIR exits 1 naming the first; after a kill -9 the lock is stale and the next start
 * takes it; a graceful stop removes it.
 */
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

let dataDir: string;
const running: ServerProcess[] = [];
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-lock-e2e-'));
});
afterAll(async () => {
  await Promise.all(running.map((server) => server.stop('SIGKILL')));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '1' });
  running.push(server);
  return server;
}

describe('the DATA_DIR lock', () => {
  it('makes a second serve on the same DATA_DIR exit 1 naming the first; a kill -9 leaves it stale, SIGTERM removes it', async () => {
    const first = await start();
    const second = spawnCli(['serve'], { DATA_DIR: dataDir, WORKERS: '1' });
    let stderr = '';
    second.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain(`in use by another moldova-personas process (pid ${first.child.pid} on host`);
    expect(stderr).toContain('one process per DATA_DIR');
    // The first one was not disturbed.
    expect((await fetch(`${first.baseUrl}/health/live`)).status).toBe(200);

    expect(await first.stop('SIGKILL')).toBeNull();
    expect(await readdir(dataDir)).toContain('serve.lock');
    const third = await start();
    expect((await fetch(`${third.baseUrl}/health/live`)).status).toBe(200);
    expect(await third.stop('SIGTERM')).toBe(0);
    expect(await readdir(dataDir)).not.toContain('serve.lock');
  });
});
