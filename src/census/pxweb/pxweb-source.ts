/**
 * The PxWeb side of the census layer for one process: client, disk cache, circuit breaker and the
 * table definitions, plus what this process has fetched itself and the last outcome per table.
 * `refreshTable` makes one attempt-sequence (metadata GET + query POST, retries inside the
 * dispatcher) and never throws because the upstream failed: it returns the outcome as a
 * `PxwebFetchAttempt`. Only validated tables reach the cache; drift is never cached.
 *
 * One fetch per table at a time (single-flight): callers that ask while one is in flight share
 * its outcome, so twenty parallel refreshes cost one attempt-sequence, and every caller (runs and
 * manual refreshes alike) goes through the circuit breaker. A caller's signal lets that caller
 * leave early (a cancelled run); the shared fetch goes on, bounded by PXWEB_DEADLINE_MS, until
 * `close()` aborts it.
 */
import { performance } from 'node:perf_hooks';
import { ServiceError, hasErrorCode } from '../../errors.js';
import type { CensusTable, PxwebFetchAttempt } from '../census-table.js';
import { validateCensusTable } from '../validate-table.js';
import { CircuitBreaker } from '../../circuit-breaker.js';
import { pxwebFailureKind, type PxwebClient } from './client.js';
import type { AttemptCounter } from './dispatcher.js';
import type { PxwebCache, PxwebCacheEntry, PxwebCacheRead } from './cache.js';
import { CACHE_FORMAT_VERSION } from './cache.js';
import { PXWEB_TABLES } from './pxweb-tables.js';
import { schemaDrift } from './schema-drift.js';
import type { PxwebTableDefinition } from './table-definition.js';
import { untilAborted } from '../../until-aborted.js';

export interface PxwebSourceOptions {
  readonly client: PxwebClient;
  readonly cache: PxwebCache;
  readonly breaker?: CircuitBreaker;
  readonly definitions?: readonly PxwebTableDefinition[];
  /** Monotonic clock for `duration_ms` (default `performance.now`). */
  readonly monotonicMs?: () => number;
}

export interface PxwebRefreshResult {
  readonly attempt: PxwebFetchAttempt;
  /** The new cache entry on success, else null. */
  readonly entry: PxwebCacheEntry | null;
}

export class PxwebSource {
  readonly client: PxwebClient;
  readonly cache: PxwebCache;
  readonly breaker: CircuitBreaker;
  readonly definitions: readonly PxwebTableDefinition[];
  readonly #monotonicMs: () => number;
  /** Entries fetched by this process (what `pxweb_live` means), by PxWeb table. */
  readonly #liveEntries = new Map<string, PxwebCacheEntry>();
  /** The last attempt per PxWeb table. */
  readonly #lastAttempts = new Map<string, PxwebFetchAttempt>();
  /** The fetch in flight per PxWeb table, with its monotonic start. */
  readonly #inFlight = new Map<string, { readonly result: Promise<PxwebRefreshResult>; readonly startedMs: number }>();
  /** Aborted by close(): what is in flight then is dropped. */
  readonly #closing = new AbortController();

