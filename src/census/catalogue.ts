/**
 * The data catalogue (`GET /v1/census`, `census status`) and the refresh report
 * (`POST /v1/census/refresh`, `census refresh`): their zod schemas (which feed the HTTP contract)
 * and the pure function that builds the catalogue from a resolved snapshot, the cache state and
 * the last fetch outcomes.
 */
import { z } from 'zod';
import {
  CensusSourceSchema,
  PROVENANCE_CLASSES,
  PublicationSchema,
  TableVintageSchema,
  PXWEB_FETCH_OUTCOMES,
  TRUST_LEVELS,
  type InputSnapshot,
  type PxwebFetchAttempt,
} from './census-table.js';
import { PXWEB_MODES } from '../domain/request.js';
import { wholeDaysSince } from './input-snapshot.js';
import type { PxwebCacheState } from './pxweb/cache.js';

export const LastFetchSchema = z.object({
  outcome: z.enum(PXWEB_FETCH_OUTCOMES),
  started_at: z.string(),
  status: z.number().int().nullable(),
  attempts: z.number().int().nonnegative(),
  message: z.string().nullable(),
});

export const CatalogueTableSchema = z.object({
  id: z.string(),
  title: z.string(),
  variables: z.array(z.string()),
  provenance_class: z.enum(PROVENANCE_CLASSES),
  trust: z.enum(TRUST_LEVELS),
  source: CensusSourceSchema,
  retrieved: z.string(),
  reference_date: z.string(),
  periodic: z.boolean(),
  content_hash: z.string(),
  /** Days since the PxWeb fetch; null for embedded tables (their staleness is `vintage`). */
  age_days: z.number().int().nonnegative().nullable(),
  fetched_at: z.string().nullable(),
  /** Age of the disk-cache entry that covers this table, whether or not it is in use. */
  cache_age_days: z.number().int().nonnegative().nullable(),
  last_fetch: LastFetchSchema.nullable(),
  /** For modelled tables, the method in one sentence. */
  method: z.string().nullable(),
  /** When the publisher released the figures, at the precision the sources give; null for models and PxWeb tables. */
  published: PublicationSchema.nullable(),
  /** Where the table stands in its series (superseded or not) at the time of the catalogue. */
  vintage: TableVintageSchema,
});
export type CatalogueTable = z.infer<typeof CatalogueTableSchema>;

export const CacheStateSchema = z.object({
  pxweb_table: z.string(),
  status: z.enum(['ok', 'corrupt']),
  fetched_at: z.string().nullable(),
  age_days: z.number().int().nonnegative().nullable(),
  table_ids: z.array(z.string()),
  problem: z.string().nullable(),
});

export const CensusCatalogueSchema = z.object({
  generated_at: z.string(),
  pxweb_mode: z.enum(PXWEB_MODES),
  snapshot_hash: z.string(),
  tables: z.array(CatalogueTableSchema),
  pxweb_cache: z.array(CacheStateSchema),
});
export type CensusCatalogue = z.infer<typeof CensusCatalogueSchema>;

export const RefreshOutcomeSchema = z.object({
  pxweb_table: z.string(),
  table_ids: z.array(z.string()),
  outcome: z.enum(PXWEB_FETCH_OUTCOMES),
  status: z.number().int().nullable(),
  attempts: z.number().int().nonnegative(),
  duration_ms: z.number().nonnegative(),
  message: z.string().nullable(),
  fetched_at: z.string().nullable(),
});
export type RefreshOutcome = z.infer<typeof RefreshOutcomeSchema>;

export const CensusRefreshResultSchema = z.object({
  refreshed_at: z.string(),
  pxweb_mode: z.enum(PXWEB_MODES),
  results: z.array(RefreshOutcomeSchema),
});
export type CensusRefreshResult = z.infer<typeof CensusRefreshResultSchema>;

/**
 * Every table of the snapshot (id order) with its provenance, trust, citation, hash and ages,
 * plus the state of the PxWeb disk cache.
 */
export function censusCatalogue(
  snapshot: InputSnapshot,
  cacheState: readonly PxwebCacheState[],
  lastFetchOutcomes: ReadonlyMap<string, PxwebFetchAttempt>,
  now: Date,
): CensusCatalogue {
  const cacheAgeOf = new Map<string, number>();
  for (const state of cacheState) {
    if (state.fetched_at === null) continue;
    for (const id of state.table_ids) cacheAgeOf.set(id, wholeDaysSince(state.fetched_at, now));
  }
  const tables = Object.values(snapshot.tables).map((table): CatalogueTable => {
    const last = lastFetchOutcomes.get(table.id);
    return {
      id: table.id,
      title: table.title,
      variables: [...table.variables],
      provenance_class: table.provenance_class,
      trust: table.trust,
      source: { ...table.source },
      retrieved: table.retrieved,
      reference_date: table.source.reference_date,
      periodic: table.periodic,
      content_hash: table.content_hash,
      age_days: table.age_days,
      fetched_at: table.fetched_at,
      cache_age_days: cacheAgeOf.get(table.id) ?? null,
      last_fetch:
        last === undefined
          ? null
          : { outcome: last.outcome, started_at: last.started_at, status: last.status, attempts: last.attempts, message: last.message },
      method: table.method ?? null,
      published: table.published ?? null,
      vintage: { ...table.vintage },
    };
  });
  return {
    generated_at: now.toISOString(),
    pxweb_mode: snapshot.pxweb_mode,
    snapshot_hash: snapshot.snapshot_hash,
    tables,
    pxweb_cache: cacheState.map((state) => ({
      ...state,
      table_ids: [...state.table_ids],
      age_days: state.fetched_at === null ? null : wholeDaysSince(state.fetched_at, now),
    })),
  };
}
