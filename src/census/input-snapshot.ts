/**
 * Pure assembly of the per-run input snapshot: each table with its provenance class, content
 * hash, fetch time and age, frozen, with the snapshot hash over all of them (SPEC §3.1-3.2, §8.2).
 *
 * Age rules: a PxWeb table is as old as its fetch; an embedded table has no age (null): whether
 * a periodic series is superseded follows its reference period and release cycle (`vintage`),
 * never the date it was copied into the project.
 */
import type { CensusTable, InputSnapshot, ProvenanceClass, PxwebFetchAttempt, ResolvedTable } from './census-table.js';
import { snapshotHash, tableContentHash } from './hashing.js';
import { deepFreeze } from '../deep-freeze.js';
import { embeddedVintage, fetchedVintage } from './vintage.js';

const DAY_MS = 86_400_000;

/** Whole days from `since` (ISO time or YYYY-MM-DD, read as UTC midnight) to `now`; never negative. */
export function wholeDaysSince(since: string, now: Date): number {
  const sinceMs = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since);
  if (Number.isNaN(sinceMs)) throw new RangeError(`wholeDaysSince requires an ISO date, got '${since}'`);
  return Math.max(0, Math.floor((now.getTime() - sinceMs) / DAY_MS));
}

/** Is a fetch at `fetchedAt` within `maxAgeDays` of `now`? */
export function isFresh(fetchedAt: string, now: Date, maxAgeDays: number): boolean {
  return now.getTime() - Date.parse(fetchedAt) <= maxAgeDays * DAY_MS;
}

/** A table from the embedded snapshot, labelled with its own provenance. */
export function resolveEmbeddedTable(table: CensusTable, contentHash: string, now: Date): ResolvedTable {
  return {
    ...table,
    provenance_class: table.provenance,
    content_hash: contentHash,
    fetched_at: null,
    age_days: null,
    vintage: embeddedVintage(table, now),
  };
}

/** A table that came from PxWeb, now or from the disk cache. */
export function resolvePxwebTable(
  table: CensusTable,
  provenanceClass: Extract<ProvenanceClass, 'pxweb_live' | 'pxweb_cache'>,
  fetchedAt: string,
  now: Date,
): ResolvedTable {
  return {
    ...table,
    provenance_class: provenanceClass,
    content_hash: tableContentHash(table),
    fetched_at: fetchedAt,
    age_days: wholeDaysSince(fetchedAt, now),
    vintage: fetchedVintage(fetchedAt),
  };
}


export interface InputSnapshotParts {
  readonly tables: Iterable<ResolvedTable>;
  readonly pxweb_mode: InputSnapshot['pxweb_mode'];
  readonly fetch_log: readonly PxwebFetchAttempt[];
  readonly now: Date;
}

/** Tables in id order, the snapshot hash over them, everything frozen. */
export function assembleInputSnapshot(parts: InputSnapshotParts): InputSnapshot {
  const sorted = [...parts.tables].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return deepFreeze({
    snapshot_hash: snapshotHash(sorted),
    resolved_at: parts.now.toISOString(),
    pxweb_mode: parts.pxweb_mode,
    tables: Object.fromEntries(sorted.map((table) => [table.id, table])),
    fetch_log: [...parts.fetch_log],
  });
}
