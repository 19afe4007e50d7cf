/**
 * PxWeb API v1 client: GET table metadata, POST a query in the `json` format. Every answer is
 * parsed with zod; every failure becomes a coded error with `details.kind` saying what happened:
 *   PXWEB_HTTP_ERROR   (`http_error`, with `status`)    the upstream answered 4xx/5xx
 *   PXWEB_UNREACHABLE  (`timeout` | `network_error`)    no answer, or none within the deadline
 *   PXWEB_SCHEMA_DRIFT (`schema_drift`)                 an answer we cannot read (also: too large)
 * Retries happen inside the dispatcher (see dispatcher.ts); the client never loops.
 *
 * Every call is bounded twice over: `deadlineMs` for the whole call (retries and a body trickled
 * one byte at a time included; the per-chunk `timeoutMs` alone never fires on those), and
 * `maxBytes` for the body, enforced while it streams (and at once when Content-Length announces
 * more). A caller's signal aborts the call; that abort is the caller's, not a PxWeb failure.
 */
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { ServiceError } from '../../errors.js';
import type { AttemptCounter } from './dispatcher.js';
import {
  PxwebJsonResponseSchema,
  PxwebMetadataSchema,
  type PxwebJsonResponse,
  type PxwebMetadata,
  type PxwebQueryBody,
} from './pxweb-schemas.js';
import { schemaDrift } from './schema-drift.js';

export type PxwebFailureKind = 'http_error' | 'timeout' | 'network_error' | 'schema_drift';

export interface PxwebClientOptions {
  /** API base, e.g. `https://statbank.statistica.md/PxWeb/api/v1/ro`. */
  readonly baseUrl: string;
  /** The composed PxWeb dispatcher (createPxwebDispatcher). */
  readonly dispatcher: Dispatcher;
  /** Per-request timeout for headers and between body chunks, ms (PXWEB_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Whole-call deadline, retries and body included, ms (PXWEB_DEADLINE_MS). */
  readonly deadlineMs: number;
  /** Largest answer body read, bytes (PXWEB_MAX_BYTES). */
  readonly maxBytes: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export class PxwebClient {
  readonly #options: PxwebClientOptions;

  constructor(options: PxwebClientOptions) {
    this.#options = options;
  }

  /** Full URL of a table path such as `20 Populatia si procesele demografice/POP010/POPro/POP010200rcl.px`. */
  tableUrl(path: string): URL {
    const base = this.#options.baseUrl.replace(/\/+$/, '');
    return new URL(`${base}/${path.split('/').map(encodeURIComponent).join('/')}`);
  }

  getMetadata(path: string, counter: AttemptCounter, signal?: AbortSignal): Promise<PxwebMetadata> {
    return this.#call(path, { method: 'GET' }, PxwebMetadataSchema, counter, signal);
  }

  query(path: string, body: PxwebQueryBody, counter: AttemptCounter, signal?: AbortSignal): Promise<PxwebJsonResponse> {
    return this.#call(path, { method: 'POST', body: JSON.stringify(body) }, PxwebJsonResponseSchema, counter, signal);
  }

  async #call<T>(
    path: string,
    request: { method: 'GET' | 'POST'; body?: string },
    schema: z.ZodType<T>,
    counter: AttemptCounter,
    callerSignal: AbortSignal | undefined,
  ): Promise<T> {
    const url = this.tableUrl(path);
    const { timeoutMs, deadlineMs, maxBytes, dispatcher } = this.#options;
    callerSignal?.throwIfAborted();
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = callerSignal === undefined ? deadline : AbortSignal.any([deadline, callerSignal]);
    let text: string;
    try {
      const response = await dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: request.method,
        headers: { accept: 'application/json', ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(request.body === undefined ? {} : { body: request.body }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        opaque: counter,
        signal,
      });
      if (response.statusCode >= 300) {
        // dump() reads a bounded amount (to reuse the connection), then destroys the rest.
        await response.body.dump();
        throw httpError(url, response.statusCode);
      }
      text = await readCapped(response, maxBytes, url);
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (deadline.aborted) throw deadlineExceeded(url, deadlineMs, error);
      throw classifyTransportError(error, url);
    }
    return parseBody(text, schema, url);
  }
}

