/**
 * Request validation with zod. We use our own validator compiler (fastify-type-provider-zod's
 * joins issue paths without escaping them) so that each failure becomes a `REQUEST_VALIDATION`
 * ServiceError whose `errors` carry RFC 6901 JSON Pointers rooted at the request part:
 * `/body/n`, `/body/narratives/provider`, `/query/limit`, `/params/run_id`, `/headers/prefer`.
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

function escapePointerSegment(segment: PropertyKey): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function jsonPointer(segments: readonly PropertyKey[]): string {
  return segments.map((segment) => `/${escapePointerSegment(segment)}`).join('');
}

/** One entry per failed check; an unknown key becomes its own entry pointing at that key. */
export function fieldErrorsOf(part: string, issues: readonly z.core.$ZodIssue[]): ProblemFieldError[] {
  const errors: ProblemFieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ path: jsonPointer([part, ...issue.path, key]), message: 'Unknown field' });
      }
    } else {
      errors.push({ path: jsonPointer([part, ...issue.path]), message: issue.message });
    }
  }
  return errors;
}

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = PART_NAMES[httpPart ?? 'body'] ?? 'body';
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    const errors = fieldErrorsOf(part, result.error.issues);
    return {
      error: new ServiceError('REQUEST_VALIDATION', `The request ${part} does not match the schema`, {
        details: { errors },
      }),
    };
  };
};
