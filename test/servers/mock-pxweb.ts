/**
 * A local PxWeb API v1 for tests: node:http on 127.0.0.1, port 0. It serves table POP010200rcl
 * (metadata on GET, the legacy `json` format on POST) with the response shapes of the reference's
 * PXWEB_API.md §2-3, including the total codes `0` and the age codes 101 (under 1 year) and 102
 * (85 and over).
 *
 * The counts are SYNTHETIC: the embedded single-age table (data/census/age_single.json) split by
 * fixed test proportions (female share rising linearly from 48% at age 0 to 58% at 85+, 45%
 * urban at every age), rounded so that every split adds up exactly. Totals are sums, so the cube
 * is internally consistent. They are not NBS figures.
 *
 * Tests script failures per request (`failNext`) or for every request (`failAlways`): hang,
 * an HTTP status (with Retry-After), a malformed body, changed codes or columns, empty data, a
 * missing cell, placeholder labels, or totals sent although not asked for. It counts requests.
 *
 * Hostile modes, for the limits of the client: `trickle` (200, then one byte of a valid answer
 * every `intervalMs`: no per-chunk timeout ever fires), `stall_body` (200 and half the answer,
 * then nothing), `huge` (a body of `bytes` bytes as fast as the reader takes it) and
 * `announced_length` (a Content-Length of `contentLength`, a few bytes, then nothing). Each
 * stops writing when its connection closes; `bodyBytesSent` counts what left the mock.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MOCK_TABLE_PATH = '20 Populatia si procesele demografice/POP010/POPro/POP010200rcl.px';
export const MOCK_LATEST_YEAR = '2025';

export type MockFailure =
  | { readonly kind: 'hang' }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'malformed_json' }
  | { readonly kind: 'changed_codes' }
  | { readonly kind: 'changed_columns' }
  | { readonly kind: 'empty_data' }
  | { readonly kind: 'missing_cell' }
  | { readonly kind: 'with_totals' }
  | { readonly kind: 'placeholder_labels' }
  | { readonly kind: 'trickle'; readonly intervalMs: number }
  | { readonly kind: 'stall_body' }
  | { readonly kind: 'huge'; readonly bytes: number }
  | { readonly kind: 'announced_length'; readonly contentLength: number };

type HostileFailure = Extract<MockFailure, { kind: 'trickle' | 'stall_body' | 'huge' | 'announced_length' }>;
const HOSTILE_KINDS: ReadonlySet<string> = new Set(['trickle', 'stall_body', 'huge', 'announced_length']);
const isHostile = (failure: MockFailure): failure is HostileFailure => HOSTILE_KINDS.has(failure.kind);

export interface ScriptedFailure {
  /** Which request kind it applies to; any when absent. */
  readonly method?: 'GET' | 'POST';
  readonly failure: MockFailure;
}

export interface MockRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

