/**
 * RFC 9457 problem details: the one body shape of every error response.
 *
 * `type` is derived from the catalogue code (`REQUEST_BODY_TOO_LARGE` →
 * `urn:moldova-personas:problem:request-body-too-large`), so it is stable for as long as the code
 * is (codes are never reused). The URN is an identifier, not a link; `docs/errors.md` describes
 * each one. `code` repeats the catalogue code for callers that match on it directly.
 */
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors.js';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_PREFIX = 'urn:moldova-personas:problem:';

/** A 503 that names no `retryAfterSeconds` still tells the caller when to come back. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

export function problemTypeOf(code: ErrorCode): string {
  return PROBLEM_TYPE_PREFIX + code.toLowerCase().replaceAll('_', '-');
}

/** One failed check of a request part; `path` is a JSON Pointer (RFC 6901) such as `/body/n`. */
export const ProblemFieldErrorSchema = z.strictObject({
  path: z.string().describe('JSON Pointer (RFC 6901) into the request, first segment the part: /body/n, /query/limit'),
  message: z.string(),
});
export type ProblemFieldError = z.infer<typeof ProblemFieldErrorSchema>;

/**
 * The problem body. Extension members beyond the listed ones may appear (e.g. `run_id`,
 * `gate_codes` on a strict rejection), hence a loose object.
 */
export const ProblemSchema = z
  .looseObject({
    type: z.string().describe('urn:moldova-personas:problem:<code in kebab case>'),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    instance: z.string().describe('The request path this problem occurred on'),
    code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
    request_id: z.string(),
    errors: z.array(ProblemFieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type Problem = z.infer<typeof ProblemSchema>;

const RESERVED_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'request_id']);

export interface ProblemInput {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly instance: string;
  readonly requestId: string;
  /** Extension members (e.g. `errors`, `run_id`); reserved member names are ignored. */
  readonly extensions?: Readonly<Record<string, unknown>> | undefined;
}

/** Builds the body; the status and title always come from the catalogue. */
export function buildProblem(input: ProblemInput): Problem {
  const entry = ERRORS[input.code];
  const problem: Problem = {
    type: problemTypeOf(input.code),
    title: entry.title,
    status: entry.status,
    detail: input.detail,
    instance: input.instance,
    code: input.code,
    request_id: input.requestId,
  };
  for (const [name, value] of Object.entries(input.extensions ?? {})) {
    if (!RESERVED_MEMBERS.has(name) && value !== undefined) problem[name] = value;
  }
  return problem;
}
