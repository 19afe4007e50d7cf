/** `GET /metrics`: this app's Prometheus registry in the text exposition format. */
import { z } from 'zod';
import type { Metrics } from '../metrics.js';
import { OPEN_ACCESS, problemResponses, type ZodApp } from '../route-schema.js';

export function metricsRoutes(metrics: Metrics) {
  return async function registerMetricsRoutes(app: ZodApp): Promise<void> {
    app.get(
      '/metrics',
      {
        schema: {
          operationId: 'getMetrics',
          summary: 'Prometheus metrics (text exposition format 0.0.4)',
          tags: ['operations'],
          security: OPEN_ACCESS,
          response: {
            200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
            ...problemResponses([400, 500]),
          },
        },
      },
      async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };
}
