/**
 * The real server process (`node dist/cli/main.js serve`, PORT=0) over loopback with undici:
 * the endpoints, graceful shutdown with a request in flight, the shutdown timeout, a second
 * signal, configuration errors, and the container HEALTHCHECK command exactly as written in the
 * Dockerfile and docker-compose.yml.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.js';
import { spawnCli, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const running: ServerProcess[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(running.splice(0).map((server) => server.stop('SIGKILL')));
});

async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(env);
  running.push(server);
  return server;
}

async function get(server: ServerProcess, path: string, headers: Record<string, string> = {}) {
  const response = await request(`${server.baseUrl}${path}`, { headers });
  const body = await expectContract(response, { method: 'GET', path });
  return { status: response.statusCode, headers: response.headers, body };
}

/**
 * Opens a POST whose body is only half sent to a route that reads bodies; the server holds it as
 * an in-flight request (a path without such a route is answered before its body is read).
 */
async function halfSentRequest(server: ServerProcess, path: string): Promise<{ socket: Socket; finish: () => Promise<string> }> {
  const socket = connect(server.port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  let raw = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
  });
  const ended = once(socket, 'end');
  socket.write(`POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"n"`);
  await server.waitForLog((line) => line['msg'] === 'incoming request' && (line['req'] as { url?: string } | undefined)?.url === path);
  return {
    socket,
    finish: async () => {
      socket.write(':1}');
      await ended;
      return raw;
    },
  };
}

