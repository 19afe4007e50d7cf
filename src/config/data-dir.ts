/**
 * The start-up check of DATA_DIR, before anything else touches it: it must be (or become) a
 * writable directory on a real file system, found out within a bounded time and with operations
 * that cannot loop. (Node's recursive mkdir never returns under /proc: the kernel answers ENOENT
 * for the parent it keeps trying to create, and the start-up hung there.) Failures are
 * CONFIG_INVALID, worded like loadConfig's, so the CLI prints them as configuration errors.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, realpath, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { ServiceError } from '../errors.js';

/** Kernel pseudo-file systems: nothing written there is stored, and some calls there never end. */
const PSEUDO_FILE_SYSTEMS = ['/proc', '/sys'];

export const DATA_DIR_CHECK_TIMEOUT_MS = 5_000;

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}${sep}`);
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** The nearest existing ancestor of `path` (itself included) and the names missing below it. */
async function nearestExisting(path: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    try {
      await stat(at);
      return { existing: at, missing };
    } catch (error) {
      const parent = dirname(at);
      if (codeOf(error) !== 'ENOENT' || parent === at) throw error;
      missing.unshift(at.slice(parent.length).replace(/^[\\/]+/, ''));
      at = parent;
    }
  }
}

/** Resolves when `dir` is a writable directory (created one level at a time if missing); else throws why not. */
async function probe(dir: string): Promise<void> {
  const { existing, missing } = await nearestExisting(dir);
  const real = await realpath(existing);
  const pseudo = PSEUDO_FILE_SYSTEMS.find((root) => isUnder(real, root));
  if (pseudo !== undefined) throw new Error(`it is under ${pseudo}, a kernel pseudo-file system; point it at a real directory`);
  if (!(await stat(existing)).isDirectory()) throw new Error(`${existing === dir ? 'it' : `'${existing}'`} is not a directory`);
  let at = existing;
  for (const name of missing) {
    at = join(at, name);
    await mkdir(at).catch((error: unknown) => {
      if (codeOf(error) !== 'EEXIST') throw error;
    });
  }
  const file = join(dir, `.start-probe-${randomUUID()}`);
  const handle = await open(file, 'wx');
  await handle.close();
  await rm(file, { force: true });
}

/** Throws CONFIG_INVALID unless DATA_DIR is a usable directory, decided within `timeoutMs`. */
export async function checkDataDir(dir: string, timeoutMs: number = DATA_DIR_CHECK_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not answer within ${timeoutMs} ms (a hung mount?)`)), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([probe(resolve(dir)), timeout]);
  } catch (error) {
    const problem = `DATA_DIR=${JSON.stringify(dir)}: not a usable data directory: ${error instanceof Error ? error.message : String(error)}`;
    throw new ServiceError('CONFIG_INVALID', `invalid configuration:\n  ${problem}`, { details: { problems: [problem] } });
  } finally {
    clearTimeout(timer);
  }
}
