/**
 * 404 versus 405. fastify answers a known path with an unrouted method as "not found"; HTTP
 * wants 405 with an `Allow` header. `RouteIndex` records every route template as it is added
 * (an `onRoute` hook on the root instance sees the routes of every plugin) and the not-found
 * handler asks it which methods the requested path supports.
 *
 * Routing answers come before any look at the request's content: a request no route handles
 * gets its 404/405 before its body is parsed (`createUnroutedGuard`), and a URL the router cannot
 * decode gets the 404/405 its path and method call for before the 400 of a malformed URL
 * (`createRouterErrorHandler`). The contract documents 404/405 for unrouted requests, whatever
 * their body or encoding.
 */
import type { FastifyReply, FastifyRequest, RequestPayload, RouteOptions } from 'fastify';
import { errorHandler, sendProblem } from './error-handler.js';

interface IndexedPath {
  readonly template: string;
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/v1/runs/:run_id` → /^\/v1\/runs\/[^/]+$/ ; a trailing `*` matches the rest of the path. */
function patternOf(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return escapeRegExp(segment);
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

export class RouteIndex {
  readonly #paths = new Map<string, IndexedPath>();

  add(route: Pick<RouteOptions, 'url' | 'method'>): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let entry = this.#paths.get(route.url);
    if (entry === undefined) {
      entry = { template: route.url, pattern: patternOf(route.url), methods: new Set() };
      this.#paths.set(route.url, entry);
    }
    for (const method of methods) entry.methods.add(String(method).toUpperCase());
  }

  /** The methods routed for a concrete path, sorted; empty when no template matches it. */
  allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    for (const entry of this.#paths.values()) {
      if (entry.pattern.test(path)) for (const method of entry.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

export type NotFoundHandler = (request: FastifyRequest, reply: FastifyReply) => FastifyReply;

export function createNotFoundHandler(routes: RouteIndex): NotFoundHandler {
  return function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const path = pathOf(request.url);
    const allowed = routes.allowedMethods(path);
    // A routed method that found nothing (a missing static file under /docs) is a 404, not a 405.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      return sendProblem(request, reply, {
        code: 'REQUEST_METHOD_NOT_ALLOWED',
        detail: `${request.method} is not supported on ${path}; use ${allowed.join(', ')}.`,
        headers: { allow: allowed.join(', ') },
      });
    }
    return sendProblem(request, reply, { code: 'REQUEST_NOT_FOUND', detail: `No route matches ${path}.` });
  };
}

/**
 * Whether the router matched a path parameter to nothing (`/v1/runs/` as `/v1/runs/:run_id`).
 * The contract's templates and the route index need a non-empty segment, so that is no route.
 */
function hasEmptyParameter(request: FastifyRequest): boolean {
  const params = request.params;
  if (typeof params !== 'object' || params === null) return false;
  return Object.entries(params).some(([name, value]) => name !== '*' && value === '');
}

/**
 * A `preParsing` hook: a request no route handles (including one whose path parameter is empty)
 * is answered 404/405 before its body is read, so a malformed, over-limit or non-JSON body cannot
 * turn that answer into a 400, 413 or 415. It runs after every `onRequest` hook, so the `/v1`
 * gates (503, 401) still come first.
 */
export function createUnroutedGuard(notFound: NotFoundHandler) {
  return function answerUnroutedBeforeBody(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: RequestPayload,
    done: (error?: Error | null, payload?: RequestPayload) => void,
  ): void {
    if (!request.is404 && !hasEmptyParameter(request)) {
      done(null, payload);
      return;
    }
    // The reply is sent; not calling `done` ends the lifecycle here.
    notFound(request, reply);
  };
}

/** fastify's router errors: the URL cannot be routed as it is (bad percent-encoding, over-long parameter). */
const ROUTER_ERROR_CODES = new Set(['FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH']);

function isRouterError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && ROUTER_ERROR_CODES.has(code);
}

export interface RouterErrorOptions {
  readonly routes: RouteIndex;
  readonly notFound: NotFoundHandler;
  /**
   * The `onRequest` gates of a path (the `/v1` shutdown gate and auth), run before the routing
   * answer as they would be for a routable URL; each throws to refuse the request.
   */
  readonly gatesOf: (path: string) => readonly ((request: FastifyRequest, reply: FastifyReply) => Promise<void>)[];
}

/**
 * fastify's `frameworkErrors`. The router fails on a URL it cannot decode before any hook runs;
 * this answers as routing would have: the path's gates first, then 404/405 when no route has this
 * method for the path, and only then the 400 of a malformed URL on a routed path and method.
 */
export function createRouterErrorHandler(options: RouterErrorOptions) {
  return async function answerRouterError(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (!isRouterError(error)) return errorHandler(error, request, reply);
    const path = pathOf(request.url);
    try {
      for (const gate of options.gatesOf(path)) await gate(request, reply);
    } catch (refusal) {
      return errorHandler(refusal, request, reply);
    }
    if (!options.routes.allowedMethods(path).includes(request.method.toUpperCase())) return options.notFound(request, reply);
    return errorHandler(error, request, reply);
  };
}
