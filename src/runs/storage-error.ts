/**
 * What a file-system failure of the run store means to a caller (decision 0005): the volume is
 * full (ENOSPC, EDQUOT; EFBIG, a file larger than the volume or the process may write), or it
 * takes no writes (EROFS, EACCES, EPERM). Both are the instance's state, not the request's fault
 * and not a bug, so they leave as 507 and 503 with `Retry-After` instead of 500. Any other error
 * passes unchanged. The message is ours: node's names the server's paths.
 */
import { ServiceError } from '../errors.js';

/** Seconds a caller is told to wait: long enough for on-call to free space or remount. */
export const STORAGE_RETRY_AFTER_SECONDS = 30;

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

/** The coded form of a store write's errno failure, or `error` itself. */
export function storageErrorOf(error: unknown): unknown {
  const errno = (error as { code?: unknown } | null)?.code;
  if (typeof errno !== 'string') return error;
  const details = { retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS, errno };
  if (FULL.has(errno)) {
    return new ServiceError('SERVICE_STORAGE_FULL', `The run store's volume has no space left (${errno}); nothing was stored.`, { details, cause: error });
  }
  if (READ_ONLY.has(errno)) {
    return new ServiceError('SERVICE_STORAGE_UNAVAILABLE', `The run store's volume takes no writes (${errno}: read-only or not permitted); nothing was stored.`, {
      details,
      cause: error,
    });
  }
  return error;
}

/** Whether a run failed because the store could not write (its caller gets 507/503, not 500). */
export function isStorageErrorCode(code: string | undefined): code is 'SERVICE_STORAGE_FULL' | 'SERVICE_STORAGE_UNAVAILABLE' {
  return code === 'SERVICE_STORAGE_FULL' || code === 'SERVICE_STORAGE_UNAVAILABLE';
}
