/**
 * The one undici dispatcher for the PxWeb upstream: a keep-alive Agent composed with
 *
 *   request ──► retry interceptor ──► attempt counter ──► Agent ──► PxWeb
 *
 * The retry interceptor (undici's, not ours) retries network errors, 429 and 5xx with exponential
 * back-off, honours `Retry-After` (capped at `maxTimeoutMs`) and leaves other 4xx alone. POST is
 * not retried by undici's defaults, so `methods` lists it (PxWeb queries are POST and idempotent).
 * Timeouts are not retried: a black-holed upstream costs one timeout, after which the circuit
 * breaker takes over. The attempt counter sits below the retry interceptor, so it sees every
 * attempt and reports the count through the request's `opaque` object.
 */
import { Agent, interceptors, type Dispatcher } from 'undici';

export interface PxwebRetryOptions {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** First back-off, ms; later ones grow by `timeoutFactor`. */
  readonly minTimeoutMs: number;
  /** Longest back-off, ms; also caps how long a `Retry-After` is waited. */
  readonly maxTimeoutMs: number;
  readonly timeoutFactor: number;
}

export const DEFAULT_PXWEB_RETRY: PxwebRetryOptions = {
  maxRetries: 2,
  minTimeoutMs: 1_000,
  maxTimeoutMs: 30_000,
  timeoutFactor: 2,
};

/** Network error codes worth another attempt (undici's list; timeouts deliberately absent). */
const RETRIED_ERROR_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
];
const RETRIED_STATUS_CODES = [429, 500, 502, 503, 504];

/** Mutable per-call counter, passed as the request's `opaque`. */
export interface AttemptCounter {
  attempts: number;
}

function isAttemptCounter(value: unknown): value is AttemptCounter {
  return typeof value === 'object' && value !== null && typeof (value as { attempts?: unknown }).attempts === 'number';
}

const countAttempts: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
  const opaque: unknown = (options as { opaque?: unknown }).opaque;
  if (isAttemptCounter(opaque)) opaque.attempts += 1;
  return dispatch(options, handler);
};

export interface PxwebDispatcherOptions {
  /** Connect timeout of the default Agent, ms (use PXWEB_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** The Agent to compose onto; tests pass one with a short keep-alive. Default: a new Agent. */
  readonly agent?: Dispatcher;
  readonly retry?: Partial<PxwebRetryOptions>;
}

export function createPxwebDispatcher(options: PxwebDispatcherOptions): Dispatcher {
  const retry = { ...DEFAULT_PXWEB_RETRY, ...options.retry };
  const agent = options.agent ?? new Agent({ connect: { timeout: options.timeoutMs }, keepAliveTimeout: 4_000 });
  return agent.compose(
    countAttempts,
    interceptors.retry({
      methods: ['GET', 'POST'],
      statusCodes: RETRIED_STATUS_CODES,
      errorCodes: RETRIED_ERROR_CODES,
      maxRetries: retry.maxRetries,
      minTimeout: retry.minTimeoutMs,
      maxTimeout: retry.maxTimeoutMs,
      timeoutFactor: retry.timeoutFactor,
      retryAfter: true,
    }),
  );
}
