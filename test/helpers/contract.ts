/**
 * Checks any HTTP response against the pinned contract (openapi/openapi.json). Every API test
 * calls it on the responses it receives:
 *
 *   const body = await expectContract(await request(app.server).get('/health/live'));   // supertest
 *   const body = await expectContract(await app.inject({ method: 'GET', url: '/metrics' })); // inject
 *   const body = await expectContract(await undiciRequest(url), { method: 'GET', path: '/x' }); // undici
 *
 * It finds the operation whose path template matches, then requires the status to be declared,
 * the content type to be one the response declares, declared-required headers to be present,
 * and the body to validate (ajv, JSON Schema 2020-12, formats on). A path that matches no
 * template must be a documented 404; a known path with an undeclared method a documented 405
 * whose `Allow` lists the declared methods. Under `/v1`, the auth and shutdown gates run before
 * routing, so 401 and 503 are documented answers there for any path.
 *
 * It returns the parsed body (JSON, or text for non-JSON media types) so tests go on asserting.
 */
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import type { Response as SupertestResponse } from 'supertest';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const CONTRACT_ID = 'contract';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = Record<string, unknown>;

export const PINNED_DOCUMENT: Json = JSON.parse(
  readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'),
) as Json;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(PINNED_DOCUMENT, CONTRACT_ID);
const validators = new Map<string, ValidateFunction>();

/** A response reduced to what the contract speaks about. */
export interface ObservedResponse {
  readonly method: string;
  /** The request path, with or without a query string. */
  readonly path: string;
  readonly status: number;
  readonly headers: IncomingHttpHeaders | OutgoingHttpHeaders | Record<string, string | string[] | undefined>;
  readonly text: string;
}

interface UndiciLike {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: { text(): Promise<string> };
}

export type AnyResponse = SupertestResponse | LightMyRequestResponse | UndiciLike | ObservedResponse;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function headerOf(headers: ObservedResponse['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name.toLowerCase() && value !== undefined) {
      return Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  return undefined;
}

async function observe(response: AnyResponse, request?: { method: string; path: string }): Promise<ObservedResponse> {
  if ('isLightMyRequest' in response || ('raw' in response && 'payload' in response)) {
    const inject = response as LightMyRequestResponse;
    return {
      method: request?.method ?? inject.raw.req.method ?? 'GET',
      path: request?.path ?? inject.raw.req.url ?? '/',
      status: inject.statusCode,
      headers: inject.headers,
      text: inject.body,
    };
  }
  if ('request' in response && 'status' in response) {
    const supertest = response as SupertestResponse;
    const sent = new URL(supertest.request.url);
    return {
      method: request?.method ?? supertest.request.method,
      path: request?.path ?? `${sent.pathname}${sent.search}`,
      status: supertest.status,
      headers: supertest.headers as Record<string, string>,
      text: supertest.text ?? '',
    };
  }
  if ('path' in response && 'text' in response) return response;
  const undici = response as UndiciLike;
  if (request === undefined) throw new Error('expectContract: pass { method, path } with an undici response');
  return { ...request, status: undici.statusCode, headers: undici.headers, text: await undici.body.text() };
}

interface OperationMatch {
  readonly template: string;
  readonly pathItem: Json;
}

/** The most specific template matching the path (most literal segments wins). */
function matchPath(path: string): OperationMatch | undefined {
  const paths = PINNED_DOCUMENT['paths'];
  if (!isRecord(paths)) return undefined;
  let best: { match: OperationMatch; literals: number } | undefined;
  for (const [template, pathItem] of Object.entries(paths)) {
    if (!isRecord(pathItem)) continue;
    const templateSegments = template.split('/');
    const pathSegments = path.split('/');
    if (templateSegments.length !== pathSegments.length) continue;
    let literals = 0;
    const matches = templateSegments.every((segment, i) => {
      if (/^\{[^}]+\}$/.test(segment)) return (pathSegments[i] ?? '') !== '';
      literals += 1;
      return segment === pathSegments[i];
    });
    if (matches && (best === undefined || literals > best.literals)) best = { match: { template, pathItem }, literals };
  }
  return best?.match;
}

function declaredMethods(pathItem: Json): string[] {
  return METHODS.filter((method) => isRecord(pathItem[method])).map((method) => method.toUpperCase());
}

