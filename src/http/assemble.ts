/**
 * The composition root of the HTTP service: which `/v1` route plugins, readiness checks and
 * metrics the product has. `cli serve`, the contract generator and the end-to-end tests all
 * build the app through here, so "the product's routes" are listed exactly once.
 *
 * A capability joins by adding its plugin to `V1_ROUTES` (or, when it needs services built from
 * the config, by constructing them in `assembleApp` and passing a closure over them).
 */
import type { Config } from '../config/env.js';
import { buildApp, type AppDeps } from './app.js';
import type { Logger } from './logger.js';
import type { ZodApp } from './route-schema.js';
import { schemaLabelsRoutes } from './routes/schema-labels.js';
import type { V1RoutePlugin } from './v1.js';

/** The product's `/v1` routes that need nothing but themselves. */
export const V1_ROUTES: readonly V1RoutePlugin[] = [schemaLabelsRoutes];

export interface AssembleOptions {
  readonly config: Config;
  readonly logger?: Logger;
  /** Overrides the pinned contract text (the contract generator runs before the file exists). */
  readonly contractJson?: string;
}

export async function assembleApp(options: AssembleOptions): Promise<ZodApp> {
  const deps: AppDeps = {
    config: options.config,
    registerV1: V1_ROUTES,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.contractJson === undefined ? {} : { contractJson: options.contractJson }),
  };
  return buildApp(deps);
}
