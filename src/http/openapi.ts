/**
 * The OpenAPI 3.1 document: what @fastify/swagger needs to generate it from the declared routes,
 * and where the pinned copy lives. `openapi/openapi.json` is the source of truth; a contract test
 * fails when the routes drift from it, and `npm run contract:write` regenerates it, so a change
 * of contract is a visible edit of that file.
 */
import { DATASET_RESPONSE_HEADERS } from './dataset-response.js';
import { readFileSync } from 'node:fs';
import type { SwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX } from './problem.js';

/** The version of the HTTP contract (not of the package): bump it when the contract changes. */
export const API_VERSION = '1.0.0';

export const PINNED_CONTRACT_URL = new URL('../../openapi/openapi.json', import.meta.url);

/** The pinned document's text, read once (the caller keeps it for the life of the app). */
export function readPinnedContract(url: URL = PINNED_CONTRACT_URL): string {
  return readFileSync(url, 'utf8');
}

const PROBLEM_REF = '#/components/schemas/Problem';
const problemContent = { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_REF } } };

/** Problem responses shared by operations, by status. Operations refer to them with `$ref`. */
interface ResponseDeclaration {
  readonly description: string;
  readonly [member: string]: unknown;
}

export const STANDARD_PROBLEM_RESPONSES: Readonly<Record<string, { name: string; response: ResponseDeclaration }>> = {
  '400': {
    name: 'BadRequest',
    response: {
      description: 'The request is malformed or does not match the schema; `errors` lists each failed field.',
      content: problemContent,
    },
  },
  '401': {
    name: 'Unauthorized',
    response: {
      description: 'API keys are configured and the request carries no valid `Authorization: Bearer <key>`.',
      headers: { 'WWW-Authenticate': { required: true, schema: { type: 'string' } } },
      content: problemContent,
    },
  },
  '404': {
    name: 'NotFound',
    response: { description: 'No such route or resource.', content: problemContent },
  },
  '405': {
    name: 'MethodNotAllowed',
    response: {
      description: 'The path exists but not with this method; `Allow` lists the methods it has.',
      headers: { Allow: { required: true, schema: { type: 'string' } } },
      content: problemContent,
    },
  },
  '413': {
    name: 'PayloadTooLarge',
    response: { description: 'The request body is larger than BODY_LIMIT bytes.', content: problemContent },
  },
  '415': {
    name: 'UnsupportedMediaType',
    response: { description: 'Request bodies must be application/json or application/*+json.', content: problemContent },
  },
  '500': {
    name: 'InternalError',
    response: { description: 'An unexpected failure of the service (quote request_id when reporting it).', content: problemContent },
  },
  '503': {
    name: 'ServiceUnavailable',
    response: {
      description: 'The service cannot take the request now (shutting down, queue full); retry after `Retry-After` seconds.',
      headers: { 'Retry-After': { required: true, schema: { type: 'integer', minimum: 0 } } },
      content: problemContent,
    },
  },
};

const DESCRIPTION = [
  'Synthetic, census-calibrated people of the Republic of Moldova, with a machine-readable trust payload for every dataset.',
  '',
  `Errors are RFC 9457 \`${PROBLEM_MEDIA_TYPE}\` bodies (schema \`Problem\`). \`type\` is \`${PROBLEM_TYPE_PREFIX}<code>\`,`,
  'the catalogue code in kebab case (`REQUEST_BODY_TOO_LARGE` → `…:request-body-too-large`); `code` repeats the catalogue code.',
  'Any path that matches no route answers 404 (`NotFound`); a known path with an undeclared method answers 405 (`MethodNotAllowed`).',
  '',
  'When the server has `API_KEYS` configured, every `/v1` request needs `Authorization: Bearer <key>` (401 otherwise);',
  '`/health/*`, `/metrics`, `/openapi.json` and the reference pages under `/docs` (Swagger UI, local assets) are always open.',
  'Every response carries `X-Request-Id` (the caller’s, when it sent a short token, else a new UUID).',
].join('\n');

type OpenApiObject = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainProblemResponse(response: unknown): boolean {
  if (!isRecord(response) || !isRecord(response['content'])) return false;
  const content = response['content'];
  const keys = Object.keys(content);
  const media = content[PROBLEM_MEDIA_TYPE];
  return (
    keys.length === 1 &&
    isRecord(media) &&
    isRecord(media['schema']) &&
    media['schema']['$ref'] === PROBLEM_REF &&
    response['headers'] === undefined
  );
}