/** Follows a `#/components/responses/...` reference; returns the pointer and the object. */
function resolveResponse(pointer: string, value: unknown): { pointer: string; response: Json } | undefined {
  if (!isRecord(value)) return undefined;
  const ref = value['$ref'];
  if (typeof ref !== 'string') return { pointer, response: value };
  const segments = ref.replace(/^#\//, '').split('/');
  let target: unknown = PINNED_DOCUMENT;
  for (const segment of segments) target = isRecord(target) ? target[segment.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  return isRecord(target) ? { pointer: ref.replace(/^#/, ''), response: target } : undefined;
}

function componentResponse(name: string): { pointer: string; response: Json } | undefined {
  return resolveResponse('', { $ref: `#/components/responses/${name}` });
}

function validatorAt(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `${CONTRACT_ID}#${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

function mediaTypeOf(headers: ObservedResponse['headers']): string | undefined {
  return headerOf(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
}

function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
}

interface Verdict {
  readonly violations: string[];
  readonly body: unknown;
}

export interface ContractCheck extends Verdict {
  readonly observed: ObservedResponse;
}

function checkAgainst(observed: ObservedResponse, where: { pointer: string; response: Json }, method: string): Verdict {
  const violations: string[] = [];
  const { response } = where;
  for (const [name, header] of Object.entries(isRecord(response['headers']) ? response['headers'] : {})) {
    if (isRecord(header) && header['required'] === true && headerOf(observed.headers, name) === undefined) {
      violations.push(`header ${name} is required by the contract but missing`);
    }
  }
  const content = response['content'];
  if (!isRecord(content)) {
    if (observed.text !== '') violations.push('the contract declares no body but the response has one');
    return { violations, body: observed.text };
  }
  const mediaType = mediaTypeOf(observed.headers);
  const declared = Object.keys(content).map((key) => key.toLowerCase());
  if (mediaType === undefined || !declared.includes(mediaType)) {
    violations.push(`content type ${mediaType ?? '(none)'} is not declared (declared: ${declared.join(', ')})`);
    return { violations, body: observed.text };
  }
  if (method === 'HEAD') return { violations, body: undefined };
  let body: unknown = observed.text;
  if (isJsonMediaType(mediaType)) {
    try {
      body = JSON.parse(observed.text);
    } catch {
      violations.push(`the body is not valid JSON: ${observed.text.slice(0, 200)}`);
      return { violations, body: observed.text };
    }
  }
  const mediaKey = Object.keys(content).find((key) => key.toLowerCase() === mediaType) ?? mediaType;
  const validate = validatorAt(`${where.pointer}/content/${escapePointer(mediaKey)}/schema`);
  if (!validate(body)) {
    for (const error of validate.errors ?? []) {
      violations.push(`body${error.instancePath} ${error.message ?? 'is invalid'} (${error.schemaPath})`);
    }
  }
  return { violations, body };
}

/** Path-level answers: 404 (no template), 405 (template, wrong method), and the /v1 gates. */
function checkUnrouted(observed: ObservedResponse, path: string, match: OperationMatch | undefined): Verdict {
  const gates: Record<number, string> = path.startsWith('/v1/') ? { 401: 'Unauthorized', 503: 'ServiceUnavailable' } : {};
  const expected: Record<number, string> = match === undefined ? { 404: 'NotFound', ...gates } : { 405: 'MethodNotAllowed', ...gates };
  const name = expected[observed.status];
  const where = name === undefined ? undefined : componentResponse(name);
  if (where === undefined) {
    const documented = Object.keys(expected).join(' or ');
    return { violations: [`${observed.method} ${path} is not a documented operation, so the status must be ${documented}; got ${observed.status}`], body: observed.text };
  }
  const verdict = checkAgainst(observed, where, observed.method);
  if (observed.status === 405 && match !== undefined) {
    const methods = declaredMethods(match.pathItem);
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    const allow = (headerOf(observed.headers, 'allow') ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort();
    if (allow.join(',') !== methods.sort().join(',')) {
      verdict.violations.push(`Allow is "${allow.join(', ')}" but the contract declares ${methods.join(', ')}`);
    }
  }
  return verdict;
}

/** The list of contract violations of one response (empty when it conforms), and its parsed body. */
export async function checkContract(response: AnyResponse, request?: { method: string; path: string }): Promise<ContractCheck> {
  const observed = await observe(response, request);
  return { ...checkObserved(observed), observed };
}

function checkObserved(observed: ObservedResponse): Verdict {
  const path = observed.path.split('?')[0] ?? observed.path;
  const method = observed.method.toUpperCase();
  const match = matchPath(path);
  const operationMethod = method === 'HEAD' && match !== undefined && !isRecord(match.pathItem['head']) ? 'get' : method.toLowerCase();
  const operation = match?.pathItem[operationMethod];
  if (match === undefined || !isRecord(operation)) return checkUnrouted(observed, path, match);
  const responses = operation['responses'];
  const base = `/paths/${escapePointer(match.template)}/${operationMethod}/responses/${observed.status}`;
  const where = isRecord(responses) ? resolveResponse(base, responses[String(observed.status)]) : undefined;
  if (where === undefined) {
    const declared = isRecord(responses) ? Object.keys(responses).join(', ') : '(none)';
    return { violations: [`status ${observed.status} is not declared for ${method} ${match.template} (declared: ${declared})`], body: observed.text };
  }
  return checkAgainst(observed, where, method);
}

/** Fails the test with every violation listed; returns the parsed body otherwise. */
export async function expectContract(response: AnyResponse, request?: { method: string; path: string }): Promise<unknown> {
  const verdict = await checkContract(response, request);
  if (verdict.violations.length > 0) {
    const { observed } = verdict;
    throw new Error(
      `response violates openapi/openapi.json: ${observed.method} ${observed.path} → ${observed.status}\n  - ${verdict.violations.join('\n  - ')}`,
    );
  }
  return verdict.body;
}
