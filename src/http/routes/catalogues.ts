/**
 * Catalogue routes: `GET /profiles` and `GET /gate-codes`, to be registered inside the `/v1`
 * plugin (prefix `/v1`, so auth applies). They serve the declared tables of `src/trust`; the
 * app sets the zod validator and serializer compilers.
 */
import { BEARER_AUTH, problemResponses } from '../route-schema.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GateCatalogueSchema, ProfileCatalogueSchema, gateCatalogue, profileCatalogue } from '../../trust/catalogue.js';

export const catalogueRoutes: FastifyPluginAsyncZod = async (app) => {
  // Built once: the tables are constants.
  const profiles = profileCatalogue();
  const gates = gateCatalogue();

  app.get(
    '/profiles',
    {
      schema: {
        operationId: 'getProfiles',
        summary: 'Trust profiles',
        description: 'The profiles, what each is for, and their request defaults.',
        tags: ['catalogues'],
        security: BEARER_AUTH,
        response: { 200: ProfileCatalogueSchema, ...problemResponses([401, 500, 503]) },
      },
    },
    async () => profiles,
  );

  app.get(
    '/gate-codes',
    {
      schema: {
        operationId: 'getGateCodes',
        summary: 'Gate codes',
        description: 'The declared gate table: measures, thresholds and severities per profile, escalation priorities, recommendations.',
        tags: ['catalogues'],
        security: BEARER_AUTH,
        response: { 200: GateCatalogueSchema, ...problemResponses([401, 500, 503]) },
      },
    },
    async () => gates,
  );
};
