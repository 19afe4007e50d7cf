/**
 * Test-only `/v1` routes, mounted through the `registerV1` extension point by the tests that need
 * a JSON body route or a route that fails on purpose. They are not part of the product or its
 * contract, so responses from them are asserted directly, never with `expectContract`.
 */
import { z } from 'zod';
import { ServiceError } from '../../src/errors.js';
import type { ZodApp } from '../../src/http/route-schema.js';

export const TEST_PREFIX = '/v1/test';

export const EchoBodySchema = z.strictObject({
  n: z.number().int().min(1),
  nested: z.strictObject({ 'a/b': z.string() }).optional(),
});

export const SECRET_MESSAGE = 'database password is hunter2';

/** Routes that take input: a JSON body route and a path-parameter route. */
export async function inputTestRoutes(v1: ZodApp): Promise<void> {
  v1.post('/test/echo', { schema: { body: EchoBodySchema } }, async (request) => ({ received: request.body }));
  v1.get('/test/items/:id', { schema: { params: z.strictObject({ id: z.string().min(1) }) } }, async (request) => ({
    id: request.params.id,
  }));
}

/** Routes that fail on purpose, one per kind of failure. */
export async function failureTestRoutes(v1: ZodApp): Promise<void> {
  v1.get('/test/queue-full', async () => {
    throw new ServiceError('SERVICE_QUEUE_FULL', 'The run queue is full (64 runs).', { details: { retryAfterSeconds: 7 } });
  });
  v1.get('/test/unavailable', async () => {
    throw new ServiceError('SERVICE_UNAVAILABLE', 'Not now.');
  });
  v1.get('/test/crash', async () => {
    throw new Error(SECRET_MESSAGE);
  });
  v1.get('/test/worker-failed', async () => {
    throw new ServiceError('RUN_WORKER_FAILED', SECRET_MESSAGE, { details: { path: '/srv/secret' } });
  });
  v1.get('/test/conflict', async () => {
    throw new ServiceError('RUN_NOT_FINISHED', 'Run r1 is still running.', { details: { run_id: 'r1', status: 'running' } });
  });
}

export async function testRoutes(v1: ZodApp): Promise<void> {
  await inputTestRoutes(v1);
  await failureTestRoutes(v1);
}
