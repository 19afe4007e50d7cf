/**
 * `GET /docs`: an interactive reference of the pinned contract (Swagger UI from
 * @fastify/swagger-ui's bundled assets; nothing is fetched from elsewhere). It shows the same
 * document `/openapi.json` serves, not one generated at run time, and is open like it. The pages
 * are hidden from the contract: they are a view of it, not part of it.
 */
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { ZodApp } from '../route-schema.js';

export const DOCS_PREFIX = '/docs';

/**
 * Same-origin everything; Swagger UI sets inline styles on its elements and draws its logo from a
 * data: URL. No `upgrade-insecure-requests` (the plugin's default has it): a plain-HTTP deployment
 * would lose its own assets.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** The top bar's mark: the service's name, not the framework's logo. */
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="260" height="40" viewBox="0 0 260 40"><text x="0" y="27" font-family="sans-serif" font-size="22" font-weight="bold" fill="#ffffff">moldova-personas</text></svg>';

export function docsRoutes(document: unknown) {
  return async function registerDocsRoutes(app: ZodApp): Promise<void> {
    await app.register(fastifySwaggerUi, {
      routePrefix: DOCS_PREFIX,
      staticCSP: DOCS_CSP,
      // /docs/json and /docs/yaml serve the pinned document as it is.
      transformSpecification: () => document as Record<string, unknown>,
      transformSpecificationClone: false,
      logo: { type: 'image/svg+xml', content: Buffer.from(LOGO_SVG) },
      theme: { title: 'moldova-personas API reference' },
      uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, tryItOutEnabled: false },
    });
  };
}
