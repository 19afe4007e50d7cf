/**
 * The census service the rest of the application uses: resolve a run's input snapshot, show the
 * catalogue, refresh PxWeb tables on demand. HTTP routes and CLI commands call these and nothing
 * else. `createCensusServiceFromConfig` wires the PxWeb dispatcher, client and cache from Config.
 */
import type { Dispatcher } from 'undici';
import type { Config } from '../config/env.js';
import type { InputSnapshot } from './census-table.js';
import { censusCatalogue, type CensusCatalogue, type CensusRefreshResult, type RefreshOutcome } from './catalogue.js';
import { PxwebCache } from './pxweb/cache.js';
import type { CircuitState } from '../circuit-breaker.js';
import { PxwebClient } from './pxweb/client.js';
import { createPxwebDispatcher, type PxwebRetryOptions } from './pxweb/dispatcher.js';
import { PxwebSource } from './pxweb/pxweb-source.js';
import { PXWEB_TABLES } from './pxweb/pxweb-tables.js';
import type { PxwebMode } from '../domain/request.js';
import { resolveInputSnapshot } from './resolve-snapshot.js';
import type { EmbeddedSnapshot } from './snapshot-loader.js';

export interface CensusService {
  readonly mode: PxwebMode;
  readonly embedded: EmbeddedSnapshot;
  /** Once per run, before sampling; the run's signal stops it (a cancelled run, a shutdown). */
  resolveForRun(now: Date, signal?: AbortSignal): Promise<InputSnapshot>;
  /** What a run would use now, without fetching. */
  catalogue(now: Date): Promise<CensusCatalogue>;
  /** Fetch every PxWeb table now (not in `off` mode); reports per-table outcomes, never throws for upstream failures. */
  refresh(now: Date): Promise<CensusRefreshResult>;
  /** PxWeb as runs meet it now: the breaker, and how long the oldest fetch in flight has run (null: none, or `off`). */
  upstream(now: Date): PxwebUpstreamState;
  /** Aborts PxWeb fetches in flight and closes the dispatcher it owns, if any. */
  close(): Promise<void>;
}

export interface PxwebUpstreamState {
  readonly mode: PxwebMode;
  readonly circuit: CircuitState | null;
  readonly oldestFetchMs: number | null;
}

export interface CensusServiceOptions {
  readonly embedded: EmbeddedSnapshot;
  readonly mode: PxwebMode;
  readonly maxAgeDays: number;
  readonly pxweb?: PxwebSource | undefined;
  /** Called by close(): e.g. the dispatcher's close. */
  readonly onClose?: () => Promise<void>;
}

/**
 * Refreshes every PxWeb table now. In `off` mode nothing is fetched and each table is reported as
 * `skipped`. A refresh shares a fetch already in flight for a table, and goes through the circuit
 * breaker like a run: while it is open the table is reported `circuit_open`, not called (a flood
 * of manual refreshes must not hammer an upstream that is down).
 */
export async function refreshCensus(options: {
  readonly mode: PxwebMode;
  readonly pxweb: PxwebSource | undefined;
  readonly now: Date;
}): Promise<CensusRefreshResult> {
  const { mode, pxweb, now } = options;
  const results: RefreshOutcome[] = [];
  for (const definition of pxweb?.definitions ?? PXWEB_TABLES) {
    const tableIds = [...definition.table_ids];
    if (mode === 'off' || pxweb === undefined) {
      results.push({
        pxweb_table: definition.pxweb_table,
        table_ids: tableIds,
        outcome: 'skipped',
        status: null,
        attempts: 0,
        duration_ms: 0,
        message: 'PXWEB_MODE=off: the service does not use the network',
        fetched_at: null,
      });
      continue;
    }
    const { attempt, entry } = await pxweb.refreshTable(definition, now);
    results.push({
      pxweb_table: definition.pxweb_table,
      table_ids: tableIds,
      outcome: attempt.outcome,
      status: attempt.status,
      attempts: attempt.attempts,
      duration_ms: attempt.duration_ms,
      message: attempt.message,
      fetched_at: entry?.fetched_at ?? null,
    });
  }
  return { refreshed_at: now.toISOString(), pxweb_mode: mode, results };
}

export function createCensusService(options: CensusServiceOptions): CensusService {
  const { embedded, mode, maxAgeDays, pxweb } = options;
  return {
    mode,
    embedded,
    resolveForRun: (now, signal) => resolveInputSnapshot({ embedded, mode, now, maxAgeDays, pxweb, signal }),
    async catalogue(now) {
      const snapshot = await resolveInputSnapshot({ embedded, mode, now, maxAgeDays, pxweb, fetchPolicy: 'never' });
      const cacheState = pxweb === undefined ? [] : await pxweb.cache.list();
      return censusCatalogue(snapshot, cacheState, pxweb?.lastOutcomes() ?? new Map(), now);
    },
    refresh: (now) => refreshCensus({ mode, pxweb, now }),
    upstream: (now) => ({
      mode,
      circuit: mode === 'off' || pxweb === undefined ? null : pxweb.breaker.state(now.getTime()),
      oldestFetchMs: pxweb?.oldestInFlightMs() ?? null,
    }),
    close: async () => {
      pxweb?.close();
      await options.onClose?.();
    },
  };
}

export interface CensusServiceFromConfigOptions {
  readonly embedded: EmbeddedSnapshot;
  /** Base agent for the PxWeb dispatcher (tests: short keep-alive). Default: a new Agent. */
  readonly agent?: Dispatcher;
  readonly retry?: Partial<PxwebRetryOptions>;
}

/** Wires PxWeb from Config: one dispatcher for the upstream, a client, the cache under DATA_DIR. */
export function createCensusServiceFromConfig(
  config: Pick<Config, 'PXWEB_MODE' | 'PXWEB_BASE_URL' | 'PXWEB_TIMEOUT_MS' | 'PXWEB_DEADLINE_MS' | 'PXWEB_MAX_BYTES' | 'PXWEB_MAX_AGE_DAYS' | 'DATA_DIR'>,
  options: CensusServiceFromConfigOptions,
): CensusService {
  const dispatcher = createPxwebDispatcher({
    timeoutMs: config.PXWEB_TIMEOUT_MS,
    ...(options.agent === undefined ? {} : { agent: options.agent }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  const pxweb = new PxwebSource({
    client: new PxwebClient({
      baseUrl: config.PXWEB_BASE_URL,
      dispatcher,
      timeoutMs: config.PXWEB_TIMEOUT_MS,
      deadlineMs: config.PXWEB_DEADLINE_MS,
      maxBytes: config.PXWEB_MAX_BYTES,
    }),
    cache: PxwebCache.forDataDir(config.DATA_DIR),
  });
  return createCensusService({
    embedded: options.embedded,
    mode: config.PXWEB_MODE,
    maxAgeDays: config.PXWEB_MAX_AGE_DAYS,
    pxweb,
    onClose: () => dispatcher.close(),
  });
}
