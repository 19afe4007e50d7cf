/**
 * The composition root of the HTTP service: which `/v1` route plugins, readiness checks,
 * metrics and services the product has. `cli serve`, the contract generator and the end-to-end
 * tests all build the app through here, so "the product's routes" are listed exactly once.
 *
 * A capability joins by adding its plugin to `V1_ROUTES` (or, when it needs services built from
 * the config, by constructing them in `assembleApp` and passing a closure over them).
 */
import { ipfSettingsOf, type Config } from '../config/env.js';
import { createCensusServiceFromConfig } from '../census/census-service.js';
import type { InputSnapshot } from '../census/census-table.js';
import { resolveInputSnapshot } from '../census/resolve-snapshot.js';
import { loadEmbeddedSnapshot } from '../census/snapshot-loader.js';
import { FileRunStore } from '../runs/file-run-store.js';
import { PostgresRunStore } from '../runs/postgres/postgres-run-store.js';
import { RunDistribution } from '../runs/postgres/run-distribution.js';
import { SharedShardPool } from '../runs/postgres/shared-shards.js';
import { SharedSnapshots } from '../runs/postgres/shared-snapshots.js';
import type { RunStore } from '../runs/run-store.js';
import { llmProviderFromConfig } from '../runs/llm-from-config.js';
import { registerRunGauges, registerRunMetrics } from '../runs/run-metrics.js';
import { RunsService } from '../runs/runs-service.js';
import { payloadSchemaOf } from '../runs/schema-hash.js';
import { schemaHashOf } from '../trust/hashes.js';
import { GENERATOR_VERSION } from '../version.js';
import { GenerationPool } from '../workers/generation-pool.js';
import { buildApp, type AppDeps } from './app.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { readPinnedContract } from './openapi.js';
import { pxwebUpstreamCheck, type CheckResult, type ReadinessCheck } from './readiness.js';
import type { ZodApp } from './route-schema.js';
import { catalogueRoutes } from './routes/catalogues.js';
import { censusRoutes } from './routes/census.js';
import { runsRoutes } from './routes/runs.js';
import { schemaLabelsRoutes } from './routes/schema-labels.js';
import type { V1RoutePlugin } from './v1.js';

/** The product's `/v1` routes that need nothing but themselves. */
export const V1_ROUTES: readonly V1RoutePlugin[] = [schemaLabelsRoutes, async (v1) => {
  await v1.register(catalogueRoutes);
}];

/**
 * `schema_hash` for payloads, from the contract this app serves. The contract generator serves a
 * placeholder without the payload schema; no run executes there, so a zero hash stands in.
 */
function schemaHashOfContract(contractText: string): string {
  try {
    return schemaHashOf(payloadSchemaOf(JSON.parse(contractText)));
  } catch {
    return `sha256:${'0'.repeat(64)}`;
  }
}

