import { spawnSync } from 'node:child_process';
import { lutimes, mkdtemp, readlink, rm, symlink } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_NAME, lockDataDir, STALE_AFTER_MS } from '../../../src/config/data-dir-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lockPath = () => join(dir, LOCK_NAME);
/** The pid of a process that has exited (a real one, so no other process can hold it right now). */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.pid']).pid!;

describe('lockDataDir', () => {
  it('takes a free DATA_DIR, refuses it to a second taker naming the holder, and frees it on release', async () => {
    const lock = await lockDataDir(dir);
    expect(await readlink(lockPath())).toBe(`${process.pid}@${hostname()}`);
    await lock.release();
    await expect(readlink(lockPath())).rejects.toMatchObject({ code: 'ENOENT' });
    await (await lockDataDir(dir)).release();
  });

  it('refuses a DATA_DIR locked by a live process of this host with CONFIG_INVALID naming it', async () => {
    await symlink(`${process.ppid}@${hostname()}`, lockPath());
    await expect(lockDataDir(dir)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`in use by another moldova-personas process (pid ${process.ppid} on host ${hostname()})`),
    });
    expect(await readlink(lockPath())).toBe(`${process.ppid}@${hostname()}`);
  });

  it.each([
    ['its pid is dead (kill -9, a crash)', () => `${deadPid()}@${hostname()}`],
    ['its pid is our own (a restarted container whose PID 1 left it)', () => `${process.pid}@${hostname()}`],
  ])('takes over a stale lock of this host: %s', async (_case, holder) => {
    await symlink(holder(), lockPath());
    const lock = await lockDataDir(dir);
    expect(await readlink(lockPath())).toBe(`${process.pid}@${hostname()}`);
    await lock.release();
  });

  it('honours a lock of another host while it is touched, and takes it once it is not', async () => {
    await symlink('1@another-host', lockPath());
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const then = new Date(Date.now() - STALE_AFTER_MS - 1_000);
    await lutimes(lockPath(), then, then);
    const lock = await lockDataDir(dir);
    expect(await readlink(lockPath())).toBe(`${process.pid}@${hostname()}`);
    await lock.release();
  });
});
