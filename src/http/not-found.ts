/**
 * 404 versus 405. fastify answers a known path with an unrouted method as "not found"; HTTP
 * wants 405 with an `Allow` header. `RouteIndex` records every route template as it is added
 * (an `onRoute` hook on the root instance sees the routes of every plugin) and the not-found
 * handler asks it which methods the requested path supports.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { sendProblem } from './error-handler.js';

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

export function createNotFoundHandler(routes: RouteIndex) {
  return function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const path = pathOf(request.url);
    const allowed = routes.allowedMethods(path);
    if (allowed.length > 0) {
      return sendProblem(request, reply, {
        code: 'REQUEST_METHOD_NOT_ALLOWED',
        detail: `${request.method} is not supported on ${path}; use ${allowed.join(', ')}.`,
        headers: { allow: allowed.join(', ') },
      });
    }
    return sendProblem(request, reply, { code: 'REQUEST_NOT_FOUND', detail: `No route matches ${path}.` });
  };
}
