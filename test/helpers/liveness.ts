/**
 * Is a server process responsive while something hostile happens? `probeLiveness` asks
 * `/health/live` one request after another until stopped and keeps each latency; a request that
 * gets no answer within `timeoutMs` counts as `timeoutMs` (a frozen process shows as huge
 * latencies, not as a hung test). `rssBytes` reads a process's resident memory from /proc.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

export interface LivenessProbe {
  /** Stops probing; resolves with every latency measured (ms). */
  stop(): Promise<number[]>;
}

export function probeLiveness(baseUrl: string, { gapMs = 10, timeoutMs = 20_000 } = {}): LivenessProbe {
  const latencies: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        const response = await request(`${baseUrl}/health/live`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
        await response.body.dump();
        latencies.push(performance.now() - started);
      } catch {
        latencies.push(Math.max(timeoutMs, performance.now() - started));
      }
      await sleep(gapMs);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return latencies;
    },
  };
}

/** Nearest-rank percentile (p in 0..100) of latencies; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Resident set size of a process (Linux `/proc/<pid>/status`, VmRSS), bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/mu.exec(status);
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Polls until `read()` is at most `limit` or `withinMs` passed; resolves with the last value read. */
export async function settlesBelow(read: () => Promise<number>, limit: number, withinMs: number): Promise<number> {
  const deadline = performance.now() + withinMs;
  let value = await read();
  while (value > limit && performance.now() < deadline) {
    await sleep(250);
    value = await read();
  }
  return value;
}
