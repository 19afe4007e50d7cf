/**
 * Readiness in the draft-inadarei "Health Check Response Format for HTTP APIs"
 * (https://datatracker.ietf.org/doc/html/draft-inadarei-api-health-check-06): an overall
 * `status` of pass | warn | fail and, per check, a list of observations keyed
 * `component:measurement`. Checks are injected, so each capability brings its own (census
 * snapshot loaded, worker pool up, queue not full…) without touching the route.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { z } from 'zod';
import type { PxwebUpstreamState } from '../census/census-service.js';

export const HEALTH_MEDIA_TYPE = 'application/health+json';
export const HEALTH_STATUSES = ['pass', 'warn', 'fail'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** A check that has not answered within this time counts as failed. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

export interface CheckResult {
  readonly status: HealthStatus;
  readonly observedValue?: number | string | boolean;
  readonly observedUnit?: string;
  readonly output?: string;
}

export interface ReadinessCheck {
  /** `component:measurement`, e.g. `data-dir:writable`; the key in the report's `checks`. */
  readonly name: string;
  check(): Promise<CheckResult>;
  /** Releases what the check holds (timers, histograms); called when the app closes. */
  close?(): void;
}

export const CheckObservationSchema = z.strictObject({
  status: z.enum(HEALTH_STATUSES),
  observedValue: z.union([z.number(), z.string(), z.boolean()]).optional(),
  observedUnit: z.string().optional(),
  output: z.string().optional(),
  time: z.iso.datetime({ offset: true }),
});
export const HealthReportSchema = z
  .strictObject({
    status: z.enum(HEALTH_STATUSES),
    checks: z.record(z.string(), z.array(CheckObservationSchema)).optional(),
  })
  .meta({ id: 'Health', description: 'draft-inadarei health check response' });
export type HealthReport = z.infer<typeof HealthReportSchema>;

const SEVERITY: Readonly<Record<HealthStatus, number>> = { pass: 0, warn: 1, fail: 2 };

export function worstStatus(statuses: readonly HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((worst, s) => (SEVERITY[s] > SEVERITY[worst] ? s : worst), 'pass');
}

async function observe(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'fail', output: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check.check(), timeout]);
  } catch (error) {
    return { status: 'fail', output: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check concurrently; a check that throws or times out is a `fail`, never a 500. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  options: { readonly now: () => Date; readonly timeoutMs?: number },
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? READINESS_CHECK_TIMEOUT_MS;
  const results = await Promise.all(
    checks.map(async (check) => {
      const result = await observe(check, timeoutMs);
      const observation = { ...result, time: options.now().toISOString() };
      return { name: check.name, observation };
    }),
  );
  const checksByName: Record<string, z.infer<typeof CheckObservationSchema>[]> = {};
  for (const { name, observation } of results) checksByName[name] = [observation];
  return { status: worstStatus(results.map((r) => r.observation.status)), checks: checksByName };
}

/** Event-loop delay thresholds, ms (p99 over the time since the previous probe). */
export const EVENT_LOOP_DELAY_WARN_MS = 100;
export const EVENT_LOOP_DELAY_FAIL_MS = 1_000;

export function classifyEventLoopDelay(p99Ms: number): HealthStatus {
  if (p99Ms >= EVENT_LOOP_DELAY_FAIL_MS) return 'fail';
  if (p99Ms >= EVENT_LOOP_DELAY_WARN_MS) return 'warn';
  return 'pass';
}

/**
 * The main thread's responsiveness: generation runs in workers, so a slow event loop means
 * something is blocking request handling. The window is reset at every probe.
 */
export function eventLoopDelayCheck(): ReadinessCheck {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    name: 'event-loop:delay',
    async check() {
      const p99Ms = histogram.count === 0 ? 0 : histogram.percentile(99) / 1e6;
      histogram.reset();
      const rounded = Math.round(p99Ms * 100) / 100;
      return { status: classifyEventLoopDelay(rounded), observedValue: rounded, observedUnit: 'ms' };
    },
    close() {
      histogram.disable();
    },
  };
}

/** The run store and the PxWeb cache live under DATA_DIR: it must exist and take writes. */
export function dataDirWritableCheck(dataDir: string): ReadinessCheck {
  return {
    name: 'data-dir:writable',
    async check() {
      const probe = join(dataDir, `.ready-probe-${randomUUID()}`);
      try {
        await mkdir(dataDir, { recursive: true });
        await writeFile(probe, String(process.pid));
        return { status: 'pass', observedValue: true };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { status: 'fail', observedValue: false, output: `DATA_DIR is not writable: ${reason}` };
      } finally {
        // Also when the write failed (a full disk creates the file, then refuses its bytes).
        await rm(probe, { force: true }).catch(() => undefined);
      }
    },
  };
}

/**
 * PxWeb as runs meet it. Never `fail`: runs do not need PxWeb (they fall back to the cache or the
 * embedded tables), so an upstream outage must not take every replica out of the balancer. But
 * it is no `pass` either while the circuit is open or a fetch has been in flight longer than one
 * request's timeout (`stuckAfterMs`): runs that start now wait for it, up to PXWEB_DEADLINE_MS.
 */
export function pxwebUpstreamCheck(upstream: () => PxwebUpstreamState, stuckAfterMs: number): ReadinessCheck {
  return {
    name: 'pxweb:upstream',
    async check() {
      const state = upstream();
      if (state.mode === 'off') return { status: 'pass', observedValue: 'off' };
      if (state.oldestFetchMs !== null && state.oldestFetchMs > stuckAfterMs) {
        const seconds = Math.round(state.oldestFetchMs / 1000);
        return { status: 'warn', observedValue: state.oldestFetchMs, observedUnit: 'ms', output: `a PxWeb fetch has been in flight for ${seconds} s; runs starting now wait for it` };
      }
      if (state.circuit === 'open') return { status: 'warn', observedValue: 'open', output: 'PxWeb circuit breaker is open: runs use the cache or the embedded tables' };
      return { status: 'pass', observedValue: state.circuit ?? 'closed' };
    },
  };
}

/** Fails once the app has begun to close, so balancers stop sending traffic during the drain. */
export function shutdownCheck(state: { readonly closing: boolean }): ReadinessCheck {
  return {
    name: 'service:accepting-requests',
    async check() {
      return state.closing
        ? { status: 'fail', observedValue: false, output: 'shutting down' }
        : { status: 'pass', observedValue: true };
    },
  };
}
