/**
 * Gates that need nothing but what is known before sampling (SPEC §8.2): target provenance,
 * staleness of the sources, PxWeb fetches and configuration. A strict run stops on them.
 */
import { MAX_SEED, type Profile } from '../../domain/request.js';
import { PROFILE_DETAILS } from '../../domain/profiles.js';
import type { PreflightInput, TableProvenance } from '../evaluation-input.js';
import { thresholdOf } from '../gate-table.js';
import type { ProvenanceSummary } from '../provenance-summary.js';
import { check, type GateDetail } from './gate-detail.js';
import { isSupersededVintage } from '../../census/vintage.js';

const FAILED_OUTCOMES = new Set(['http_error', 'timeout', 'network_error', 'schema_drift', 'circuit_open']);

function provenanceGates(profile: Profile, summary: ProvenanceSummary): GateDetail[] {
  const superCriticalFields = summary.super_critical_fallback_fields.flatMap((field) =>
    check(profile, 'FALLBACK_SUPERCRITICAL_FIELD', 'fallback_ratio_super_critical', summary.fallback_ratio_super_critical, { field }),
  );
  const criticalFields = summary.critical_fallback_fields.flatMap((field) =>
    check(profile, 'FALLBACK_CRITICAL_FIELD', 'fallback_ratio_critical', summary.fallback_ratio_critical, { field }),
  );
  return [
    ...check(profile, 'TARGET_FALLBACK_SUPERCRITICAL', 'fallback_ratio_super_critical', summary.fallback_ratio_super_critical),
    ...superCriticalFields,
    ...criticalFields,
    ...summary.modelled_fields.flatMap((field) => check(profile, 'ESTIMATED_FIELD_USED', 'modelled_target', 1, { field })),
  ];
}

/** PxWeb-sourced tables age from their fetch; periodic snapshot series are judged by their vintage. */
export function isPxwebTable(table: TableProvenance): boolean {
  return table.provenance_class === 'pxweb_live' || table.provenance_class === 'pxweb_cache';
}

export function isPeriodicSnapshotTable(table: TableProvenance): boolean {
  return table.periodic && (table.provenance_class === 'official_snapshot' || table.provenance_class === 'secondary');
}

/** A periodic snapshot series whose next vintage is published or overdue (never by its copy date). */
function isSupersededSeries(table: TableProvenance): boolean {
  return isPeriodicSnapshotTable(table) && isSupersededVintage(table.vintage);
}

/** Tables beyond the profile's staleness limits (whatever the gates' severities). */
export function staleTables(profile: Profile, tables: readonly TableProvenance[]): TableProvenance[] {
  const cacheLimit = thresholdOf('PXWEB_CACHE_STALE', 'cache_age_days', profile) ?? Infinity;
  return tables.filter(
    (table) => (isPxwebTable(table) && table.age_days !== null && table.age_days > cacheLimit) || isSupersededSeries(table),
  );
}

function stalenessGates(profile: Profile, tables: readonly TableProvenance[]): GateDetail[] {
  const ordered = [...tables].sort((a, b) => (a.table_id < b.table_id ? -1 : a.table_id > b.table_id ? 1 : 0));
  return ordered.flatMap((table) => {
    const where = { subject: table.table_id };
    if (isPxwebTable(table)) return check(profile, 'PXWEB_CACHE_STALE', 'cache_age_days', table.age_days, where);
    if (!isPeriodicSnapshotTable(table)) return [];
    const { status } = table.vintage;
    if (status === 'superseded') return check(profile, 'SNAPSHOT_SERIES_STALE', 'series_superseded', 1, where);
    if (status === 'expected_superseded') return check(profile, 'SNAPSHOT_SERIES_STALE', 'series_release_overdue', 1, where);
    return [];
  });
}

/** Tables whose PxWeb fetch failed in this run (one per table, however many attempts). */
export function failedFetchTables(input: PreflightInput): string[] {
  return [...new Set(input.fetch_log.filter((attempt) => FAILED_OUTCOMES.has(attempt.outcome)).map((attempt) => attempt.table_id))];
}

function missingConfigItems(input: PreflightInput): number {
  const provider = input.request.narratives.provider;
  const llmUnconfigured = provider === 'llm' && !input.llm_configured ? 1 : 0;
  const narrativesOff = provider === 'none' && PROFILE_DETAILS[input.request.profile].narratives_required ? 1 : 0;
  return llmUnconfigured + narrativesOff;
}

function configurationGates(profile: Profile, input: PreflightInput): GateDetail[] {
  const seed = input.request.seed;
  const invalidSeed = Number.isSafeInteger(seed) && seed >= 0 && seed <= MAX_SEED ? 0 : 1;
  const pinned = input.requested_generator_version;
  const mismatch = pinned !== null && pinned !== input.generator_version ? 1 : 0;
  return [
    ...check(profile, 'PXWEB_FETCH_FAILED', 'failed_fetches', failedFetchTables(input).length),
    ...check(profile, 'CONFIG_INVALID_SEED', 'invalid_seed', invalidSeed),
    ...check(profile, 'CONFIG_VERSION_MISMATCH', 'generator_version_mismatch', mismatch),
    ...check(profile, 'CONFIG_INCOMPLETE', 'missing_config_items', missingConfigItems(input)),
  ];
}

export function preflightGates(input: PreflightInput, summary: ProvenanceSummary): GateDetail[] {
  const profile = input.request.profile;
  return [...provenanceGates(profile, summary), ...stalenessGates(profile, input.tables), ...configurationGates(profile, input)];
}
