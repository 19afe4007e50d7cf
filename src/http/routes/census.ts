/**
 * `GET /v1/census` (the data catalogue) and `POST /v1/census/refresh` (fetch PxWeb tables now).
 * A fastify plugin taking the census service as an option; mount it under the `/v1` prefix.
 * Handlers only call the service; the zod schemas check responses and feed the OpenAPI document.
 */
import { BEARER_AUTH, problemResponses } from '../route-schema.js';
import type { FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { CensusCatalogueSchema, CensusRefreshResultSchema } from '../../census/catalogue.js';
import type { CensusService } from '../../census/census-service.js';

export interface CensusRoutesOptions {
  readonly service: Pick<CensusService, 'catalogue' | 'refresh'>;
  /** Clock for catalogue ages and fetch times (default: the system clock). */
  readonly now?: () => Date;
}

export const censusRoutes: FastifyPluginAsync<CensusRoutesOptions> = async (app, options) => {
  // Encapsulated: these compilers apply to this plugin's routes only.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const now = options.now ?? (() => new Date());

  routes.get(
    '/census',
    {
      schema: {
        operationId: 'getCensusCatalogue',
        summary: 'The census data catalogue',
        description: 'Every table a run would use now: provenance class, trust, citation, content hash, ages, cache state and last fetch outcome. Never fetches.',
        tags: ['census'],
        security: BEARER_AUTH,
        response: { 200: CensusCatalogueSchema, ...problemResponses([401, 500, 503]) },
      },
    },
    () => options.service.catalogue(now()),
  );

  routes.post(
    '/census/refresh',
    {
      schema: {
        operationId: 'refreshCensus',
        summary: 'Fetch the PxWeb tables now',
        description: 'One attempt-sequence per PxWeb table, shared with any fetch of that table already in flight (parallel refreshes cost one); reports each outcome. Upstream failures are outcomes, not errors; while the circuit breaker is open a table is reported `circuit_open` without a call. Each call is bounded by PXWEB_DEADLINE_MS and PXWEB_MAX_BYTES. With PXWEB_MODE=off every table is skipped.',
        tags: ['census'],
        security: BEARER_AUTH,
        response: { 200: CensusRefreshResultSchema, ...problemResponses([400, 401, 413, 415, 500, 503]) },
      },
    },
    () => options.service.refresh(now()),
  );
};
