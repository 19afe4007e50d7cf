/**
 * Answers for requests node's HTTP parser refuses before fastify sees them (fastify's
 * `clientErrorHandler`): a header section over the size limit (431), headers or a request not
 * received in time (408), anything unparsable (400). They are problem+json like every other
 * error, written straight to the socket, which is then closed: the parser cannot go on with it.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError } from 'fastify';
import { ERRORS, type ErrorCode } from '../errors.js';
import { buildProblem, PROBLEM_MEDIA_TYPE } from './problem.js';
import { REQUEST_ID_HEADER } from './request-id.js';

const ANSWERS: Readonly<Record<string, { readonly code: ErrorCode; readonly detail: string }>> = {
  HPE_HEADER_OVERFLOW: { code: 'REQUEST_HEADERS_TOO_LARGE', detail: 'The request header section is larger than this server accepts.' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', detail: 'The request was not received in time; the connection is closed.' },
};
const MALFORMED = { code: 'REQUEST_VALIDATION', detail: 'The request could not be parsed as HTTP/1.1.' } as const;

/** Longest request path echoed back in `instance`. */
const INSTANCE_MAX_CHARS = 200;

/** The path of the request line the parser was given, if the packet starts with one (never the query). */
export function instanceOf(rawPacket: unknown): string {
  const data = (rawPacket as { data?: unknown } | undefined)?.data;
  const bytes = Buffer.isBuffer(rawPacket) ? rawPacket : Array.isArray(data) ? Buffer.from(data as number[]) : null;
  if (bytes === null) return '';
  const line = bytes.subarray(0, 4096).toString('latin1').split('\r\n', 1)[0] ?? '';
  const target = /^[A-Z]+ (\/[^ ?#]*)/.exec(line)?.[1];
  return target === undefined ? '' : target.slice(0, INSTANCE_MAX_CHARS);
}

/** The raw HTTP/1.1 answer for a connection-level error (status line, headers, problem body). */
export function clientErrorResponse(error: Pick<ConnectionError, 'code' | 'rawPacket'>, requestId: string): string {
  const { code, detail } = ANSWERS[error.code] ?? MALFORMED;
  const status = ERRORS[code].status;
  const body = JSON.stringify(buildProblem({ code, detail, instance: instanceOf(error.rawPacket), requestId }));
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    `Content-Type: ${PROBLEM_MEDIA_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export function answerClientError(error: ConnectionError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.write(clientErrorResponse(error, randomUUID()));
  socket.destroy(error);
}