/** The run store the configuration names, ready (folders made, or migrations applied). */
async function openRunStore(config: Config, logger: Logger | undefined): Promise<RunStore> {
  if (config.RUN_STORE === 'file') {
    const store = new FileRunStore(config.DATA_DIR);
    await store.init();
    return store;
  }
  const store = new PostgresRunStore({
    connectionString: config.DATABASE_URL,
    // A restart of the database shows here; requests meanwhile get 503 and readiness fails.
    onPoolError: (error) => logger?.warn({ err: { message: error.message, code: (error as { code?: unknown }).code } }, 'run store: database connection lost'),
  });
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

/** What replicas on one PostgreSQL share besides the store: the run queue, the input snapshots, the shards of large runs. */
function sharedRunsOf(
  store: PostgresRunStore,
  deps: {
    readonly config: Config;
    readonly pool: GenerationPool;
    readonly census: { resolveForRun(now: Date, signal?: AbortSignal): Promise<InputSnapshot> };
    readonly logger?: Logger;
    readonly onTakeover: () => void;
    readonly onShardSampled: () => void;
  },
): { distribution: RunDistribution; snapshots: SharedSnapshots; shards: SharedShardPool } {
  const { config, pool } = deps;
  const distribution = new RunDistribution({
    connectionString: config.DATABASE_URL,
    concurrency: config.RUN_CONCURRENCY,
    ...(deps.logger ? { log: deps.logger } : {}),
    onTakeover: deps.onTakeover,
  });
  // Every replica plans a run on the snapshot it started on, and samples shards of large runs.
  const snapshots = new SharedSnapshots(store.pool, deps.census);
  const shards = new SharedShardPool({
    local: pool,
    queue: distribution,
    db: store.pool,
    snapshotByHash: (hash) => snapshots.byHash(hash),
    minShards: config.SPREAD_MIN_SHARDS,
    onShardSampled: deps.onShardSampled,
  });
  distribution.setShardWorker((job) => shards.work(job), pool.threads);
  return { distribution, snapshots, shards };
}

export interface AssembleOptions {
  readonly config: Config;
  readonly logger?: Logger;
  /** Overrides the pinned contract text (the contract generator runs before the file exists). */
  readonly contractJson?: string;
  /** Clock of the runs and census services (tests pin it). */
  readonly now?: () => Date;
  /**
   * Calibrate and warm the workers in the background once the app is built (`serve` does; the
   * contract generator does not). Readiness says `warn` until it is done.
   */
  readonly warmUp?: boolean;
}

export async function assembleApp(options: AssembleOptions): Promise<ZodApp> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const census = createCensusServiceFromConfig(config, { embedded: await loadEmbeddedSnapshot() });
  const pool = new GenerationPool({ threads: config.WORKERS, ipf: ipfSettingsOf(config) });
  let closing = false;
  let warmUp: CheckResult = options.warmUp
    ? { status: 'warn', output: 'warming up: calibrating the model and compiling the sampler in each worker' }
    : { status: 'pass', output: 'no warm-up requested' };
  const store = await openRunStore(config, options.logger);
  const llm = llmProviderFromConfig(config, {
    // On-call's signal that the LLM endpoint is down or stalled (narratives then fail at once).
    onCircuit: (event) =>
      event.state === 'open'
        ? options.logger?.warn({ llm_circuit: 'open' }, 'llm circuit opened: calls fail at once until a probe gets an answer')
        : options.logger?.info({ llm_circuit: 'closed' }, 'llm circuit closed'),
  });
  const metrics = createMetrics();
  const runMetrics = registerRunMetrics(metrics.registry);
  // Replicas share runs through PostgreSQL: the queue, leases and cancels, snapshots, shards.
  const shared =
    store instanceof PostgresRunStore
      ? sharedRunsOf(store, { config, pool, census, onTakeover: () => runMetrics.observeTakeover(), onShardSampled: () => runMetrics.observeShardSampled(), ...(options.logger ? { logger: options.logger } : {}) })
      : undefined;
  const service = new RunsService({
    store,
    census,
    pipeline: {
      pool: shared?.shards ?? pool,
      ...(llm ? { llm } : {}),
      generatorVersion: GENERATOR_VERSION,
      schemaHash: schemaHashOfContract(options.contractJson ?? readPinnedContract()),
      llmConfigured: llm !== undefined,
      nodeVersion: process.version,
      clock: now,
    },
    maxN: config.MAX_N,
    llmMaxN: config.LLM_MAX_N,
    syncMaxN: config.SYNC_MAX_N,
    maxQueue: config.MAX_QUEUE,
    concurrency: config.RUN_CONCURRENCY,
    runTtlHours: config.RUN_TTL_HOURS,
    ...(options.logger ? { log: options.logger } : {}),
    onFinished: (record, result) => runMetrics.observeFinished(record, result),
    ...(shared
      ? { distribution: shared.distribution, snapshotOfRun: (runId: string, at: Date, signal?: AbortSignal) => shared.snapshots.forRun(runId, at, signal) }
      : {}),
  });
  registerRunGauges(metrics.registry, {
    queueDepth: () => service.queueDepth,
    inFlight: () => service.inFlight,
    answersHeld: () => service.answersHeld,
    poolUtilization: () => pool.utilization,
    ...(shared ? { shared: { unfinished: () => shared.distribution.unfinishedSeen, leases: () => shared.distribution.leasesHeld } } : {}),
  });
  const readinessChecks: ReadinessCheck[] = [
    {
      name: 'census:snapshot',
      check: async () => ({ status: 'pass', observedValue: census.embedded.snapshot_hash }),
    },
    pxwebUpstreamCheck(() => census.upstream(now()), config.PXWEB_TIMEOUT_MS),
    {
      name: 'workers:threads',
      check: async () => {
        const live = pool.liveThreads;
        return { status: live === 0 ? 'fail' : live < pool.threads ? 'warn' : 'pass', observedValue: live };
      },
    },
    {
      name: 'workers:warm-up',
      check: async () => warmUp,
    },
    {
      name: 'runs:store-writable',
      check: async () => ((await store.checkWritable()) ? { status: 'pass', observedValue: true } : { status: 'fail', observedValue: false }),
    },
    {
      name: 'runs:queue',
      check: async () => {
        // What admission counts: runs queued or running and sync answers not yet read.
        const used = service.slotsInUse / config.MAX_QUEUE;
        return { status: used >= 1 ? 'fail' : used >= 0.8 ? 'warn' : 'pass', observedValue: service.slotsInUse, observedUnit: 'runs' };
      },
    },
  ];
  const deps: AppDeps = {
    config,
    metrics,
    readinessChecks,
    registerV1: [
      ...V1_ROUTES,
      async (v1) => {
        await v1.register(censusRoutes, { service: census, now });
      },
      runsRoutes(service, config.MAX_N),
    ],
    onClose: async () => {
      closing = true;
      await service.close();
      await pool.close();
      await census.close();
      await llm?.close();
      await store.close?.();
    },
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.contractJson === undefined ? {} : { contractJson: options.contractJson }),
  };
  const app = await buildApp(deps).catch(async (error: unknown) => {
    await Promise.allSettled([pool.close(), census.close(), llm?.close(), store.close?.()]);
    throw error;
  });
  await service.start(now);
  if (options.warmUp) {
    const started = performance.now();
    // The embedded tables' model: what runs use offline, and what a PxWeb-refreshed run starts from.
    void resolveInputSnapshot({ embedded: census.embedded, mode: 'off', now: now(), maxAgeDays: config.PXWEB_MAX_AGE_DAYS })
      .then((snapshot) => pool.warmUp(snapshot))
      .then(
        () => {
          const ms = Math.round(performance.now() - started);
          warmUp = { status: 'pass', observedValue: ms, observedUnit: 'ms' };
          options.logger?.info({ ms }, 'workers warmed up');
        },
        (error: unknown) => {
          if (closing) return; // the pool was closed under it
          warmUp = { status: 'warn', output: `warm-up failed: ${error instanceof Error ? error.message : String(error)}` };
          options.logger?.warn({ err: error }, 'worker warm-up failed; the first run calibrates instead');
        },
      );
  }
  return app;
}
