/**
 * Starts the real server (`node dist/cli/main.js serve`, built by `npm test` before vitest runs)
 * as a child process on port 0 and waits for its "server listening" log line. Later suites reuse
 * it for end-to-end tests over loopback.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SCRATCH_DATA_DIR } from './app.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface ServerProcess {
  readonly baseUrl: string;
  readonly port: number;
  readonly child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far, parsed where it is JSON (pino lines). */
  readonly logLines: () => readonly Record<string, unknown>[];
  /** Resolves with the first log line (past or future) the predicate accepts. */
  readonly waitForLog: (predicate: (line: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
  readonly stderr: () => string;
  /** Resolves with the exit code once the process has exited (after SIGTERM unless it already had). */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** Resolves with the exit code when the process exits on its own. */
  readonly exited: Promise<number | null>;
}

/**
 * The DATA_DIR of a server that is given none: one per test process, since `serve` locks its
 * DATA_DIR and test files run in parallel (the servers of one file run one after another).
 */
const SERVE_DATA_DIR = `${SCRATCH_DATA_DIR}-serve-${process.pid}`;

/** The child's environment: only what we pass (plus PATH), so the developer's shell does not leak in. */
export function serverEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: SERVE_DATA_DIR, LOG_LEVEL: 'info', ...env };
}

/** How the child is started, beyond its environment. */
export interface SpawnOptions {
  /** Run as this user and group (only root may; an unprivileged user is what makes a chmod bind). */
  readonly uid?: number;
  readonly gid?: number;
  /**
   * RLIMIT_FSIZE in 512-byte blocks (`ulimit -f`, through /bin/sh): a write past it fails with
   * EFBIG after the file was created, as a full disk fails with ENOSPC (node ignores SIGXFSZ).
   */
  readonly fileSizeLimitBlocks?: number;
}

export function spawnCli(args: readonly string[], env: Readonly<Record<string, string>>, options: SpawnOptions = {}): ChildProcessWithoutNullStreams {
  const user = options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid };
  const how = { env: serverEnv(env), cwd: REPO_ROOT, ...user };
  if (options.fileSizeLimitBlocks === undefined) return spawn(process.execPath, [CLI_ENTRY, ...args], how);
  const script = `ulimit -f ${options.fileSizeLimitBlocks} && exec "$0" "$@"`;
  return spawn('/bin/sh', ['-c', script, process.execPath, CLI_ENTRY, ...args], how);
}

/** How long a server may take to listen (it calibrates nothing before that; 60 s is a hang). */
const START_TIMEOUT_MS = 60_000;

export async function startServerProcess(env: Readonly<Record<string, string>> = {}, options: SpawnOptions = {}): Promise<ServerProcess> {
  const child = spawnCli(['serve'], env, options);
  const lines: Record<string, unknown>[] = [];
  const waiters: { predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  let pending = '';
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        if (line.trim() === '') continue;
        // A line that is not JSON (something printed past the logger) is kept, not thrown on:
        // a throw here would drop the rest of the chunk, "server listening" with it.
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          parsed = { raw: line };
        }
        lines.push(parsed);
        for (const waiter of waiters.splice(0)) {
          if (waiter.predicate(parsed)) waiter.resolve(parsed);
          else waiters.push(waiter);
        }
        if (parsed['msg'] === 'server listening' && typeof parsed['port'] === 'number') resolve(parsed['port']);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${stderr}`)));
  });
  // A server that never listens fails its suite with what it said, instead of a bare hook timeout.
  let timer: NodeJS.Timeout | undefined;
  const tooLong = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      const last = lines.slice(-10).map((line) => JSON.stringify(line)).join('\n');
      reject(new Error(`server did not listen within ${START_TIMEOUT_MS} ms; last log lines:\n${last}\nstderr:\n${stderr}`));
    }, START_TIMEOUT_MS);
  });
  const port = await Promise.race([listening, tooLong]).finally(() => clearTimeout(timer));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean) => {
    const seen = lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve) => waiters.push({ predicate, resolve }));
  };
  return { baseUrl: `http://127.0.0.1:${port}`, port, child, logLines: () => lines, waitForLog, stderr: () => stderr, stop, exited };
}
