/**
 * Request ids: a caller (or a proxy in front of us) may send `x-request-id`; we keep it when it is
 * a short token, so one id follows a request across services, and otherwise mint a UUID. The id
 * is echoed in the response header, appears on every request-scoped log line and in every problem
 * body.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Letters, digits and `._:-`, 1..128 characters: enough for UUIDs, ULIDs and trace ids, safe to log. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isAcceptableRequestId(value: unknown): value is string {
  return typeof value === 'string' && ACCEPTED_REQUEST_ID.test(value);
}

export function genReqId(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return isAcceptableRequestId(incoming) ? incoming : randomUUID();
}
