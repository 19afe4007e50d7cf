/**
 * The `/v1` scope. Everything callers pay for lives here, behind, in order:
 *   1. the shutdown gate (503 + Retry-After while the app is closing),
 *   2. bearer-key auth (when API_KEYS is set),
 *   3. JSON-only body parsing (application/json and application/*+json; anything else is 415),
 *      with no content coding (a `Content-Encoding` other than identity is 415 + `Accept-Encoding: identity`, RFC 7694),
 * and each capability's routes, each in its own encapsulated child scope.
 * Unknown `/v1` paths get the same gates before their 404/405, so they reveal nothing to a
 * caller without a key.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors.js';
import { createAuthHook } from './auth.js';
import type { RouteIndex } from './not-found.js';
import { createNotFoundHandler } from './not-found.js';
import type { ZodApp } from './route-schema.js';

export const V1_PREFIX = '/v1';

/** A capability's `/v1` routes; paths are relative to `/v1` (`/runs`, `/schema/labels`). */
export type V1RoutePlugin = (v1: ZodApp) => Promise<void> | void;

/** `application/json` is fastify's built-in parser; this adds the structured-syntax `+json` types (RFC 6839). */
const STRUCTURED_JSON_MEDIA_TYPE = /^application\/[a-z0-9!#$&^_.-]+\+json(?:$|[;\s])/;

export interface V1GateOptions {
  readonly apiKeys: readonly string[];
  readonly lifecycle: { readonly closing: boolean };
}

export interface V1Options {
  /** `v1Gates(...)`: shared with the app's answer to URLs the router cannot decode. */
  readonly gates: readonly V1Gate[];
  readonly routeIndex: RouteIndex;
  readonly plugins: readonly V1RoutePlugin[];
}

export type V1Gate = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Whether a request path is under `/v1` (and so behind its gates). */
export function isV1Path(path: string): boolean {
  return path === V1_PREFIX || path.startsWith(`${V1_PREFIX}/`);
}

/** The `onRequest` gates of `/v1`, in order: the shutdown gate (503), then auth (401). Each throws to refuse. */
export function v1Gates(options: V1GateOptions): readonly V1Gate[] {
  const authenticate = createAuthHook(options.apiKeys);
  async function refuseWhileClosing(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!options.lifecycle.closing) return;
    reply.header('connection', 'close');
    throw new ServiceError('SERVICE_SHUTTING_DOWN', 'The service is shutting down; retry on another instance.');
  }
  return [refuseWhileClosing, authenticate];
}

/** Whether a request carries a body (RFC 9112 §6.3: a Transfer-Encoding, or a non-zero Content-Length). */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A body in a content coding (gzip, br…) is refused before it is parsed: we decode none, so it
 * would otherwise fail as malformed JSON. RFC 7694 §3: 415, and `Accept-Encoding` says which
 * codings the resource takes; "identity" alone means none.
 */
async function refuseContentCoding(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const coding = request.headers['content-encoding'];
  if (coding === undefined || !hasBody(request)) return;
  const codings = coding.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== '' && part !== 'identity');
  if (codings.length === 0) return;
  reply.header('accept-encoding', 'identity');
  throw new ServiceError('REQUEST_UNSUPPORTED_MEDIA_TYPE', `Request bodies are taken without content coding; this one is ${codings.join(', ').slice(0, 60)}.`);
}

export function v1Scope(options: V1Options) {
  return async function registerV1(v1: ZodApp): Promise<void> {
    for (const gate of options.gates) v1.addHook('onRequest', gate);
    // After the root's unrouted guard (404/405 first), before the body is read.
    v1.addHook('preParsing', refuseContentCoding);

    const jsonParser = v1.getDefaultJsonParser('error', 'error');
    v1.removeAllContentTypeParsers();
    v1.addContentTypeParser('application/json', { parseAs: 'string' }, jsonParser);
    v1.addContentTypeParser(STRUCTURED_JSON_MEDIA_TYPE, { parseAs: 'string' }, jsonParser);

    v1.setNotFoundHandler(createNotFoundHandler(options.routeIndex));

    for (const plugin of options.plugins) {
      await v1.register(async (scope: ZodApp) => plugin(scope));
    }
  };
}