export interface MockPxweb {
  /** API base, e.g. `http://127.0.0.1:PORT/PxWeb/api/v1/ro`. */
  readonly baseUrl: string;
  readonly requests: readonly MockRequest[];
  /** Body bytes written by the hostile modes so far (what a reader could have received at most). */
  readonly bodyBytesSent: () => number;
  failNext(...failures: ScriptedFailure[]): void;
  failAlways(failure: MockFailure | null): void;
  /** Resolves when the server has received `count` requests in total. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

const YEARS = Array.from({ length: 12 }, (_, i) => String(2014 + i));
const SEX_CODES = ['0', '1', '2'];
const SEX_TEXTS = ['Total', 'Masculin', 'Feminin'];
const AREA_CODES = ['0', '1', '2'];
const AREA_TEXTS = ['Total', 'Urban', 'Rural'];
const AGE_CODES = ['0', '101', ...Array.from({ length: 84 }, (_, i) => String(i + 1)), '102'];
const AGE_TEXTS = ['Total', 'sub 1 an', '1 an', ...Array.from({ length: 83 }, (_, i) => `${i + 2} ani`), '85 ani si peste'];
const VARIABLES = ['Ani', 'Sexe', 'Varste', 'Medii'] as const;

/** Synthetic persons by [ageIndex 0..85][sex 1|2][area 1|2], from the embedded age table. */
function syntheticCube(): number[][][] {
  const url = new URL('../../data/census/age_single.json', import.meta.url);
  const table = JSON.parse(readFileSync(url, 'utf8')) as { values: number[] };
  return table.values.map((count, ageIndex) => {
    const female = Math.round(count * (0.48 + (0.1 * ageIndex) / 85));
    const bySex = [count - female, female]; // [male (code 1), female (code 2)]
    return bySex.map((persons) => {
      const urban = Math.round(persons * 0.45);
      return [urban, persons - urban];
    });
  });
}

function metadataBody(placeholders: boolean): unknown {
  const texts = (list: readonly string[]): string[] => (placeholders ? list.map(() => '...') : [...list]);
  return {
    title: 'Populatia cu resedinta obisnuita pe ani, sexe, varste si medii, la 1 ianuarie',
    variables: [
      { code: 'Ani', text: 'Ani', values: YEARS, valueTexts: YEARS, time: true },
      { code: 'Sexe', text: 'Sexe', values: SEX_CODES, valueTexts: texts(SEX_TEXTS), elimination: true },
      { code: 'Varste', text: 'Varste', values: AGE_CODES, valueTexts: texts(AGE_TEXTS), elimination: true },
      { code: 'Medii', text: 'Medii', values: AREA_CODES, valueTexts: texts(AREA_TEXTS), elimination: true },
    ],
  };
}

const QUERY_CODES: Record<(typeof VARIABLES)[number], readonly string[]> = {
  Ani: YEARS,
  Sexe: SEX_CODES,
  Varste: AGE_CODES,
  Medii: AREA_CODES,
};

/** The codes a query selects per variable (item / all / top), or an error text for a 400. */
function selections(body: string, ignoreSelection: boolean): Map<string, readonly string[]> | string {
  let query: { code: string; selection: { filter: string; values: string[] } }[];
  try {
    query = (JSON.parse(body) as { query: typeof query }).query;
  } catch {
    return 'malformed query';
  }
  const selected = new Map<string, readonly string[]>();
  for (const variable of VARIABLES) {
    const all = QUERY_CODES[variable];
    const entry = query.find((q) => q.code === variable);
    if (ignoreSelection) selected.set(variable, variable === 'Ani' ? [MOCK_LATEST_YEAR] : all);
    else if (entry === undefined) continue; // eliminated: its total is used and its column omitted
    else if (entry.selection.filter === 'all') selected.set(variable, all);
    else if (entry.selection.filter === 'top') selected.set(variable, all.slice(-Number(entry.selection.values[0] ?? '1')));
    else if (entry.selection.filter === 'item') {
      const unknown = entry.selection.values.filter((code) => !all.includes(code));
      if (unknown.length > 0) return `unknown value(s) ${unknown.join(',')} for ${variable}`;
      selected.set(variable, entry.selection.values);
    } else return `unsupported filter ${entry.selection.filter}`;
  }
  return selected;
}

function cellValue(cube: number[][][], sex: string, age: string, area: string): number {
  const ages = age === '0' ? AGE_CODES.slice(1) : [age];
  const sexes = sex === '0' ? ['1', '2'] : [sex];
  const areas = area === '0' ? ['1', '2'] : [area];
  let sum = 0;
  for (const a of ages) {
    const ageIndex = a === '101' ? 0 : a === '102' ? 85 : Number(a);
    for (const s of sexes) for (const r of areas) sum += cube[ageIndex]?.[Number(s) - 1]?.[Number(r) - 1] ?? 0;
  }
  return sum;
}

function dataBody(cube: number[][][], selected: Map<string, readonly string[]>, failure: MockFailure | null): unknown {
  const variables = VARIABLES.filter((variable) => selected.has(variable));
  const columns = [
    ...variables.map((code) => ({ code: failure?.kind === 'changed_columns' && code === 'Sexe' ? 'Sex' : code, text: code, type: code === 'Ani' ? 't' : 'd' })),
    { code: 'POP010200rcl', text: 'Populatia cu resedinta obisnuita', type: 'c' },
  ];
  const data: { key: string[]; values: string[] }[] = [];
  const walk = (depth: number, key: string[]): void => {
    const variable = variables[depth];
    if (variable === undefined) {
      const pick = (name: string): string => key[variables.indexOf(name as (typeof VARIABLES)[number])] ?? '0';
      data.push({ key: [...key], values: [String(cellValue(cube, pick('Sexe'), pick('Varste'), pick('Medii')))] });
      return;
    }
    for (const code of selected.get(variable) ?? []) walk(depth + 1, [...key, code]);
  };
  walk(0, []);
  if (failure?.kind === 'changed_codes') {
    const sexAt = variables.indexOf('Sexe');
    for (const row of data) row.key[sexAt] = row.key[sexAt] === '1' ? 'M' : row.key[sexAt] === '2' ? 'F' : (row.key[sexAt] ?? '');
  }
  if (failure?.kind === 'missing_cell' && data[0] !== undefined) data[0].values = ['..'];
  return {
    columns,
    comments: [],
    data: failure?.kind === 'empty_data' ? [] : data,
    metadata: [
      {
        infofile: 'POP010200',
        updated: '2025-06-10T14:00:00Z',
        label: 'Usual resident population by years, sex, age and area (synthetic mock data)',
        source: 'Synthetic test data shaped like the National Bureau of Statistics PxWeb API',
      },
    ],
  };
}

export async function startMockPxweb(options: { tablePaths?: readonly string[] } = {}): Promise<MockPxweb> {
  const tablePaths = new Set((options.tablePaths ?? [MOCK_TABLE_PATH]).map((path) => `/PxWeb/api/v1/ro/${path}`));
  const cube = syntheticCube();
  const requests: MockRequest[] = [];
  const script: ScriptedFailure[] = [];
  let always: MockFailure | null = null;
  const waiters: { count: number; resolve: () => void }[] = [];

  const nextFailure = (method: string): MockFailure | null => {
    const index = script.findIndex((entry) => entry.method === undefined || entry.method === method);
    if (index >= 0) return script.splice(index, 1)[0]?.failure ?? null;
    return always;
  };

  let bodyBytesSent = 0;
  const send = (res: ServerResponse, chunk: string | Buffer): boolean => {
    bodyBytesSent += Buffer.byteLength(chunk);
    return res.write(chunk);
  };

  /** The hostile modes: each writes until its connection closes (or its body is done). */
  const hostile = (res: ServerResponse, failure: HostileFailure): void => {
    const answer = JSON.stringify(metadataBody(false));
    let closed = false;
    res.on('close', () => (closed = true));
    if (failure.kind === 'announced_length') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(failure.contentLength) });
      send(res, answer.slice(0, 16));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (failure.kind === 'stall_body') {
      send(res, answer.slice(0, Math.floor(answer.length / 2)));
      return;
    }
    if (failure.kind === 'trickle') {
      let at = 0;
      const timer = setInterval(() => {
        if (closed || at >= answer.length) return void clearInterval(timer);
        send(res, answer[at]!);
        at += 1;
      }, failure.intervalMs);
      return;
    }
    // huge: an array that never seems to end, written as fast as the reader drains it.
    const chunk = Buffer.from('[1,2,3,4,5,6,7,8,9,0],'.repeat(3_000));
    let left = failure.bytes;
    send(res, '{"variables":[');
    const pump = (): void => {
      while (!closed && left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!send(res, piece)) return void res.once('drain', pump);
      }
      if (!closed) res.end();
    };
    pump();
  };

  const respond = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://mock').pathname);
    requests.push({ method, path, body });
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
    const failure = nextFailure(method);
    if (failure?.kind === 'hang') return; // never answer; close() destroys the socket
    if (failure !== null && isHostile(failure)) return hostile(res, failure);
    if (failure?.kind === 'status') {
      res.writeHead(failure.status, { 'content-type': 'text/plain', ...(failure.retryAfter === undefined ? {} : { 'retry-after': failure.retryAfter }) });
      res.end(`mock error ${failure.status}`);
      return;
    }
    if (!tablePaths.has(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    if (failure?.kind === 'malformed_json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"columns": [{"code": "Ani", "te');
      return;
    }
    let payload: unknown;
    if (method === 'GET') payload = metadataBody(failure?.kind === 'placeholder_labels');
    else if (method === 'POST') {
      const selected = selections(body, failure?.kind === 'with_totals');
      if (typeof selected === 'string') {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(selected);
        return;
      }
      payload = dataBody(cube, selected, failure);
    } else {
      res.writeHead(405).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(payload));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/PxWeb/api/v1/ro`,
    requests,
    bodyBytesSent: () => bodyBytesSent,
    failNext: (...failures) => {
      script.push(...failures);
    },
    failAlways: (failure) => {
      always = failure;
    },
    waitForRequests: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () => {
      // Idempotent: dead-upstream tests close the server early and afterEach closes it again.
      if (!server.listening) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** The synthetic counts the mock serves, for assertions: [ageIndex][male, female][urban, rural]. */
export function mockSyntheticCube(): number[][][] {
  return syntheticCube();
}
