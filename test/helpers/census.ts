/**
 * Shared set-up for census tests: the spec list the shipped data is checked against, the shared
 * reference folder, and PxWeb sources pointed at the mock server.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { loadConfig } from '../../src/config/env.js';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { CircuitBreaker } from '../../src/circuit-breaker.js';
import { PxwebCache } from '../../src/census/pxweb/cache.js';
import { PxwebClient } from '../../src/census/pxweb/client.js';
import { createPxwebDispatcher, type PxwebRetryOptions } from '../../src/census/pxweb/dispatcher.js';
import { PxwebSource } from '../../src/census/pxweb/pxweb-source.js';
import type { PxwebTableDefinition } from '../../src/census/pxweb/table-definition.js';
import { loadEmbeddedSnapshot, type EmbeddedSnapshot } from '../../src/census/snapshot-loader.js';
import { TABLE_SPECS, type TableSpec } from '../../src/census/table-specs.js';
import { startMockPxweb, type MockPxweb } from '../servers/mock-pxweb.js';

const CONFIG_DEFAULTS = loadConfig({});

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The spec list the shipped data files (official, secondary and modelled) are checked against. */
export const SHIPPED_TABLE_SPECS: readonly TableSpec[] = TABLE_SPECS;

export function loadShippedSnapshot(): Promise<EmbeddedSnapshot> {
  return loadEmbeddedSnapshot({ specs: SHIPPED_TABLE_SPECS });
}

/**
 * The audited reference set the shipped figures are checked against: the copy in
 * test/reference (so the suite runs wherever the repository does: Docker, GitHub Actions),
 * pinned by test/reference/SHA256SUMS, which test/contract/reference-copy.test.ts also checks
 * against the team's shared folder whenever that folder is present.
 */
export function referenceDir(): string {
  return join(REPO_ROOT, 'test', 'reference');
}

/**
 * The team's shared reference folder (`MOLDOVA_PERSONAS_SHARED_DIR`, else `shared/` beside the
 * repository or beside the worktree folder), or null where there is none (a container, a fork's CI).
 */
export function sharedReferenceDir(): string | null {
  const candidates = [
    process.env.MOLDOVA_PERSONAS_SHARED_DIR,
    resolve(REPO_ROOT, '..', 'shared'),
    resolve(REPO_ROOT, '..', '..', 'shared'),
  ].filter((dir): dir is string => dir !== undefined && dir !== '');
  const found = candidates.find((dir) => existsSync(join(dir, 'reference', 'census')));
  return found === undefined ? null : join(found, 'reference');
}

export async function makeTempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Fast retries for tests: 2 retries, 1 ms back-off (Retry-After still honoured up to 5 s). */
export const TEST_RETRY: PxwebRetryOptions = { maxRetries: 2, minTimeoutMs: 1, maxTimeoutMs: 5_000, timeoutFactor: 2 };

export interface TestPxweb {
  readonly source: PxwebSource;
  readonly breaker: CircuitBreaker;
  readonly close: () => Promise<void>;
}

/** A PxwebSource on the mock: short keep-alive agent, fast retries, cache in `cacheDir`. */
export function makeTestPxweb(options: {
  readonly baseUrl: string;
  readonly cacheDir: string;
  readonly timeoutMs?: number;
  /** PXWEB_DEADLINE_MS and PXWEB_MAX_BYTES of the client (defaults: the config's). */
  readonly deadlineMs?: number;
  readonly maxBytes?: number;
  readonly definitions?: readonly PxwebTableDefinition[];
  readonly cooldownMs?: number;
}): TestPxweb {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10, connect: { timeout: timeoutMs } });
  const dispatcher = createPxwebDispatcher({ timeoutMs, agent, retry: TEST_RETRY });
  const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: options.cooldownMs ?? 60_000 });
  let ticks = 0;
  const source = new PxwebSource({
    client: new PxwebClient({ baseUrl: options.baseUrl, dispatcher, timeoutMs, deadlineMs: options.deadlineMs ?? CONFIG_DEFAULTS.PXWEB_DEADLINE_MS, maxBytes: options.maxBytes ?? CONFIG_DEFAULTS.PXWEB_MAX_BYTES }),
    cache: new PxwebCache(options.cacheDir),
    breaker,
    ...(options.definitions === undefined ? {} : { definitions: options.definitions }),
    // A fake monotonic clock: durations are not what these tests measure.
    monotonicMs: () => (ticks += 5),
  });
  return { source, breaker, close: () => dispatcher.close() };
}

/** What a census test works against: the shipped snapshot and, per test, a mock PxWeb with its own cache. */
export interface PxwebTestBed {
  embedded: EmbeddedSnapshot;
  mock: MockPxweb;
  pxweb: TestPxweb;
  /** The PxWeb cache folder of this test (also a DATA_DIR for config-built services). */
  cacheDir: string;
}

/**
 * Registers the hooks of a census test file: the shipped snapshot once; a fresh mock PxWeb
 * server, cache folder and PxWeb source before each test, all closed after it. The fields are
 * filled by the hooks, so read them inside tests and hooks only.
 */
export function usePxwebTestBed(prefix: string): PxwebTestBed {
  const bed = {} as PxwebTestBed;
  let temp: { dir: string; remove: () => Promise<void> } | undefined;
  beforeAll(async () => {
    bed.embedded = await loadShippedSnapshot();
  });
  beforeEach(async () => {
    bed.mock = await startMockPxweb();
    temp = await makeTempDir(prefix);
    bed.cacheDir = temp.dir;
    bed.pxweb = makeTestPxweb({ baseUrl: bed.mock.baseUrl, cacheDir: temp.dir });
  });
  afterEach(async () => {
    await bed.pxweb.close();
    await bed.mock.close();
    await temp?.remove();
  });
  return bed;
}
