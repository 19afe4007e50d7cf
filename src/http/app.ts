/**
 * `buildApp(deps)`: the fastify app factory. It never listens (`cli serve` does) and returns a
 * ready app. Capabilities extend it through `deps` only:
 *   - `registerV1`: route plugins mounted under `/v1` (behind the shutdown gate, auth, JSON-only bodies),
 *   - `readinessChecks`: checks reported by `/health/ready`,
 *   - `metrics`: a registry they have already added collectors to (or `app.metrics` afterwards),
 *   - `onClose` hooks of their own plugins (drain the pool, close the store).
 */
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config/env.js';
import { createLogger, REQUEST_ID_LOG_LABEL, type Logger } from './logger.js';
import { errorHandler } from './error-handler.js';
import { answerClientError } from './client-error.js';
import { guardConnections } from './connection-guard.js';
import { createMetrics, observeRequest, registerConnectionMetrics, type Metrics } from './metrics.js';
import { createNotFoundHandler, createRouterErrorHandler, createUnroutedGuard, RouteIndex } from './not-found.js';
import { readPinnedContract, swaggerOptions } from './openapi.js';
import { dataDirWritableCheck, eventLoopDelayCheck, shutdownCheck, type ReadinessCheck } from './readiness.js';
import { genReqId, REQUEST_ID_HEADER } from './request-id.js';
import type { ZodApp } from './route-schema.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { docsRoutes } from './routes/docs.js';
import { openapiRoutes, parseContract } from './routes/openapi.js';
import { zodValidatorCompiler } from './validation.js';
import { isV1Path, V1_PREFIX, v1Gates, v1Scope, type V1RoutePlugin } from './v1.js';

/**
 * Server timeouts, ms. Requests are small JSON; responses may stream for long, so only idle time
 * is bounded. The headers timeout is configuration (HEADERS_TIMEOUT_MS, at most requestTimeoutMs).
 */
export const HTTP_TIMEOUTS = {
  /** Idle socket time before the socket is destroyed (no bytes either way). */
  connectionTimeoutMs: 120_000,
  /** Longer than the 60 s idle timeout common in load balancers, so they close first. */
  keepAliveTimeoutMs: 72_000,
  /** Time to receive a whole request (headers and body). */
  requestTimeoutMs: 30_000,
} as const;

export interface AppDeps {
  readonly config: Config;
  /** The process logger; defaults to a new one at `config.LOG_LEVEL` on stdout. */
  readonly logger?: Logger;
  /** Reported by `/health/ready` after the built-in ones (event loop, DATA_DIR, shutdown). */
  readonly readinessChecks?: readonly ReadinessCheck[];
  /** Route plugins mounted under `/v1`, each in its own scope. */
  readonly registerV1?: readonly V1RoutePlugin[];
  /** Defaults to a fresh registry; pass one to register capability metrics before the app exists. */
  readonly metrics?: Metrics;
  /** Text of the pinned OpenAPI document served at `/openapi.json`; defaults to `openapi/openapi.json`. */
  readonly contractJson?: string;
  /** Releases what the capabilities hold (runs, worker pool, upstream clients), after requests drain. */
  readonly onClose?: () => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry and HTTP collectors; add capability metrics to `metrics.registry`. */
    metrics: Metrics;
  }
}

export async function buildApp(deps: AppDeps): Promise<ZodApp> {
  const { config } = deps;
  const lifecycle = { closing: false };
  const metrics = deps.metrics ?? createMetrics();
  const routeIndex = new RouteIndex();
  const notFound = createNotFoundHandler(routeIndex);
  const gates = v1Gates({ apiKeys: config.API_KEYS, lifecycle });
  const answerRouterError = createRouterErrorHandler({
    routes: routeIndex,
    notFound,
    gatesOf: (path) => (isV1Path(path) ? gates : []),
  });
  const readinessChecks = [
    shutdownCheck(lifecycle),
    eventLoopDelayCheck(),
    dataDirWritableCheck(config.DATA_DIR),
    ...(deps.readinessChecks ?? []),
  ];

  const logger: FastifyBaseLogger = deps.logger ?? createLogger({ level: config.LOG_LEVEL });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.BODY_LIMIT,
    connectionTimeout: HTTP_TIMEOUTS.connectionTimeoutMs,
    keepAliveTimeout: HTTP_TIMEOUTS.keepAliveTimeoutMs,
    requestTimeout: HTTP_TIMEOUTS.requestTimeoutMs,
    // Headers (also of a connection that sends nothing at all) within HEADERS_TIMEOUT_MS, checked
    // every second rather than node's 30 s, so idle connections cannot pile up.
    http: { headersTimeout: config.HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    clientErrorHandler: answerClientError,
    genReqId,
    logController: new LogController({ requestIdLogLabel: REQUEST_ID_LOG_LABEL }),
    // Our shutdown gate answers with a problem body and Retry-After instead of fastify's plain 503.
    return503OnClosing: false,
    // A URL the router cannot decode: answered as routing would (gates, then 404/405, then 400).
    frameworkErrors: (error, request, reply) => void answerRouterError(error, request, reply),
  }).withTypeProvider<ZodTypeProvider>();

  registerConnectionMetrics(metrics.registry, guardConnections(app.server, config.MAX_CONNECTIONS));
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFound);
  app.decorate('metrics', metrics);

  app.addHook('onRoute', (route) => routeIndex.add(route));
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  // A request no route handles gets its 404/405 before its body is parsed (after every onRequest gate).
  app.addHook('preParsing', createUnroutedGuard(notFound));
  app.addHook('onResponse', async (request, reply) => {
    observeRequest(metrics, {
      method: request.method,
      routeTemplate: request.routeOptions.url,
      statusCode: reply.statusCode,
      elapsedMs: reply.elapsedTime,
    });
  });
  app.addHook('preClose', async () => {
    lifecycle.closing = true;
  });
  // A response finished while closing ends its connection, so server.close() need not wait
  // for keep-alive sockets to idle out.
  app.addHook('onSend', async (_request, reply) => {
    if (lifecycle.closing) reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => {
    for (const check of readinessChecks) check.close?.();
    await deps.onClose?.();
  });

  try {
    await app.register(fastifySwagger, swaggerOptions());
    await app.register(healthRoutes(readinessChecks));
    await app.register(metricsRoutes(metrics));
    const contract = parseContract(deps.contractJson ?? readPinnedContract());
    await app.register(openapiRoutes(contract));
    await app.register(docsRoutes(contract));
    await app.register(
      v1Scope({ gates, routeIndex, plugins: deps.registerV1 ?? [] }),
      { prefix: V1_PREFIX },
    );
    await app.ready();
  } catch (error) {
    // onClose never runs for an app that failed to boot; release what the checks hold.
    for (const check of readinessChecks) check.close?.();
    throw error;
  }
  return app;
}
