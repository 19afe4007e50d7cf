/**
 * The one pino logger of the process. JSON lines by default; human-readable output only when
 * stdout is a terminal *and* pino-pretty happens to be installed (it is not a dependency), and
 * that decision lives in `chooseLogFormat` alone. Secrets are redacted by path; request bodies
 * are never logged (fastify's request serializer logs method, url and addresses only), and query
 * values never reach the log (a caller may put a key there, `?api_key=…`).
 */
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../config/env.js';

export type { Logger } from 'pino';

/** The field that carries the request id on every request-scoped log line. */
export const REQUEST_ID_LOG_LABEL = 'request_id';

/**
 * Paths whose values are replaced by `[redacted]`: credentials in request headers, and the
 * configuration's keys wherever a config object or a fragment of it is logged.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'authorization',
  'apiKey',
  'api_key',
  'API_KEYS',
  'LLM_API_KEY',
  'config.API_KEYS',
  'config.LLM_API_KEY',
  '*.apiKey',
  '*.api_key',
  '*.API_KEYS',
  '*.LLM_API_KEY',
  '*.authorization',
];
export const REDACTED = '[redacted]';

/** Where request URLs are logged (fastify's request serializer); their query values are redacted. */
const URL_PATHS: readonly string[] = ['req.url', 'url'];

/**
 * A URL as logged: the path, and the query's parameter names with their values redacted. We take
 * no secret in the query, but callers do send them there; the names still say what was asked.
 */
export function loggableUrl(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return url;
  const names = url
    .slice(queryAt + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=', 1)[0]!.slice(0, 64)}=${REDACTED}`);
  return `${url.slice(0, queryAt)}?${names.join('&')}`;
}

/** Redaction's censor: logged URLs lose their query values, everything else on the list its value. */
function censor(value: unknown, path: readonly string[]): unknown {
  return path.at(-1) === 'url' && typeof value === 'string' ? loggableUrl(value) : REDACTED;
}

export type LogFormat = 'json' | 'pretty';

/** Pretty output needs a terminal to read it and the optional pino-pretty package to produce it. */
export function chooseLogFormat(stream: { readonly isTTY?: boolean }, prettyAvailable: boolean): LogFormat {
  return stream.isTTY === true && prettyAvailable ? 'pretty' : 'json';
}

function isPrettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    // Optional dependency absent: JSON lines are the intended fallback, not an error.
    return false;
  }
}

export interface CreateLoggerOptions {
  readonly level: Config['LOG_LEVEL'];
  /** Where lines go; defaults to stdout (fd 1), written synchronously so nothing is lost on exit. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const base: LoggerOptions = {
    level: options.level,
    redact: { paths: [...REDACT_PATHS, ...URL_PATHS], censor },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.destination !== undefined) return pino(base, options.destination);
  if (chooseLogFormat(process.stdout, isPrettyAvailable()) === 'pretty') {
    return pino({ ...base, transport: { target: 'pino-pretty' } });
  }
  return pino(base, pino.destination({ dest: 1, sync: true }));
}