/** Operation problem responses with a standard counterpart become `$ref`s to it. */
function referenceStandardResponses(paths: Record<string, unknown>): void {
  for (const pathItem of Object.values(paths)) {
    if (!isRecord(pathItem)) continue;
    for (const operation of Object.values(pathItem)) {
      if (!isRecord(operation) || !isRecord(operation['responses'])) continue;
      const responses = operation['responses'];
      for (const [status, response] of Object.entries(responses)) {
        const standard = STANDARD_PROBLEM_RESPONSES[status];
        if (standard !== undefined && isPlainProblemResponse(response)) {
          responses[status] = { $ref: `#/components/responses/${standard.name}` };
        }
      }
    }
  }
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') into.add(child);
      else collectRefs(child, into);
    }
  }
}

/** Drops component schemas nothing refers to (zod's registry also yields unused `…Input` twins). */
function pruneUnusedSchemas(document: OpenApiObject): void {
  const components = document['components'];
  if (!isRecord(components) || !isRecord(components['schemas'])) return;
  const schemas = components['schemas'];
  const used = new Set<string>();
  collectRefs({ paths: document['paths'], responses: components['responses'] }, used);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, schema] of Object.entries(schemas)) {
      if (!used.has(`#/components/schemas/${name}`)) continue;
      const before = used.size;
      collectRefs(schema, used);
      if (used.size > before) grew = true;
    }
  }
  for (const name of Object.keys(schemas)) {
    if (!used.has(`#/components/schemas/${name}`)) delete schemas[name];
  }
}

/** Response headers by operationId and status, which route schemas cannot carry into the document. */
const RESPONSE_HEADERS: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>> = {
  getDataset: DATASET_RESPONSE_HEADERS,
};

/**
 * Examples from one real CLI run (`npm run examples:write`), by the component schema they belong
 * to; test/contract/openapi-examples.test.ts checks they validate and that the CLI still gives them.
 */
export const EXAMPLES_DIR_URL = new URL('../../openapi/examples/', import.meta.url);
export const COMPONENT_EXAMPLES: Readonly<Record<string, string>> = {
  RunRequestInput: 'run-request.json',
  Persona: 'persona.json',
  GradientTrustPayload: 'trust-payload.json',
};

function addExamples(document: OpenApiObject): void {
  const components = document['components'];
  if (!isRecord(components) || !isRecord(components['schemas'])) return;
  for (const [name, file] of Object.entries(COMPONENT_EXAMPLES)) {
    const schema = components['schemas'][name];
    if (isRecord(schema)) schema['examples'] = [JSON.parse(readFileSync(new URL(file, EXAMPLES_DIR_URL), 'utf8')) as unknown];
  }
}

function addResponseHeaders(paths: Record<string, unknown>): void {
  for (const pathItem of Object.values(paths)) {
    if (!isRecord(pathItem)) continue;
    for (const operation of Object.values(pathItem)) {
      if (!isRecord(operation) || !isRecord(operation['responses']) || typeof operation['operationId'] !== 'string') continue;
      const byStatus = RESPONSE_HEADERS[operation['operationId']];
      if (!byStatus) continue;
      for (const [status, headers] of Object.entries(byStatus)) {
        const response = operation['responses'][status];
        if (isRecord(response)) response['headers'] = { ...headers };
      }
    }
  }
}

export function swaggerOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'moldova-personas',
        version: API_VERSION,
        description: DESCRIPTION,
        // The service's code; the census data it is calibrated to is NBS's, under CC BY 4.0 (docs/data.md).
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the host that serves this document (each deployment has its own).
      servers: [{ url: '/', description: 'The server this document was fetched from' }],
      tags: [
        { name: 'health', description: 'Probes for orchestrators' },
        { name: 'operations', description: 'Metrics and the contract itself' },
        { name: 'catalogues', description: 'Reference data: labels, profiles, gate codes, census tables' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Enforced only when the server sets API_KEYS.' },
        },
        responses: Object.fromEntries(
          Object.values(STANDARD_PROBLEM_RESPONSES).map(({ name, response }) => [name, response]),
        ),
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => {
      const document = jsonSchemaTransformObject(input) as OpenApiObject;
      if (isRecord(document['paths'])) {
        addResponseHeaders(document['paths']);
        referenceStandardResponses(document['paths']);
      }
      pruneUnusedSchemas(document);
      addExamples(document);
      return document as ReturnType<typeof jsonSchemaTransformObject>;
    },
  };
}
