/**
 * One `serve` process per DATA_DIR: the file store and its crash recovery assume no other process
 * writes the runs (a second process's recovery would mark the first one's live runs failed).
 *
 * The lock is a symlink, `DATA_DIR/serve.lock`, whose target names its holder (`<pid>@<host>`):
 * creating a symlink is atomic and fails if the name exists (the O_EXCL of links), and it stores
 * no file bytes, so a full disk does not keep a restart from taking it. The holder touches it every
 * HEARTBEAT_MS. A lock is stale, and taken over, when its holder is gone: on this host, its pid is
 * dead (or is our own pid: a restarted container's PID 1 inherited a lock it cannot already
 * hold); on another host (a shared volume), it has not been touched for STALE_AFTER_MS.
 */
import { randomUUID } from 'node:crypto';
import { readlinkSync, unlinkSync } from 'node:fs';
import { lstat, lutimes, readlink, rename, rm, symlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ServiceError } from '../errors.js';

export const LOCK_NAME = 'serve.lock';
export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 60_000;

export interface DataDirLock {
  /** Removes the lock if this process still holds it; idempotent. */
  release(): Promise<void>;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
}

function parseHolder(target: string): Holder | null {
  const match = /^(\d+)@(.*)$/.exec(target);
  return match ? { pid: Number(match[1]), host: match[2]! } : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why the lock at `path` still binds, or null when its holder is gone. */
async function liveHolder(path: string): Promise<Holder | null> {
  const [target, facts] = await Promise.all([readlink(path), lstat(path)]);
  const holder = parseHolder(target);
  if (holder === null) return null; // not ours to honour: a lock no version of this service wrote
  if (holder.host === hostname()) return holder.pid !== process.pid && isAlive(holder.pid) ? holder : null;
  return Date.now() - facts.mtimeMs < STALE_AFTER_MS ? holder : null;
}

function lockedError(dataDir: string, holder: Holder): ServiceError {
  const problem =
    `DATA_DIR=${JSON.stringify(dataDir)}: in use by another moldova-personas process (pid ${holder.pid} on host ${holder.host}); ` +
    `one process per DATA_DIR. If that process is gone for good, remove ${LOCK_NAME} in DATA_DIR.`;
  return new ServiceError('CONFIG_INVALID', `invalid configuration:\n  ${problem}`, { details: { problems: [problem] } });
}

/** Takes the lock of `dataDir` (an existing directory) or throws CONFIG_INVALID naming its holder. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_NAME);
  const mine = `${process.pid}@${hostname()}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await symlink(mine, path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
    }
    const holder = await liveHolder(path).catch(() => null);
    if (holder !== null) throw lockedError(dataDir, holder);
    // Stale: moved aside first (rename is atomic), so only one taker removes it.
    const aside = `${path}.stale-${randomUUID()}`;
    await rename(path, aside).then(() => rm(aside, { force: true }), () => undefined);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    void lutimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const ours = async () => (await readlink(path).catch(() => null)) === mine;
  // A forced exit (a second signal) skips the close hooks; the lock still goes.
  const onExit = () => {
    try {
      if (readlinkSync(path) === mine) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return {
    async release() {
      clearInterval(heartbeat);
      process.off('exit', onExit);
      if (await ours()) await rm(path, { force: true });
    },
  };
}
