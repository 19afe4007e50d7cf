import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Agent } from 'undici';
import { loadConfig } from '../../../../src/config/env.js';
import { hasErrorCode } from '../../../../src/errors.js';
import { PxwebClient } from '../../../../src/census/pxweb/client.js';
import { createPxwebDispatcher, type AttemptCounter } from '../../../../src/census/pxweb/dispatcher.js';
import { TEST_RETRY } from '../../../helpers/census.js';
import { MOCK_TABLE_PATH, startMockPxweb, type MockPxweb } from '../../../servers/mock-pxweb.js';

const CONFIG_DEFAULTS = loadConfig({});

let mock: MockPxweb;
let client: PxwebClient;
let closeDispatcher: () => Promise<void>;

beforeEach(async () => {
  mock = await startMockPxweb();
  const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  const dispatcher = createPxwebDispatcher({ timeoutMs: 300, agent, retry: TEST_RETRY });
  client = new PxwebClient({ baseUrl: mock.baseUrl, dispatcher, timeoutMs: 300, deadlineMs: CONFIG_DEFAULTS.PXWEB_DEADLINE_MS, maxBytes: CONFIG_DEFAULTS.PXWEB_MAX_BYTES });
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

/**
 * The limits of one call against a hostile upstream: an overall deadline (a trickled body never
 * trips the per-chunk timeout), the caller's abort, and a size cap enforced while the body
 * streams. Margins are an order of magnitude: a call that is not bounded never ends at all.
 */
describe('PxwebClient against a hostile upstream', () => {
  const LIMITS = { timeoutMs: 2_000, deadlineMs: 1_000, maxBytes: 1_048_576 };
  let hostile: PxwebClient;
  let closeHostile: () => Promise<void>;

  beforeEach(() => {
    const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
    const dispatcher = createPxwebDispatcher({ timeoutMs: LIMITS.timeoutMs, agent, retry: TEST_RETRY });
    hostile = new PxwebClient({ baseUrl: mock.baseUrl, dispatcher, ...LIMITS });
    closeHostile = () => dispatcher.destroy();
  });
  afterEach(async () => {
    await closeHostile();
  });

  /** The call's failure and how long it took, or 'still running' after `guardMs`. */
  async function boundedFailure(call: Promise<unknown>, guardMs = 15_000) {
    const started = performance.now();
    const guard = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), guardMs).unref());
    const outcome = await Promise.race([failureOf(call), guard]);
    return { outcome, ms: performance.now() - started };
  }

  it('ends a body trickled one byte every 300 ms at the deadline, as a timeout', async () => {
    mock.failAlways({ kind: 'trickle', intervalMs: 300 });
    const { outcome, ms } = await boundedFailure(hostile.getMetadata(MOCK_TABLE_PATH, { attempts: 0 }));
    expect(outcome).toMatchObject({ code: 'PXWEB_UNREACHABLE', kind: 'timeout' });
    expect(ms).toBeLessThan(LIMITS.deadlineMs * 10);
  });

  it('ends a body that stalls halfway at the deadline, even when the per-chunk timeout is far longer', async () => {
    mock.failAlways({ kind: 'stall_body' });
    const dispatcher = createPxwebDispatcher({ timeoutMs: 60_000, retry: TEST_RETRY });
    const slow = new PxwebClient({ baseUrl: mock.baseUrl, dispatcher, timeoutMs: 60_000, deadlineMs: LIMITS.deadlineMs, maxBytes: LIMITS.maxBytes });
    const { outcome, ms } = await boundedFailure(slow.getMetadata(MOCK_TABLE_PATH, { attempts: 0 }));
    expect(outcome).toMatchObject({ code: 'PXWEB_UNREACHABLE', kind: 'timeout' });
    expect(ms).toBeLessThan(LIMITS.deadlineMs * 10);
    await dispatcher.destroy();
  });

  it("stops at once when the caller's signal aborts, with the caller's reason (not a PxWeb failure)", async () => {
    mock.failAlways({ kind: 'trickle', intervalMs: 300 });
    // Limits far away: only the signal can end this call in time.
    const dispatcher = createPxwebDispatcher({ timeoutMs: 60_000, retry: TEST_RETRY });
    const patient = new PxwebClient({ baseUrl: mock.baseUrl, dispatcher, timeoutMs: 60_000, deadlineMs: 600_000, maxBytes: LIMITS.maxBytes });
    const controller = new AbortController();
    const reason = new Error('the run was cancelled');
    const call = patient.getMetadata(MOCK_TABLE_PATH, { attempts: 0 }, controller.signal);
    await mock.waitForRequests(1);
    const started = performance.now();
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1_000);
    await dispatcher.destroy();
  });

  it('cuts off a body larger than maxBytes while it streams, as schema drift (too large)', async () => {
    mock.failAlways({ kind: 'huge', bytes: 200 * 1_048_576 });
    const { outcome } = await boundedFailure(hostile.getMetadata(MOCK_TABLE_PATH, { attempts: 0 }));
    expect(outcome).toMatchObject({ code: 'PXWEB_SCHEMA_DRIFT', kind: 'schema_drift' });
    // Aborted near the cap: far less than the 200 MB on offer left the mock (socket buffers aside).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mock.bodyBytesSent()).toBeLessThan(32 * 1_048_576);
  });

  it('refuses a body whose Content-Length announces more than maxBytes before reading it', async () => {
    mock.failAlways({ kind: 'announced_length', contentLength: 5_000_000_000 });
    const { outcome, ms } = await boundedFailure(hostile.getMetadata(MOCK_TABLE_PATH, { attempts: 0 }));
    expect(outcome).toMatchObject({ code: 'PXWEB_SCHEMA_DRIFT', kind: 'schema_drift' });
    // Not a timeout: the announcement alone decides it (the mock sends 16 bytes, then nothing).
    expect(ms).toBeLessThan(LIMITS.deadlineMs);
  });
});
