import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/errors.js';
import { classifyError } from '../../../src/http/error-handler.js';

const GENERIC = 'An unexpected error occurred. Quote the request_id when reporting it.';

function fastifyError(code: string, statusCode: number, message = 'fastify says no'): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('classifyError', () => {
  it('keeps message and details of a 4xx ServiceError', () => {
    expect(classifyError(new ServiceError('RUN_NOT_FOUND', 'No run r1.', { details: { run_id: 'r1' } }))).toEqual({
      code: 'RUN_NOT_FOUND',
      detail: 'No run r1.',
      extensions: { run_id: 'r1' },
      unexpected: false,
    });
  });

  it('keeps message and details of a 503 ServiceError (they tell the caller when to retry)', () => {
    const classified = classifyError(new ServiceError('SERVICE_QUEUE_FULL', 'Queue full.', { details: { retryAfterSeconds: 3 } }));
    expect(classified).toMatchObject({ detail: 'Queue full.', extensions: { retryAfterSeconds: 3 }, unexpected: false });
  });

  it('hides message and details of other 5xx ServiceErrors and marks them unexpected', () => {
    expect(classifyError(new ServiceError('PXWEB_HTTP_ERROR', 'upstream said 500 at http://internal', { details: { url: 'x' } }))).toEqual({
      code: 'PXWEB_HTTP_ERROR',
      detail: GENERIC,
      extensions: {},
      unexpected: true,
    });
  });

  it('matches coded errors by code, not class (as after a worker boundary)', () => {
    expect(classifyError({ code: 'RUN_CANCELLED', message: 'Run r1 was cancelled.' })).toMatchObject({
      code: 'RUN_CANCELLED',
      detail: 'Run r1 was cancelled.',
    });
  });

  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'REQUEST_MALFORMED_JSON'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'REQUEST_MALFORMED_JSON'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'REQUEST_BODY_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE'],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'REQUEST_VALIDATION'],
    ['FST_ERR_BAD_URL', 400, 'REQUEST_VALIDATION'],
    ['FST_ERR_MAX_PARAM_LENGTH', 414, 'REQUEST_VALIDATION'],
    ['FST_ERR_NOT_FOUND', 404, 'REQUEST_NOT_FOUND'],
  ])('maps fastify %s to %s', (code, status, expected) => {
    expect(classifyError(fastifyError(code, status))).toMatchObject({ code: expected, unexpected: false });
  });

  it('maps an unknown 4xx error by its status', () => {
    expect(classifyError(fastifyError('FST_ERR_SOMETHING_NEW', 429, 'slow down'))).toEqual({
      code: 'REQUEST_RATE_LIMITED',
      detail: 'slow down',
      extensions: {},
      unexpected: false,
    });
  });

  it.each([new Error('boom'), new TypeError('x is undefined'), 'a thrown string', null, fastifyError('FST_ERR_ASYNC_CONSTRAINT', 500)])(
    'turns %s into a generic 500',
    (error) => {
      expect(classifyError(error)).toEqual({ code: 'INTERNAL', detail: GENERIC, extensions: {}, unexpected: true });
    },
  );
});
