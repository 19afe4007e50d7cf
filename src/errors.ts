/**
 * The error catalogue: every coded failure of the service, grouped by area. Pure code throws a
 * `ServiceError` naming a code; only `src/http` turns the code's `status` into a response.
 * Codes are permanent: never reuse or repurpose one. `docs/errors.md` is checked against this
 * table by a contract test.
 */

export const ERRORS = {
  // CONFIG_*: the environment at start-up
  CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },

  // REQUEST_*: what a caller sent
  REQUEST_VALIDATION: { status: 400, title: 'Request validation failed' },
  REQUEST_MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  REQUEST_UNAUTHORIZED: { status: 401, title: 'Missing or invalid API key' },
  REQUEST_NOT_FOUND: { status: 404, title: 'Not found' },
  REQUEST_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  REQUEST_NOT_ACCEPTABLE: { status: 406, title: 'Not acceptable' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request not received in time' },
  REQUEST_CONFLICT: { status: 409, title: 'Conflict with the current state of the resource' },
  REQUEST_GONE: { status: 410, title: 'Gone' },
  REQUEST_BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  REQUEST_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  REQUEST_RANGE_NOT_SATISFIABLE: { status: 416, title: 'Range not satisfiable' },
  REQUEST_IDEMPOTENCY_MISMATCH: { status: 422, title: 'Idempotency-Key reused with a different request' },
  REQUEST_LIMIT_EXCEEDED: { status: 422, title: 'Request exceeds a limit of this instance' },
  REQUEST_CONDITION_EMPTY: { status: 422, title: 'No census mass matches the condition' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  REQUEST_RATE_LIMITED: { status: 429, title: 'Too many requests' },

  // SERVICE_*: the service cannot take work right now
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  SERVICE_QUEUE_FULL: { status: 503, title: 'Run queue is full' },
  SERVICE_SHUTTING_DOWN: { status: 503, title: 'Service is shutting down' },
  SERVICE_STORAGE_FULL: { status: 507, title: 'Insufficient storage' },
  SERVICE_STORAGE_UNAVAILABLE: { status: 503, title: 'Storage takes no writes' },

  // RUN_*: the life of a generation run
  RUN_NOT_FOUND: { status: 404, title: 'Run not found' },
  RUN_NOT_FINISHED: { status: 409, title: 'Run has not finished' },
  RUN_DATASET_WITHHELD: { status: 410, title: 'Dataset withheld' },
  RUN_REJECTED_STRICT: { status: 422, title: 'Run rejected in strict mode' },
  RUN_CANCELLED: { status: 409, title: 'Run was cancelled' },
  RUN_WORKER_FAILED: { status: 500, title: 'Generation worker failed' },
  RUN_STORE_CORRUPT: { status: 500, title: 'Stored run record is corrupt' },

  // CENSUS_*: the embedded snapshot and its tables
  CENSUS_TABLE_INVALID: { status: 500, title: 'Census data table is invalid' },
  CENSUS_TABLE_MISSING: { status: 500, title: 'Census data table is missing' },

  // PXWEB_*: the NBS PxWeb upstream
  PXWEB_SCHEMA_DRIFT: { status: 502, title: 'PxWeb response does not match the expected schema' },
  PXWEB_HTTP_ERROR: { status: 502, title: 'PxWeb answered with an error' },
  PXWEB_UNREACHABLE: { status: 502, title: 'PxWeb could not be reached' },
  PXWEB_CIRCUIT_OPEN: { status: 503, title: 'PxWeb circuit breaker is open' },

  // IPF_* / STATS_*: calibration and statistics
  IPF_TARGETS_INCONSISTENT: { status: 500, title: 'Calibration targets disagree on their totals' },
  IPF_INFEASIBLE: { status: 500, title: 'Calibration target has positive mass where the prior has none' },
  STATS_LENGTH_MISMATCH: { status: 500, title: 'Distributions have different numbers of categories' },
  STATS_INVALID_ARGUMENT: { status: 500, title: 'Invalid argument to a statistical function' },

  // LLM_*: the narrative provider upstream
  LLM_HTTP_ERROR: { status: 502, title: 'LLM provider answered with an error' },
  LLM_UNREACHABLE: { status: 502, title: 'LLM provider could not be reached' },
  LLM_TIMEOUT: { status: 504, title: 'LLM provider timed out' },
  LLM_BAD_RESPONSE: { status: 502, title: 'LLM provider returned an unusable response' },
  LLM_CIRCUIT_OPEN: { status: 503, title: 'LLM circuit breaker is open' },
  LLM_NOT_CONFIGURED: { status: 400, title: 'The llm narrative provider is not configured' },

  // INTERNAL: anything unexpected (never shown with details to clients)
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** One class for every coded failure; match on `code`, never on the message or `instanceof` across workers. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** Duck-typed check that survives worker boundaries and duplicate copies of this module. */
export function hasErrorCode(error: unknown): error is { code: ErrorCode; message: string } {
  return typeof error === 'object' && error !== null && isErrorCode((error as { code?: unknown }).code);
}

/**
 * A message as callers may read it, with file-system paths replaced by `<path>`: node's errors
 * name the file they failed on (`ENOSPC: no space left on device, open '/var/lib/…/runs/…'`),
 * which shows the server's layout. Quoted paths (node's style) and bare absolute ones go; URLs stay.
 */
export function withoutServerPaths(message: string): string {
  return message
    .replace(/'[^'\n]*[\\/][^'\n]*'/g, "'<path>'")
    .replace(/(^|[\s(=,"])(?:[A-Za-z]:)?[\\/](?![\\/])[^\s'"(),]+?(?=[:;.]?(?:[\s'"(),]|$))/g, '$1<path>');
}