  constructor(options: PxwebSourceOptions) {
    this.client = options.client;
    this.cache = options.cache;
    this.breaker = options.breaker ?? new CircuitBreaker();
    this.definitions = options.definitions ?? PXWEB_TABLES;
    this.#monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  /** The entry this process fetched for a table, if any. */
  liveEntry(pxwebTable: string): PxwebCacheEntry | null {
    return this.#liveEntries.get(pxwebTable) ?? null;
  }

  readCache(pxwebTable: string): Promise<PxwebCacheRead> {
    return this.cache.read(pxwebTable);
  }

  /** The last fetch attempt for each of our table ids. */
  lastOutcomes(): ReadonlyMap<string, PxwebFetchAttempt> {
    const byTable = new Map<string, PxwebFetchAttempt>();
    for (const definition of this.definitions) {
      const attempt = this.#lastAttempts.get(definition.pxweb_table);
      if (attempt !== undefined) for (const id of definition.table_ids) byTable.set(id, attempt);
    }
    return byTable;
  }

  /** How long the oldest fetch in flight has been running, ms (null: none). */
  oldestInFlightMs(): number | null {
    let oldest: number | null = null;
    for (const { startedMs } of this.#inFlight.values()) oldest = oldest === null ? startedMs : Math.min(oldest, startedMs);
    return oldest === null ? null : Math.max(0, this.#monotonicMs() - oldest);
  }

  /**
   * One attempt-sequence for one table, or a share of the one in flight. An open circuit skips
   * the call and records `circuit_open`. Rejects only with the caller's abort reason.
   */
  refreshTable(definition: PxwebTableDefinition, now: Date, options: { signal?: AbortSignal | undefined } = {}): Promise<PxwebRefreshResult> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    let flight = this.#inFlight.get(definition.pxweb_table);
    if (flight === undefined) {
      const result = this.#refreshOnce(definition, now).finally(() => this.#inFlight.delete(definition.pxweb_table));
      flight = { result, startedMs: this.#monotonicMs() };
      this.#inFlight.set(definition.pxweb_table, flight);
    }
    return signal === undefined ? flight.result : untilAborted(flight.result, signal);
  }

  /** Aborts every fetch in flight (recorded as `network_error`); for shutdown. */
  close(): void {
    this.#closing.abort(new Error('the PxWeb source is closing'));
  }

  async #refreshOnce(definition: PxwebTableDefinition, now: Date): Promise<PxwebRefreshResult> {
    const base = { table_id: definition.table_ids[0] ?? definition.pxweb_table, pxweb_table: definition.pxweb_table, started_at: now.toISOString() };
    if (!this.breaker.tryAcquire(now.getTime())) {
      return this.#remember(definition, {
        attempt: { ...base, outcome: 'circuit_open', status: null, attempts: 0, duration_ms: 0, message: 'PxWeb circuit breaker is open after a recent failure; not called' },
        entry: null,
      });
    }
    const counter: AttemptCounter = { attempts: 0 };
    const startedMs = this.#monotonicMs();
    const elapsed = (): number => Math.max(0, Math.round(this.#monotonicMs() - startedMs));
    try {
      const entry = await this.#fetch(definition, now, counter);
      this.breaker.recordSuccess();
      let message: string | null = null;
      try {
        await this.cache.write(entry);
      } catch (error) {
        message = `fetched, but the cache could not be written: ${(error as Error).message}`;
      }
      this.#liveEntries.set(definition.pxweb_table, entry);
      return this.#remember(definition, {
        attempt: { ...base, outcome: 'ok', status: 200, attempts: counter.attempts, duration_ms: elapsed(), message },
        entry,
      });
    } catch (error) {
      const kind = this.#closing.signal.aborted ? 'network_error' : pxwebFailureKind(error);
      if (kind === null) throw error;
      const reported = error instanceof ServiceError ? error.details?.['status'] : undefined;
      const status = typeof reported === 'number' ? reported : null;
      const unreachable = kind === 'timeout' || kind === 'network_error' || (status !== null && (status >= 500 || status === 429));
      if (unreachable) this.breaker.recordFailure(now.getTime());
      else this.breaker.recordSuccess();
      return this.#remember(definition, {
        attempt: { ...base, outcome: kind, status, attempts: counter.attempts, duration_ms: elapsed(), message: (error as Error).message },
        entry: null,
      });
    }
  }

  async #fetch(definition: PxwebTableDefinition, now: Date, counter: AttemptCounter): Promise<PxwebCacheEntry> {
    const signal = this.#closing.signal;
    const metadata = await this.client.getMetadata(definition.path, counter, signal);
    const plan = definition.planQuery(metadata);
    const response = await this.client.query(definition.path, plan.body, counter, signal);
    const url = this.client.tableUrl(definition.path).href;
    const tables = definition.toTables(response, plan, { fetchedAt: now, url }).map((table) => checkFetchedTable(table, definition));
    return { format: CACHE_FORMAT_VERSION, pxweb_table: definition.pxweb_table, url, fetched_at: now.toISOString(), tables };
  }

  #remember(definition: PxwebTableDefinition, result: PxwebRefreshResult): PxwebRefreshResult {
    this.#lastAttempts.set(definition.pxweb_table, result.attempt);
    return result;
  }
}

/** A fetched table must pass the same checks as a shipped one; if not, the answer drifted. */
function checkFetchedTable(table: CensusTable, definition: PxwebTableDefinition): CensusTable {
  try {
    return validateCensusTable(table, `pxweb:${definition.pxweb_table}`);
  } catch (error) {
    if (hasErrorCode(error)) throw schemaDrift(`PxWeb table ${definition.pxweb_table} gave an invalid table: ${error.message}`);
    throw error;
  }
}

