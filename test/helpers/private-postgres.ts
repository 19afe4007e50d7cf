/**
 * A PostgreSQL server of the test's own (initdb in a temp folder, its own port), for the suites
 * that stop and start the database mid-test without touching the machine's shared server. Run as
 * the `postgres` user when the tests run as root (initdb refuses root), as the current user
 * otherwise. fsync is off (the data survive a crash of the server process, not of the machine,
 * which is all these tests do); commits stay synchronous, so a committed run survives the stop.
 * The binaries are Debian's (/usr/lib/postgresql/<version>/bin) or PG_BIN.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function binDir(): string | null {
  if (process.env['PG_BIN']) return process.env['PG_BIN'];
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((x, y) => Number(y) - Number(x));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

/** Null when a private server can be made here; otherwise why not. Throws under CI=true. */
export function privatePostgresSkipReason(): string | null {
  const bin = binDir();
  const reason = bin === null ? 'no PostgreSQL server binaries (initdb) under /usr/lib/postgresql; set PG_BIN' : null;
  if (reason !== null && process.env['CI'] === 'true') throw new Error(`CI=true and ${reason}`);
  return reason;
}

function owner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function run(command: string, args: readonly string[], as: { uid: number; gid: number } | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(as ?? {}) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** `immediate` is a crash as far as clients can tell; `fast` a clean shutdown. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  destroy(): Promise<void>;
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  if (bin === null) throw new Error('no initdb');
  const as = owner();
  const dir = await mkdtemp(join(tmpdir(), 'mp-pg-'));
  if (as) await chown(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], as);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const pgCtl = (args: string[]) => run(join(bin, 'pg_ctl'), ['-D', data, ...args], as);
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => pgCtl(['-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start']),
    stop: (mode = 'immediate') => pgCtl(['-m', mode, '-w', '-t', '60', 'stop']),
    destroy: async () => {
      await server.stop('immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