describe('moldova-personas serve', () => {
  it('logs the bound port as JSON and serves every endpoint per the contract', async () => {
    const server = await start();
    const listening = await server.waitForLog((line) => line['msg'] === 'server listening');
    expect(listening).toMatchObject({ level: 'info', host: '127.0.0.1', port: server.port });

    expect(await get(server, '/health/live')).toMatchObject({ status: 200, body: { status: 'pass' } });
    expect((await get(server, '/health/ready')).status).toBe(200);
    expect((await get(server, '/v1/schema/labels')).body).toHaveProperty('district');
    expect(await get(server, '/metrics')).toMatchObject({ status: 200, body: expect.stringContaining('http_requests_total{') });
    const pinned: unknown = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));
    expect((await get(server, '/openapi.json')).body).toEqual(pinned);
    expect((await get(server, '/no/such/path')).status).toBe(404);
  });

  it('enforces API_KEYS on /v1 only', async () => {
    const server = await start({ API_KEYS: 'e2e-key' });
    expect((await get(server, '/v1/schema/labels')).status).toBe(401);
    expect((await get(server, '/v1/schema/labels', { authorization: 'Bearer e2e-key' })).status).toBe(200);
    expect((await get(server, '/health/ready')).status).toBe(200);
  });

  it('IPF_MAX_ITERATIONS reaches the workers: a capped calibration is reported and fires IPF_DIVERGENCE', async () => {
    const server = await start({ IPF_MAX_ITERATIONS: '3', IPF_TOLERANCE: '1e-12' });
    const response = await request(`${server.baseUrl}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 50, profile: 'analysis_only', seed: 1 }),
    });
    const created = (await expectContract(response, { method: 'POST', path: '/v1/runs' })) as { run_id: string; trust_payload: { gate_codes: string[] } };
    expect(response.statusCode).toBe(201);
    expect(created.trust_payload.gate_codes).toContain('IPF_DIVERGENCE');
    const report = (await get(server, `/v1/runs/${created.run_id}/report`)).body as { calibration: Record<string, unknown> };
    expect(report.calibration).toMatchObject({ applied: true, iterations: 3, max_iterations: 3, tolerance: 1e-12, converged: false });
  });

  it('on SIGTERM stops listening, finishes the in-flight request, and exits 0', async () => {
    const server = await start();
    const inFlight = await halfSentRequest(server, '/v1/runs');
    server.child.kill('SIGTERM');
    await server.waitForLog((line) => line['msg'] === 'shutting down: finishing in-flight requests');

    // A new connection is not served: refused once the listener is closed, reset if it was
    // still queued in the backlog when the listener closed.
    const refused = connect(server.port, '127.0.0.1');
    sockets.push(refused);
    const [connectError] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(connectError.code);

    const raw = await inFlight.finish();
    // The finished body ({"n":1}) lacks a profile: validated and refused, on a closing connection.
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toMatch(/\r\nconnection: close\r\n/i);
    expect(await server.exited).toBe(0);
    expect(server.logLines().at(-1)).toMatchObject({ msg: 'shut down', timed_out: false });
  });

  it('exits 0 on SIGINT too', async () => {
    const server = await start();
    expect(await server.stop('SIGINT')).toBe(0);
  });

  it('cuts requests still open after SHUTDOWN_TIMEOUT_MS and exits 1', async () => {
    const server = await start({ SHUTDOWN_TIMEOUT_MS: '200' });
    await halfSentRequest(server, '/v1/runs');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(server.logLines().map((line) => line['msg'])).toContain('shutdown timeout: closing the connections still open');
  });

  it('exits at once with 1 on a second signal', async () => {
    const server = await start({ SHUTDOWN_TIMEOUT_MS: '600000' });
    await halfSentRequest(server, '/v1/runs');
    server.child.kill('SIGTERM');
    await server.waitForLog((line) => line['msg'] === 'shutting down: finishing in-flight requests');
    server.child.kill('SIGINT');
    // The message shows stderr: a native abort (SIGABRT, exit null) prints its stack there.
    expect(await server.exited, server.stderr()).toBe(1);
    expect(server.logLines().map((line) => line['msg'])).toContain('second signal: exiting without waiting');
  });
});

describe('configuration errors', () => {
  it.each([
    ['PORT', 'not-a-port', 'PORT accepts an integer ≥ 0 and ≤ 65535'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL accepts one of fatal, error, warn, info, debug, trace, silent'],
    ['BODY_LIMIT', '10', 'BODY_LIMIT accepts an integer ≥ 1024 and ≤ 10485760'],
  ])('a bad %s prints the variable and what it accepts, and exits 1', async (name, value, hint) => {
    const child = spawnCli(['serve'], { [name]: value });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain(`${name}=${JSON.stringify(value)}`);
    expect(stderr).toContain(hint);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('start-up configuration that would otherwise hang or silently weaken the service', () => {
  /** The exit code and stderr of `serve`, or 'hung' (and the child killed) when it runs past `ms`. */
  async function serveExit(env: Record<string, string>, ms = 15_000): Promise<{ code: number | null | 'hung'; stderr: string }> {
    const child = spawnCli(['serve'], env);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    return { code: child.signalCode === 'SIGKILL' ? 'hung' : code, stderr };
  }

  it('refuses DATA_DIR under /proc at once with a configuration error, instead of hanging at start', async () => {
    const { code, stderr } = await serveExit({ DATA_DIR: '/proc/moldova-personas-test/data' });
    expect(code).toBe(1);
    expect(stderr).toContain('DATA_DIR="/proc/moldova-personas-test/data"');
    expect(stderr).toContain('pseudo-file system');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a DATA_DIR that is a file as a configuration error, not an unexpected one', async () => {
    const { code, stderr } = await serveExit({ DATA_DIR: fileURLToPath(new URL('../../package.json', import.meta.url)) });
    expect(code).toBe(1);
    expect(stderr).toContain('invalid configuration');
    expect(stderr).toContain('is not a directory');
    expect(stderr).not.toContain('unexpected error');
  });

  it('refuses API_KEYS that names no key (" , "): it would disable auth without a word', async () => {
    const { code, stderr } = await serveExit({ API_KEYS: ' , ' });
    expect(code).toBe(1);
    expect(stderr).toContain('API_KEYS=" , "');
    expect(stderr).toContain('lists no key');
  });
});

const readRepoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The exec-form command array of the Dockerfile's HEALTHCHECK. */
function dockerfileHealthcheck(): string[] {
  const dockerfile = readRepoFile('Dockerfile');
  const line = /^HEALTHCHECK .*? CMD (\[.*\])$/m.exec(dockerfile);
  if (line?.[1] === undefined) throw new Error('Dockerfile has no exec-form HEALTHCHECK');
  return JSON.parse(line[1]) as string[];
}

async function runHealthcheck(port: number): Promise<number | null> {
  const [command, ...args] = dockerfileHealthcheck();
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { env: { PORT: String(port) } });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('container HEALTHCHECK', () => {
  it('exits 0 against a live server and 1 once it is gone', async () => {
    const server = await start();
    expect(await runHealthcheck(server.port)).toBe(0);
    await server.stop();
    expect(await runHealthcheck(server.port)).toBe(1);
  });

  it('is the same command in docker-compose.yml', () => {
    const compose = readRepoFile('docker-compose.yml');
    const line = /^\s+test: (\[.*\])$/m.exec(compose);
    expect(JSON.parse(line?.[1] ?? '[]')).toEqual(['CMD', ...dockerfileHealthcheck()]);
  });

  it('runs the image’s CMD: node dist/cli/main.js serve', () => {
    const dockerfile = readRepoFile('Dockerfile');
    expect(dockerfile).toContain('CMD ["node", "dist/cli/main.js", "serve"]');
    expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim AS|^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    for (const stage of ['deps', 'build', 'runtime', 'dev', 'ci']) expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${stage}$`, 'm'));
  });

  it('keeps what the `ci` stage needs in the build context (.dockerignore)', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const needed of ['Dockerfile', 'docker-compose.yml', '.ci', 'src', 'test', 'openapi', 'data', 'scripts', 'bench', 'README.md', 'docs']) {
      expect(ignored, needed).not.toContain(needed);
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});
