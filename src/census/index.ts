/**
 * What other folders may use from the census layer. Worker-side (pure) code should import the
 * pure modules directly (`census-table.js`, `domains.js`, `table-specs.js`, `hashing.js`,
 * `input-snapshot.js`) or use type-only imports from here, so undici never loads in a worker.
 */
export {
  CensusTableSchema,
  PROVENANCE_CLASSES,
  PXWEB_FETCH_OUTCOMES,
  TABLE_MEASURES,
  TRUST_LEVELS,
  type CensusTable,
  type InputSnapshot,
  type ProvenanceClass,
  type PxwebFetchAttempt,
  type PxwebFetchOutcome,
  type ResolvedTable,
  type TableMeasure,
  type TrustLevel,
} from './census-table.js';
export { AGE_SINGLE_CODES, VARIABLE_DOMAINS, VARIABLE_NAMES, type VariableName } from './domains.js';
export { TABLE_IDS, TABLE_SPECS, type TableId, type TableSpec } from './table-specs.js';
export { jcsSha256, snapshotHash, tableContentHash } from './hashing.js';
export { PERCENT_SUM_TOLERANCE, SHARE_SUM_TOLERANCE, checkTablesAgainstSpecs, validateCensusTable } from './validate-table.js';
export { DEFAULT_CENSUS_DATA_DIR, loadEmbeddedSnapshot, type EmbeddedSnapshot, type LoadedTable } from './snapshot-loader.js';
export { resolveInputSnapshot, type PxwebMode, type ResolveSnapshotOptions } from './resolve-snapshot.js';
export {
  CensusCatalogueSchema,
  CensusRefreshResultSchema,
  censusCatalogue,
  type CensusCatalogue,
  type CensusRefreshResult,
} from './catalogue.js';
export {
  createCensusService,
  createCensusServiceFromConfig,
  refreshCensus,
  type CensusService,
  type CensusServiceOptions,
} from './census-service.js';
export { PxwebSource } from './pxweb/pxweb-source.js';
export { PxwebCache } from './pxweb/cache.js';
export { PxwebClient } from './pxweb/client.js';
export { createPxwebDispatcher, DEFAULT_PXWEB_RETRY, type PxwebRetryOptions } from './pxweb/dispatcher.js';
export { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER_OPTIONS } from './pxweb/circuit-breaker.js';
export { PXWEB_TABLES } from './pxweb/pxweb-tables.js';
