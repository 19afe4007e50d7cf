/**
 * Shared pieces of route declarations: the zod-typed instance, and the problem responses each
 * operation lists (the contract transform turns them into `$ref`s to `components.responses`).
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PROBLEM_MEDIA_TYPE, ProblemSchema } from './problem.js';

export type ZodApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** `/v1` operations: a bearer key, enforced when the server sets API_KEYS (the `bearerAuth` scheme). */
export const BEARER_AUTH = [{ bearerAuth: [] }];
/** Probes, metrics and the contract: open whatever API_KEYS says (an explicit empty requirement). */
export const OPEN_ACCESS = [];

function describeStatus(status: number): string {
  return STATUS_CODES[status] ?? 'Problem';
}

export function problemResponses<const S extends number>(statuses: readonly S[]) {
  const responses = {} as Record<S, { description: string; content: { [PROBLEM_MEDIA_TYPE]: { schema: typeof ProblemSchema } } }>;
  for (const status of statuses) {
    responses[status] = { description: describeStatus(status), content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } } };
  }
  return responses;
}
