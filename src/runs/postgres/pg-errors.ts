/**
 * What a PostgreSQL failure means to a caller, as storage-error.ts says it for the file store
 * (decision 0005): the database out of disk is SERVICE_STORAGE_FULL (507); unreachable, shutting
 * down, refusing connections, read-only or timed out is SERVICE_STORAGE_UNAVAILABLE (503), both
 * with Retry-After. Anything else (a constraint, a bug) passes unchanged. The message is ours:
 * pg's names hosts and ports.
 */
import { ServiceError } from '../../errors.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../storage-error.js';

/** SQLSTATE classes and codes: 08 connection exception, 57P admin shutdown / cannot connect now, 53 insufficient resources. */
const FULL_STATES = new Set(['53100', '53200']);
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '25006', '53300', '57014', '58000', '58030']);
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** Messages pg and pg-pool give without a code when the connection is gone or never came. */
const GONE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Cannot use a pool after calling end|connection timeout|Query read timeout/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || NETWORK_ERRNOS.has(code))) return true;
  return error instanceof Error && GONE.test(error.message);
}

/** The coded form of a database failure, or `error` itself. */
export function pgStorageErrorOf(error: unknown): unknown {
  if (error instanceof ServiceError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const details = { retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS, sqlstate: typeof code === 'string' ? code : null };
  if (typeof code === 'string' && FULL_STATES.has(code)) {
    return new ServiceError('SERVICE_STORAGE_FULL', `The run store's database has no space left (${code}); nothing was stored.`, { details, cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new ServiceError('SERVICE_STORAGE_UNAVAILABLE', "The run store's database cannot be reached or takes no writes right now; nothing was stored.", { details, cause: error });
  }
  return error;
}

/** Runs a database operation; a database that cannot be reached fails as a coded storage error (503/507). */
export async function pgStoring<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw pgStorageErrorOf(error);
  }
}