/** The body as text, read no further than `maxBytes`: the stream is destroyed the moment it would pass them. */
async function readCapped(response: Dispatcher.ResponseData<unknown>, maxBytes: number, url: URL): Promise<string> {
  const announced = Number(response.headers['content-length']);
  if (Number.isFinite(announced) && announced > maxBytes) {
    response.body.destroy();
    throw tooLarge(url, maxBytes, `announces ${announced} bytes`);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    received += chunk.byteLength;
    if (received > maxBytes) {
      response.body.destroy();
      throw tooLarge(url, maxBytes, `passed ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received).toString('utf8');
}

function tooLarge(url: URL, maxBytes: number, what: string): ServiceError {
  return schemaDrift(`PxWeb answer for ${url.href} ${what}, more than PXWEB_MAX_BYTES (${maxBytes}); not read`, {
    url: url.href,
    reason: 'too_large',
    max_bytes: maxBytes,
  });
}

function deadlineExceeded(url: URL, deadlineMs: number, cause: unknown): ServiceError {
  return new ServiceError('PXWEB_UNREACHABLE', `PxWeb timed out at ${url.href}: no complete answer within PXWEB_DEADLINE_MS (${deadlineMs} ms)`, {
    details: { kind: 'timeout', url: url.href, deadline_ms: deadlineMs },
    cause,
  });
}

function httpError(url: URL, status: number): ServiceError {
  return new ServiceError('PXWEB_HTTP_ERROR', `PxWeb answered HTTP ${status} for ${url.href}`, {
    details: { kind: 'http_error', status, url: url.href },
  });
}

function classifyTransportError(error: unknown, url: URL): ServiceError {
  if (error instanceof ServiceError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const statusCode = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined;
  // undici's retry interceptor gives up on a retried status with a RequestRetryError carrying it.
  if (code === 'UND_ERR_REQ_RETRY' && typeof statusCode === 'number') {
    return new ServiceError('PXWEB_HTTP_ERROR', `PxWeb answered HTTP ${statusCode} for ${url.href} (retries exhausted)`, {
      details: { kind: 'http_error', status: statusCode, url: url.href },
      cause: error,
    });
  }
  const name = error instanceof Error ? error.name : '';
  const timedOut = (typeof code === 'string' && TIMEOUT_CODES.has(code)) || name === 'TimeoutError';
  const reason = error instanceof Error ? error.message : String(error);
  return new ServiceError('PXWEB_UNREACHABLE', `PxWeb ${timedOut ? 'timed out' : 'could not be reached'} at ${url.href}: ${reason}`, {
    details: { kind: timedOut ? 'timeout' : 'network_error', url: url.href, ...(typeof code === 'string' ? { error_code: code } : {}) },
    cause: error,
  });
}

function parseBody<T>(text: string, schema: z.ZodType<T>, url: URL): T {
  let raw: unknown;
  try {
    // NBS may prefix JSON with a byte-order mark.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw schemaDrift(`PxWeb sent a body that is not JSON for ${url.href}`, { url: url.href });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw schemaDrift(`PxWeb response for ${url.href} does not have the expected shape: ${issues.slice(0, 5).join('; ')}`, {
      url: url.href,
      issues,
    });
  }
  return parsed.data;
}

/** What kind of failure a coded error from this client stands for (null: not a PxWeb failure). */
export function pxwebFailureKind(error: unknown): PxwebFailureKind | null {
  if (!(error instanceof ServiceError)) return null;
  const kind = error.details?.['kind'];
  if (kind === 'http_error' || kind === 'timeout' || kind === 'network_error' || kind === 'schema_drift') return kind;
  return null;
}
