/**
 * Clients that ask for a sync run and never read the answer (#14 item 11), over a real server
 * process: each unread answer (a few MB of dataset) holds a MAX_QUEUE slot until its connection
 * closes, so more such clients get 503 SERVICE_QUEUE_FULL instead of pinning more memory; once
 * they go away the slots are free again.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, expectProblem, runFinished } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const MAX_QUEUE = 2;
/**
 * About 9 MB of answer: more than loopback's socket buffers take for a client that reads nothing
 * (the send buffer alone may grow to 4 MB, net.ipv4.tcp_wmem).
 */
const N = 20_000;

let dataDir: string;
let server: ServerProcess;
let api: ApiClient;
const sockets: Socket[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-unread-'));
  server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '1', MAX_QUEUE: String(MAX_QUEUE), SYNC_MAX_N: String(N) });
  api = new ApiClient(server.baseUrl);
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

/** Sends a sync POST and never reads a byte of the answer; resolves with the socket and the run's id once it finished. */
async function unreadSyncRun(seed: number): Promise<{ socket: Socket; runId: string }> {
  const socket = connect(server.port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  const body = JSON.stringify({ n: N, profile: 'analysis_only', seed });
  const queued = server.waitForLog((line) => line['msg'] === 'run queued' && line['seed'] === seed);
  socket.write(`POST /v1/runs HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  socket.pause();
  const runId = String((await queued)['run_id']);
  await runFinished(server, runId);
  return { socket, runId };
}

async function slotsInUse(): Promise<number> {
  const ready = await api.get('/health/ready');
  return Number((ready.body as { checks: Record<string, { observedValue: number }[]> }).checks['runs:queue']![0]!.observedValue);
}

describe('sync answers nobody reads', () => {
  it('hold a MAX_QUEUE slot each until their connections close: later runs get 503, then the slots are free', async () => {
    const unread = [await unreadSyncRun(1), await unreadSyncRun(2)];
    // Both runs are over; their answers are not.
    expect(await slotsInUse()).toBe(MAX_QUEUE);
    for (const headers of [{}, { prefer: 'respond-async' }]) {
      const refused = await api.post('/v1/runs', { n: 5, profile: 'analysis_only' }, headers);
      expectProblem(refused, 503, 'SERVICE_QUEUE_FULL');
      expect(refused.headers['retry-after']).toBeDefined();
    }

    for (const { socket } of unread) socket.destroy();
    while ((await slotsInUse()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await api.post('/v1/runs', { n: 5, profile: 'analysis_only' })).status).toBe(201);
    expect(await slotsInUse()).toBe(0);
  });
});
