/**
 * Resolves the input snapshot of one run, once, before any sampling (SPEC §2, §3.3):
 *
 *   off    embedded tables only; no cache read, no network, ever
 *   cache  a cached PxWeb table replaces the embedded one (pxweb_cache, with its age); no fetch
 *   live   a table this process fetched within PXWEB_MAX_AGE_DAYS is used as pxweb_live, a fresh
 *          disk entry as pxweb_cache; anything older is refreshed (one attempt-sequence per PxWeb
 *          table per run, behind the circuit breaker). On failure the stale cache is used if there
 *          is one (stale-while-error), else the embedded table; the fetch log says which.
 *
 * Nothing here throws because PxWeb failed: failures are entries of `fetch_log`. It rejects only
 * when the run's signal aborts (the run was cancelled or the service is closing).
 */
import type { PxwebMode } from '../domain/request.js';
import { ServiceError } from '../errors.js';
import type { InputSnapshot, PxwebFetchAttempt, ResolvedTable } from './census-table.js';
import { assembleInputSnapshot, isFresh, resolveEmbeddedTable, resolvePxwebTable } from './input-snapshot.js';
import type { PxwebCacheEntry } from './pxweb/cache.js';
import type { PxwebSource } from './pxweb/pxweb-source.js';
import type { PxwebTableDefinition } from './pxweb/table-definition.js';
import type { EmbeddedSnapshot } from './snapshot-loader.js';

export interface ResolveSnapshotOptions {
  readonly embedded: EmbeddedSnapshot;
  readonly mode: PxwebMode;
  /** The run's start time; ages and `fetched_at` of new fetches are measured from it. */
  readonly now: Date;
  /** PXWEB_MAX_AGE_DAYS. */
  readonly maxAgeDays: number;
  /** Required for `cache` and `live`. */
  readonly pxweb?: PxwebSource | undefined;
  /** `never` previews what a run would use without fetching (the catalogue). Default `refresh_stale`. */
  readonly fetchPolicy?: 'refresh_stale' | 'never';
  /** The run's: aborting it stops the resolution at once (rejects with its reason). */
  readonly signal?: AbortSignal | undefined;
}

interface Replacement {
  readonly entry: PxwebCacheEntry;
  readonly provenance: 'pxweb_live' | 'pxweb_cache';
}

export async function resolveInputSnapshot(options: ResolveSnapshotOptions): Promise<InputSnapshot> {
  const { embedded, mode, now } = options;
  const tables = new Map<string, ResolvedTable>();
  for (const loaded of embedded.tables.values()) {
    tables.set(loaded.table.id, resolveEmbeddedTable(loaded.table, loaded.content_hash, now));
  }
  const fetchLog: PxwebFetchAttempt[] = [];

  if (mode !== 'off') {
    const pxweb = options.pxweb;
    if (pxweb === undefined) {
      throw new ServiceError('CONFIG_INVALID', `PXWEB_MODE=${mode} needs a PxWeb source, none was given`);
    }
    for (const definition of pxweb.definitions) {
      options.signal?.throwIfAborted();
      const replacement = await replacementFor(definition, pxweb, options, fetchLog);
      if (replacement === null) continue;
      for (const table of replacement.entry.tables) {
        tables.set(table.id, resolvePxwebTable(table, replacement.provenance, replacement.entry.fetched_at, now));
      }
    }
  }
  return assembleInputSnapshot({ tables: tables.values(), pxweb_mode: mode, fetch_log: fetchLog, now });
}

async function replacementFor(
  definition: PxwebTableDefinition,
  pxweb: PxwebSource,
  options: ResolveSnapshotOptions,
  fetchLog: PxwebFetchAttempt[],
): Promise<Replacement | null> {
  const { mode, now, maxAgeDays } = options;
  const live = mode === 'live' ? pxweb.liveEntry(definition.pxweb_table) : null;
  if (live !== null && isFresh(live.fetched_at, now, maxAgeDays)) return { entry: live, provenance: 'pxweb_live' };
  const read = await pxweb.readCache(definition.pxweb_table);
  const onDisk = read.status === 'ok' ? read.entry : null;
  if (mode === 'cache' || options.fetchPolicy === 'never') {
    return onDisk === null ? null : { entry: onDisk, provenance: 'pxweb_cache' };
  }
  if (onDisk !== null && isFresh(onDisk.fetched_at, now, maxAgeDays)) return { entry: onDisk, provenance: 'pxweb_cache' };
  // The newest earlier fetch, for stale-while-error (the in-memory one covers a failed cache write).
  const cached = [onDisk, live]
    .filter((entry): entry is PxwebCacheEntry => entry !== null)
    .sort((a, b) => Date.parse(b.fetched_at) - Date.parse(a.fetched_at))[0] ?? null;

  const result = await pxweb.refreshTable(definition, now, { signal: options.signal });
  if (result.entry !== null) {
    fetchLog.push(result.attempt);
    return { entry: result.entry, provenance: 'pxweb_live' };
  }
  const fallback =
    cached === null
      ? 'the embedded snapshot table is used'
      : `the cached table fetched at ${cached.fetched_at} is used (stale-while-error)`;
  fetchLog.push({ ...result.attempt, message: `${result.attempt.message ?? result.attempt.outcome}; ${fallback}` });
  return cached === null ? null : { entry: cached, provenance: 'pxweb_cache' };
}
