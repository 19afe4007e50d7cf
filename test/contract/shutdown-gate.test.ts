/**
 * While the app closes: a request in flight finishes (and its connection closes after it), and a
 * request that still reaches the server gets a documented 503 (Retry-After, `Connection: close`)
 * on /v1 and "not ready" on /health/ready. The late request is one whose headers were half sent
 * before `close()` (such a connection is busy, so closing leaves it open) and completed after.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZodApp } from '../../src/http/route-schema.js';
import type { V1RoutePlugin } from '../../src/http/v1.js';
import { buildTestApp } from '../helpers/app.js';
import { expectContract, type ObservedResponse } from '../helpers/contract.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Parses the one response on a connection the server closed (Content-Length framed). */
function parseResponse(raw: string, path: string): ObservedResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = raw.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const text = raw.slice(headEnd + 4, headEnd + 4 + Number(headers['content-length']));
  return { method: 'GET', path, status: Number(statusLine.split(' ')[1]), headers, text };
}

describe('closing the app', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function listening(plugins: V1RoutePlugin[]) {
    const closeStarted = deferred();
    const app: ZodApp = await buildTestApp({
      extraV1: [...plugins, (v1) => void v1.addHook('preClose', async () => closeStarted.resolve())],
    });
    cleanups.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const accepted = once(app.server, 'connection') as Promise<[Socket]>;
    const socket = connect(port, '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    const [serverSide] = await accepted;
    let raw = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      raw += chunk;
    });
    const ended = once(socket, 'end');
    return { app, socket, serverSide, closeStarted: closeStarted.promise, response: async () => (await ended, raw) };
  }

  async function lateRequest(path: string): Promise<ObservedResponse> {
    const { app, socket, serverSide, closeStarted, response } = await listening([]);
    const received = once(serverSide, 'data');
    socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n`);
    await received;
    const closing = app.close();
    await closeStarted;
    socket.write('\r\n');
    const raw = await response();
    await closing;
    return parseResponse(raw, path);
  }

  it('answers a /v1 request arriving while closing with a documented 503', async () => {
    const refused = await lateRequest('/v1/schema/labels');
    expect(refused.status).toBe(503);
    expect(refused.headers['connection']).toBe('close');
    expect(refused.headers['retry-after']).toBe('5');
    expect(await expectContract(refused)).toMatchObject({ code: 'SERVICE_SHUTTING_DOWN', status: 503 });
  });

  it('reports not ready while closing', async () => {
    const ready = await lateRequest('/health/ready');
    const body = (await expectContract(ready)) as { status: string; checks: Record<string, { status: string }[]> };
    expect(ready.status).toBe(503);
    expect(body.status).toBe('fail');
    expect(body.checks['service:accepting-requests']?.[0]).toMatchObject({ status: 'fail', output: 'shutting down' });
  });

  it('lets the request in flight finish, closes its connection, then completes the close', async () => {
    const entered = deferred();
    const release = deferred();
    const hold: V1RoutePlugin = (v1) => {
      v1.get('/test/hold', async () => {
        entered.resolve();
        await release.promise;
        return { held: true };
      });
    };
    const { app, socket, closeStarted, response } = await listening([hold]);
    socket.write('GET /v1/test/hold HTTP/1.1\r\nHost: test\r\n\r\n');
    await entered.promise;
    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });
    await closeStarted;
    expect(closed).toBe(false);
    release.resolve();
    const held = parseResponse(await response(), '/v1/test/hold');
    expect(held.status).toBe(200);
    expect(held.headers['connection']).toBe('close');
    expect(JSON.parse(held.text)).toEqual({ held: true });
    await closing;
    expect(app.server.listening).toBe(false);
  });
});
