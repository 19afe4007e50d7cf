/**
 * Prometheus metrics. Each app owns a `Registry` (never prom-client's global one), so any number
 * of apps can live in one test process. Later capabilities add their own collectors to
 * `metrics.registry` (runs by status, queue depth, pool utilisation…); `/metrics` serves it.
 *
 * Request metrics are labelled by route *template* (`/v1/runs/:run_id`), never the raw URL,
 * so label cardinality is bounded by the route table; unrouted requests share one label.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionGuard } from './connection-guard.js';

export const UNMATCHED_ROUTE_LABEL = '(unmatched)';

/** Seconds; from 1 ms to 60 s, dense where interactive requests land. */
export const HTTP_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

type HttpLabel = 'method' | 'route' | 'status';

export interface Metrics {
  readonly registry: Registry;
  readonly httpRequestsTotal: Counter<HttpLabel>;
  readonly httpRequestDurationSeconds: Histogram<HttpLabel>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpRequestsTotal = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const httpRequestDurationSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: [...HTTP_DURATION_BUCKETS_SECONDS],
    registers: [registry],
  });
  return { registry, httpRequestsTotal, httpRequestDurationSeconds };
}

export interface ObservedRequest {
  readonly method: string;
  readonly routeTemplate: string | undefined;
  readonly statusCode: number;
  readonly elapsedMs: number;
}

export function observeRequest(metrics: Metrics, observed: ObservedRequest): void {
  const labels = {
    method: observed.method,
    route: observed.routeTemplate ?? UNMATCHED_ROUTE_LABEL,
    status: String(observed.statusCode),
  };
  metrics.httpRequestsTotal.inc(labels);
  metrics.httpRequestDurationSeconds.observe(labels, observed.elapsedMs / 1000);
}

/** The connection cap's view: open connections now, and how many were closed to make room. */
export function registerConnectionMetrics(registry: Registry, guard: ConnectionGuard): void {
  new Gauge({
    name: 'http_open_connections',
    help: 'Client connections open now (at most MAX_CONNECTIONS).',
    registers: [registry],
    collect() {
      this.set(guard.open());
    },
  });
  new Counter({
    name: 'http_connections_shed_total',
    help: 'Connections closed at MAX_CONNECTIONS to make room (the longest-idle first; a newcomer when all are busy).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(guard.shed());
    },
  });
}
