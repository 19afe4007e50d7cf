/**
 * The one pino logger of the process. JSON lines by default; human-readable output only when
 * stdout is a terminal *and* pino-pretty happens to be installed (it is not a dependency), and
 * that decision lives in `chooseLogFormat` alone. Secrets are redacted by path; request bodies
 * are never logged (fastify's request serializer logs method, url and addresses only).
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
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.destination !== undefined) return pino(base, options.destination);
  if (chooseLogFormat(process.stdout, isPrettyAvailable()) === 'pretty') {
    return pino({ ...base, transport: { target: 'pino-pretty' } });
  }
  return pino(base, pino.destination({ dest: 1, sync: true }));
}
