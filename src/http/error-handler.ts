/**
 * The single error handler: every failure, ours or fastify's, leaves as one problem+json body.
 *
 * - `ServiceError` (or anything carrying a catalogue `code`): status and title from the catalogue.
 * - fastify's own errors (`FST_ERR_*`): mapped by `FASTIFY_ERROR_CODES`, else by their 4xx status.
 * - anything else: a generic 500, logged with `err`; the client sees no message or stack.
 *
 * Details and messages are shown to the client only for 4xx, 503 and 507: those describe the
 * request or the service's state. Other 5xx messages may carry internals and are replaced.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, hasErrorCode, type ErrorCode } from '../errors.js';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  PROBLEM_MEDIA_TYPE,
  buildProblem,
  type Problem,
} from './problem.js';
import { REQUEST_ID_HEADER } from './request-id.js';

export const AUTH_REALM = 'moldova-personas';

/** fastify error codes → catalogue codes (fastify's own statuses agree with these). */
const FASTIFY_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'REQUEST_MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'REQUEST_MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'REQUEST_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'REQUEST_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'REQUEST_VALIDATION',
  FST_ERR_BAD_URL: 'REQUEST_VALIDATION',
  FST_ERR_MAX_PARAM_LENGTH: 'REQUEST_VALIDATION',
  FST_ERR_VALIDATION: 'REQUEST_VALIDATION',
  FST_ERR_NOT_FOUND: 'REQUEST_NOT_FOUND',
};

/** Clearer words than fastify's for the failures callers meet most. */
const FASTIFY_DETAILS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but its Content-Type says JSON.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE:
    'The Content-Type of the request body is not accepted; send application/json (or application/*+json).',
};

const GENERIC_5XX_DETAIL = 'An unexpected error occurred. Quote the request_id when reporting it.';

export interface ClassifiedError {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Whether this is a failure of ours (logged at error with the stack) rather than the caller's. */
  readonly unexpected: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function fieldOf(error: unknown, name: string): unknown {
  return isRecord(error) ? error[name] : undefined;
}

/** 503 and 507 describe the instance's state (load, shutdown, a full disk), in our own words. */
export function exposesDetails(status: number): boolean {
  return status < 500 || status === 503 || status === 507;
}

function catalogueCodeByStatus(status: number): ErrorCode {
  const match = (Object.keys(ERRORS) as ErrorCode[]).find(
    (code) => code.startsWith('REQUEST_') && ERRORS[code].status === status,
  );
  return match ?? 'REQUEST_VALIDATION';
}

/** Decides code, client-visible detail and extension members of any thrown value. */
export function classifyError(error: unknown): ClassifiedError {
  if (hasErrorCode(error)) {
    const status = ERRORS[error.code].status;
    const details = fieldOf(error, 'details');
    const visible = exposesDetails(status);
    return {
      code: error.code,
      detail: visible ? error.message : GENERIC_5XX_DETAIL,
      extensions: visible && isRecord(details) ? details : {},
      unexpected: !visible,
    };
  }
  const fastifyCode = fieldOf(error, 'code');
  const statusCode = fieldOf(error, 'statusCode');
  const message = fieldOf(error, 'message');
  if (typeof fastifyCode === 'string' && Object.hasOwn(FASTIFY_ERROR_CODES, fastifyCode)) {
    return {
      code: FASTIFY_ERROR_CODES[fastifyCode] ?? 'REQUEST_VALIDATION',
      detail: FASTIFY_DETAILS[fastifyCode] ?? (typeof message === 'string' ? message : 'Bad request'),
      extensions: {},
      unexpected: false,
    };
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return {
      code: catalogueCodeByStatus(statusCode),
      detail: typeof message === 'string' ? message : 'Bad request',
      extensions: {},
      unexpected: false,
    };
  }
  return { code: 'INTERNAL', detail: GENERIC_5XX_DETAIL, extensions: {}, unexpected: true };
}

function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

function retryAfterOf(extensions: Readonly<Record<string, unknown>>, status: number): number | undefined {
  const requested = extensions['retryAfterSeconds'];
  if (typeof requested === 'number' && Number.isFinite(requested) && requested >= 0) return Math.ceil(requested);
  return status === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined;
}

export interface SendProblemOptions {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Writes one problem response; status-specific headers (Retry-After, WWW-Authenticate) are added here. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, options: SendProblemOptions): FastifyReply {
  const extensions = { ...options.extensions };
  const status = ERRORS[options.code].status;
  const retryAfterSeconds = retryAfterOf(extensions, status);
  delete extensions['retryAfterSeconds'];
  const body: Problem = buildProblem({
    code: options.code,
    detail: options.detail,
    instance: pathOf(request.url),
    requestId: request.id,
    extensions,
  });
  reply.code(status).type(PROBLEM_MEDIA_TYPE).header(REQUEST_ID_HEADER, request.id);
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  if (status === 401) reply.header('www-authenticate', `Bearer realm="${AUTH_REALM}"`);
  for (const [name, value] of Object.entries(options.headers ?? {})) reply.header(name, value);
  return reply.send(body);
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const classified = classifyError(error);
  if (classified.unexpected) {
    request.log.error({ err: error, code: classified.code }, 'request failed');
  } else if (ERRORS[classified.code].status >= 500) {
    // The instance's own state (queue full, shutdown, a full or read-only disk): on-call's business.
    request.log.warn({ code: classified.code }, classified.detail);
  } else {
    request.log.info({ code: classified.code }, classified.detail);
  }
  return sendProblem(request, reply, classified);
}
