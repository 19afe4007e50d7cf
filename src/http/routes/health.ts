/** `GET /health/live` (the process answers) and `GET /health/ready` (the injected checks pass). */
import { HEALTH_MEDIA_TYPE, HealthReportSchema, runReadinessChecks, type ReadinessCheck } from '../readiness.js';
import { OPEN_ACCESS, problemResponses, type ZodApp } from '../route-schema.js';

const healthContent = (description: string) => ({
  description,
  content: { [HEALTH_MEDIA_TYPE]: { schema: HealthReportSchema } },
});

export function healthRoutes(checks: readonly ReadinessCheck[]) {
  return async function registerHealthRoutes(app: ZodApp): Promise<void> {
    app.get(
      '/health/live',
      {
        schema: {
          operationId: 'getLiveness',
          summary: 'Liveness probe: the process is up and answering (no dependencies checked)',
          tags: ['health'],
          security: OPEN_ACCESS,
          response: { 200: healthContent('Alive'), ...problemResponses([400, 500]) },
        },
      },
      async (_request, reply) => reply.type(HEALTH_MEDIA_TYPE).send({ status: 'pass' as const }),
    );

    app.get(
      '/health/ready',
      {
        schema: {
          operationId: 'getReadiness',
          summary: 'Readiness probe: every injected check, 503 when any fails',
          tags: ['health'],
          security: OPEN_ACCESS,
          response: {
            200: healthContent('Ready (status pass or warn)'),
            503: healthContent('Not ready (status fail)'),
            ...problemResponses([400, 500]),
          },
        },
      },
      async (_request, reply) => {
        const report = await runReadinessChecks(checks, { now: () => new Date() });
        return reply
          .code(report.status === 'fail' ? 503 : 200)
          .type(HEALTH_MEDIA_TYPE)
          .send(report);
      },
    );
  };
}
