import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../../src/errors.js';
import { storageErrorOf } from '../../../src/runs/storage-error.js';

const errno = (code: string) => Object.assign(new Error(`${code}: failed, open '/var/lib/x/runs/y'`), { code });

describe('storageErrorOf', () => {
  it('maps a real ENOSPC (a write to /dev/full) to 507 SERVICE_STORAGE_FULL with Retry-After and no server path', async () => {
    const enospc = await writeFile('/dev/full', 'x').then(() => null, (error: unknown) => error);
    const mapped = storageErrorOf(enospc);
    expect(mapped).toMatchObject({ code: 'SERVICE_STORAGE_FULL', details: { retryAfterSeconds: 30, errno: 'ENOSPC' } });
    expect(ERRORS.SERVICE_STORAGE_FULL.status).toBe(507);
    expect((mapped as Error).message).not.toContain('/dev/full');
  });

  it('maps a full volume (EDQUOT, EFBIG) to 507 and a read-only one (EROFS, EACCES, EPERM) to 503', () => {
    for (const code of ['EDQUOT', 'EFBIG']) expect(storageErrorOf(errno(code))).toMatchObject({ code: 'SERVICE_STORAGE_FULL' });
    for (const code of ['EROFS', 'EACCES', 'EPERM']) {
      const mapped = storageErrorOf(errno(code));
      expect(mapped).toMatchObject({ code: 'SERVICE_STORAGE_UNAVAILABLE', details: { retryAfterSeconds: 30, errno: code } });
      expect((mapped as Error).message).not.toContain('/var/lib');
    }
    expect(ERRORS.SERVICE_STORAGE_UNAVAILABLE.status).toBe(503);
  });

  it('passes every other error through unchanged', () => {
    for (const error of [errno('ENOENT'), errno('EIO'), new Error('plain'), 'text', null]) expect(storageErrorOf(error)).toBe(error);
  });
});
