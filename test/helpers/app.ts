/**
 * Building apps in tests: a quiet config (overrides win), and `buildTestApp` for the product's
 * routes plus whatever test-only `/v1` plugins a test registers through the extension point.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/env.js';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { V1_ROUTES } from '../../src/http/assemble.js';
import { createLogger } from '../../src/http/logger.js';
import type { ZodApp } from '../../src/http/route-schema.js';
import type { V1RoutePlugin } from '../../src/http/v1.js';

/** A scratch DATA_DIR shared by tests that do not care about it (the readiness probe leaves it empty). */
export const SCRATCH_DATA_DIR = join(tmpdir(), 'moldova-personas-tests');

export function testConfig(overrides: Readonly<Record<string, string>> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: SCRATCH_DATA_DIR, ...overrides });
}

export interface TestAppOptions extends Partial<Omit<AppDeps, 'config' | 'registerV1'>> {
  readonly env?: Readonly<Record<string, string>>;
  /** Test-only `/v1` plugins, mounted after the product's. */
  readonly extraV1?: readonly V1RoutePlugin[];
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<ZodApp> {
  const { env, extraV1, ...deps } = options;
  return buildApp({
    logger: createLogger({ level: 'silent' }),
    ...deps,
    config: testConfig(env),
    registerV1: [...V1_ROUTES, ...(extraV1 ?? [])],
  });
}
