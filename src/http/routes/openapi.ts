/**
 * `GET /openapi.json`: the pinned contract (`openapi/openapi.json`), read and parsed once when the
 * app is built; callers get the reviewed file's content (same JSON value, same key order).
 */
import { z } from 'zod';
import { OPEN_ACCESS, problemResponses, type ZodApp } from '../route-schema.js';

export const OpenApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) });

export type OpenApiDocument = z.infer<typeof OpenApiDocumentSchema>;

/** The pinned document's text, parsed once for `/openapi.json` and `/docs`. */
export function parseContract(documentJson: string): OpenApiDocument {
  return OpenApiDocumentSchema.parse(JSON.parse(documentJson));
}

export function openapiRoutes(document: OpenApiDocument) {
  return async function registerOpenapiRoutes(app: ZodApp): Promise<void> {
    app.get(
      '/openapi.json',
      {
        schema: {
          operationId: 'getOpenApi',
          summary: 'The pinned OpenAPI 3.1 contract of this service',
          tags: ['operations'],
          security: OPEN_ACCESS,
          response: {
            200: { description: 'The OpenAPI document', content: { 'application/json': { schema: OpenApiDocumentSchema } } },
            ...problemResponses([400, 500]),
          },
        },
      },
      async () => document,
    );
  };
}
