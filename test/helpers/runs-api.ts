/**
 * Talking to the runs API of a real server process over loopback. Every answer goes through
 * `expectContract`, so a test that uses this client cannot see a response the pinned contract
 * does not allow. Waiting for a run is event-driven: the server logs `run started`, `run
 * progress` (debug) and `run finished` with the run id, and the tests wait for those lines.
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { expect } from 'vitest';
import { CSV_COLUMNS } from '../../src/runs/dataset-formats.js';
import { expectedCsvCells, parseCsv } from './csv.js';
import { expectContract } from './contract.js';
import type { ServerProcess } from './server-process.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON for JSON media types, text otherwise (as `expectContract` returns it). */
  readonly body: unknown;
}

export interface SendOptions {
  /** A JSON value, sent as `application/json`. */
  readonly json?: unknown;
  /** Raw bytes or text, sent as they are (set `content-type` yourself). */
  readonly raw?: string | Uint8Array;
  readonly headers?: Record<string, string>;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async send(method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH', path: string, options: SendOptions = {}): Promise<ApiAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Uint8Array | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await request(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const parsed = await expectContract(response, { method, path });
    return { status: response.statusCode, headers: response.headers, body: parsed };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    return this.send('GET', path, { headers });
  }

  post(path: string, json: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    return this.send('POST', path, { json, headers });
  }

  delete(path: string): Promise<ApiAnswer> {
    return this.send('DELETE', path);
  }
}

/** The parts of a Run resource the tests read. */
export interface RunView {
  readonly run_id: string;
  readonly status: string;
  readonly progress: { readonly done: number; readonly total: number };
  readonly decision: string | null;
  readonly gate_codes: string[] | null;
  readonly created_at: string;
  readonly request: unknown;
  readonly effective_request: Record<string, unknown>;
  readonly dataset: { sha256: string; bytes: number; n: number; withheld: boolean } | null;
  readonly error: { code: string; message: string } | null;
}

export interface PayloadView {
  readonly run_id: string;
  readonly decision: string;
  readonly gate_codes: string[];
  readonly profile: string;
  readonly strict_mode: boolean;
  readonly quality_tier: string;
  readonly schema_hash: string;
  readonly config_hash: string;
  readonly dataset_sha256: string | null;
  readonly signals: Record<string, unknown>;
  readonly confidence: string;
}

export interface ProblemView {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors?: { path: string; message: string }[];
  readonly [extension: string]: unknown;
}

/**
 * Asserts a problem answer (RFC 9457): the status, the problem+json media type and, when given,
 * the error code; returns the problem for further checks.
 */
export function expectProblem(answer: Pick<ApiAnswer, 'status' | 'body'> & { readonly headers: Readonly<Record<string, unknown>> }, status: number, code?: string): ProblemView {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(status);
  expect(String(answer.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const problem = answer.body as ProblemView;
  if (code !== undefined) expect(problem.code).toBe(code);
  return problem;
}

/** Resolves when the server logs that the run finished; the log line carries status and decision. */
export function runFinished(server: ServerProcess, runId: string): Promise<Record<string, unknown>> {
  return server.waitForLog((line) => line['msg'] === 'run finished' && line['run_id'] === runId);
}

/** Resolves once the run has written at least one shard (needs LOG_LEVEL=debug). */
export function runProgressed(server: ServerProcess, runId: string): Promise<Record<string, unknown>> {
  return server.waitForLog((line) => line['msg'] === 'run progress' && line['run_id'] === runId && Number(line['done']) > 0);
}

export function runStarted(server: ServerProcess, runId: string): Promise<Record<string, unknown>> {
  return server.waitForLog((line) => line['msg'] === 'run started' && line['run_id'] === runId);
}

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The run id of a `Location: /v1/runs/<id>` header. */
export function runIdOfLocation(headers: Headers): string {
  const location = headers['location'];
  expect(typeof location).toBe('string');
  const match = /^\/v1\/runs\/([0-9a-f-]{36})$/.exec(location as string);
  expect(match, `Location ${String(location)}`).not.toBeNull();
  return match![1]!;
}

/**
 * The dataset media types the server streams today, and how to read the personas back from each.
 * `text/csv` and `application/json` join when `src/runs/dataset-formats.ts` lands: add an entry
 * here (with a parser that returns the personas in order) and every dataset test covers it.
 */
export interface ServedFormat {
  readonly mediaType: string;
  /** What the body reads back as. */
  readonly personas: (text: string) => unknown[];
  /** What that must equal, from the personas of the sync answer (identity when absent). */
  readonly expected?: (records: readonly Record<string, unknown>[]) => unknown[];
}

export const SERVED_DATASET_FORMATS: Readonly<Record<string, ServedFormat>> = {
  ndjson: {
    mediaType: 'application/x-ndjson',
    personas: (text) => {
      expect(text.endsWith('\n'), 'NDJSON ends with a newline').toBe(true);
      return text
        .slice(0, -1)
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
    },
  },
  csv: {
    mediaType: 'text/csv',
    personas: (text) => {
      const [header, ...rows] = parseCsv(text);
      expect(header).toEqual([...CSV_COLUMNS]);
      return rows;
    },
    expected: (records) => records.map(expectedCsvCells),
  },
  json: {
    mediaType: 'application/json',
    // The client parses JSON bodies already.
    personas: (body) => (typeof body === 'string' ? (JSON.parse(body) as unknown[]) : (body as unknown[])),
  },
};
