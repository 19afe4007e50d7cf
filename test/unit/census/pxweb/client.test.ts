import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Agent } from 'undici';
import { hasErrorCode } from '../../../../src/errors.js';
import { PxwebClient } from '../../../../src/census/pxweb/client.js';
import { createPxwebDispatcher, type AttemptCounter } from '../../../../src/census/pxweb/dispatcher.js';
import { TEST_RETRY } from '../../../helpers/census.js';
import { MOCK_TABLE_PATH, startMockPxweb, type MockPxweb } from '../../../servers/mock-pxweb.js';

let mock: MockPxweb;
let client: PxwebClient;
let closeDispatcher: () => Promise<void>;

beforeEach(async () => {
  mock = await startMockPxweb();
  const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  const dispatcher = createPxwebDispatcher({ timeoutMs: 300, agent, retry: TEST_RETRY });
  client = new PxwebClient({ baseUrl: mock.baseUrl, dispatcher, timeoutMs: 300 });
  closeDispatcher = () => dispatcher.close();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await closeDispatcher();
  await mock.close();
});

async function failureOf(call: Promise<unknown>): Promise<{ code: string; kind: unknown; status: unknown }> {
  try {
    await call;
  } catch (error) {
    if (!hasErrorCode(error)) throw error;
    const details = (error as { details?: Record<string, unknown> }).details ?? {};
    return { code: error.code, kind: details['kind'], status: details['status'] };
  }
  throw new Error('expected the call to fail');
}

const QUERY = {
  query: [
    { code: 'Ani', selection: { filter: 'item' as const, values: ['2025'] } },
    { code: 'Sexe', selection: { filter: 'item' as const, values: ['1', '2'] } },
    { code: 'Varste', selection: { filter: 'item' as const, values: ['101', '102'] } },
    { code: 'Medii', selection: { filter: 'item' as const, values: ['1', '2'] } },
  ],
  response: { format: 'json' as const },
};

describe('PxwebClient', () => {
  it('percent-encodes the spaces of the table path', () => {
    expect(client.tableUrl(MOCK_TABLE_PATH).pathname).toBe(
      '/PxWeb/api/v1/ro/20%20Populatia%20si%20procesele%20demografice/POP010/POPro/POP010200rcl.px',
    );
  });

  it('reads metadata and a json-format query answer', async () => {
    const counter: AttemptCounter = { attempts: 0 };
    const metadata = await client.getMetadata(MOCK_TABLE_PATH, counter);
    expect(metadata.variables.map((v) => v.code)).toEqual(['Ani', 'Sexe', 'Varste', 'Medii']);
    const response = await client.query(MOCK_TABLE_PATH, QUERY, counter);
    expect(response.data).toHaveLength(8);
    expect(counter.attempts).toBe(2);
    expect(mock.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it.each([400, 403, 404])('does not retry HTTP %i', async (status) => {
    mock.failAlways({ kind: 'status', status });
    const counter: AttemptCounter = { attempts: 0 };
    expect(await failureOf(client.query(MOCK_TABLE_PATH, QUERY, counter))).toEqual({ code: 'PXWEB_HTTP_ERROR', kind: 'http_error', status });
    expect(mock.requests).toHaveLength(1);
    expect(counter.attempts).toBe(1);
  });

  it.each([500, 502, 503, 504])('retries HTTP %i, including POST, then gives up', async (status) => {
    mock.failAlways({ kind: 'status', status });
    const counter: AttemptCounter = { attempts: 0 };
    expect(await failureOf(client.query(MOCK_TABLE_PATH, QUERY, counter))).toEqual({ code: 'PXWEB_HTTP_ERROR', kind: 'http_error', status });
    expect(mock.requests).toHaveLength(1 + TEST_RETRY.maxRetries);
    expect(mock.requests.every((r) => r.method === 'POST')).toBe(true);
    expect(counter.attempts).toBe(1 + TEST_RETRY.maxRetries);
  });

  it('succeeds when a 5xx is followed by an answer', async () => {
    mock.failNext({ failure: { kind: 'status', status: 502 } });
    const counter: AttemptCounter = { attempts: 0 };
    const metadata = await client.getMetadata(MOCK_TABLE_PATH, counter);
    expect(metadata.title).toMatch(/Populatia/);
    expect(counter.attempts).toBe(2);
  });

  it('waits for Retry-After after a 429, then succeeds', async () => {
    // The back-off without Retry-After would be TEST_RETRY.minTimeoutMs (1 ms); a 1000 ms timer
    // can only come from the header.
    const timers = vi.spyOn(globalThis, 'setTimeout');
    mock.failNext({ method: 'POST', failure: { kind: 'status', status: 429, retryAfter: '1' } });
    const counter: AttemptCounter = { attempts: 0 };
    const response = await client.query(MOCK_TABLE_PATH, QUERY, counter);
    expect(response.data).toHaveLength(8);
    expect(mock.requests).toHaveLength(2);
    expect(timers.mock.calls.some(([, delay]) => delay === 1_000)).toBe(true);
  });

  it('times out a hanging upstream once, without retrying', async () => {
    mock.failAlways({ kind: 'hang' });
    const counter: AttemptCounter = { attempts: 0 };
    expect(await failureOf(client.getMetadata(MOCK_TABLE_PATH, counter))).toMatchObject({ code: 'PXWEB_UNREACHABLE', kind: 'timeout' });
    expect(mock.requests).toHaveLength(1);
    expect(counter.attempts).toBe(1);
  });

  it('retries a refused connection, then reports the network error', async () => {
    await mock.close();
    const counter: AttemptCounter = { attempts: 0 };
    expect(await failureOf(client.getMetadata(MOCK_TABLE_PATH, counter))).toMatchObject({ code: 'PXWEB_UNREACHABLE', kind: 'network_error' });
    expect(counter.attempts).toBe(1 + TEST_RETRY.maxRetries);
  });

  it('reports a body that is not JSON as schema drift', async () => {
    mock.failNext({ failure: { kind: 'malformed_json' } });
    expect(await failureOf(client.getMetadata(MOCK_TABLE_PATH, { attempts: 0 }))).toMatchObject({ code: 'PXWEB_SCHEMA_DRIFT', kind: 'schema_drift' });
  });

  it('reports an unknown table path as HTTP 404 without retrying', async () => {
    const counter: AttemptCounter = { attempts: 0 };
    const failure = await failureOf(client.getMetadata(MOCK_TABLE_PATH.replace('POP010200rcl.px', 'missing.px'), counter));
    expect(failure).toMatchObject({ code: 'PXWEB_HTTP_ERROR', status: 404 });
    expect(counter.attempts).toBe(1);
  });
});
