/**
 * Request validation with zod. We use our own validator compiler (fastify-type-provider-zod's
 * joins issue paths without escaping them) so that each failure becomes a `REQUEST_VALIDATION`
 * ServiceError whose `errors` carry RFC 6901 JSON Pointers rooted at the request part:
 * `/body/n`, `/body/narratives/provider`, `/query/limit`, `/params/run_id`, `/headers/idempotency-key`.
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { ServiceError } from '../errors.js';
import type { ProblemFieldError } from './problem.js';

/** fastify's names for the request parts, mapped to the first pointer segment. */
const PART_NAMES: Readonly<Record<string, string>> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/**
 * Bounds on what a validation problem echoes back, so an error body stays small whatever the
 * request (a 59 KB body of unknown keys once drew a 293 KB answer): the first errors only, and
 * each pointer segment and message cut to a length that still shows which field it is.
 */
export const MAX_REPORTED_ERRORS = 20;
export const MAX_ECHOED_CHARS = 120;

function truncated(text: string): string {
  return text.length <= MAX_ECHOED_CHARS ? text : `${text.slice(0, MAX_ECHOED_CHARS)}…`;
}

function escapePointerSegment(segment: PropertyKey): string {
  return truncated(String(segment)).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function jsonPointer(segments: readonly PropertyKey[]): string {
  return segments.map((segment) => `/${escapePointerSegment(segment)}`).join('');
}

/** Every failed check (its count), and the first MAX_REPORTED_ERRORS of them as field errors. */
export function fieldErrorsOf(part: string, issues: readonly z.core.$ZodIssue[]): { errors: ProblemFieldError[]; total: number } {
  const errors: ProblemFieldError[] = [];
  let total = 0;
  const add = (path: readonly PropertyKey[], message: string): void => {
    total += 1;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ path: jsonPointer([part, ...path]), message: truncated(message) });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // An unknown key becomes its own entry pointing at that key.
      for (const key of issue.keys) add([...issue.path, key], 'Unknown field');
    } else {
      add(issue.path, issue.message);
    }
  }
  return { errors, total };
}

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = PART_NAMES[httpPart ?? 'body'] ?? 'body';
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    const { errors, total } = fieldErrorsOf(part, result.error.issues);
    const shown = total > errors.length ? ` (the first ${errors.length} of ${total} errors are listed)` : '';
    return {
      error: new ServiceError('REQUEST_VALIDATION', `The request ${part} does not match the schema${shown}`, {
        details: { errors },
      }),
    };
  };
};
