/**
 * HTTP for `GET /v1/runs/{id}/dataset`: content negotiation (RFC 9110 §12.5.1; NDJSON by default,
 * 406 for an Accept header no format satisfies), content coding (§12.5.3; gzip or br for the text
 * formats, streamed), validators (§8.8.3, §13.1.2: an ETag per representation, If-None-Match
 * → 304) and byte ranges of the stored NDJSON (RFC 9110 §14: one range, If-Range, 206/416).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { fstat, ReadStream } from 'node:fs';
import { promisify } from 'node:util';
import { pipeline, Transform, type Readable } from 'node:stream';
import { constants as zlib, createBrotliCompress, createGzip } from 'node:zlib';
import { ServiceError } from '../errors.js';
import { createDatasetTransform, DATASET_FORMATS, DATASET_MEDIA_TYPES, type DatasetFormat } from '../runs/dataset-formats.js';

/** The media type without parameters (what Accept ranges and the contract name). */
export function baseMediaType(format: DatasetFormat): string {
  return DATASET_MEDIA_TYPES[format].split(';')[0]!.trim();
}

interface Range {
  readonly type: string;
  readonly q: number;
}

function parseAccept(header: string): Range[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [type, ...params] = part.split(';').map((piece) => piece.trim());
      const q = params.find((param) => param.toLowerCase().startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      if (!type || !/^[\w.+*-]+\/[\w.+*-]+$/.test(type) || !(weight >= 0 && weight <= 1)) {
        throw new ServiceError('REQUEST_VALIDATION', `Invalid Accept header: '${part.slice(0, 60)}'`, {
          details: { errors: [{ path: '/headers/accept', message: 'expected media ranges such as text/csv;q=0.9' }] },
        });
      }
      return { type: type.toLowerCase(), q: weight };
    });
}

function matches(range: string, mediaType: string): boolean {
  if (range === '*/*') return true;
  const [type, subtype] = range.split('/');
  const [mediaMain] = mediaType.split('/');
  return subtype === '*' ? type === mediaMain : range === mediaType;
}

/**
 * The offered media type an Accept header prefers (absent, empty or `*\/*`: the first offered);
 * the highest q wins, then a specific range over a wildcard, then the order offered. Null when
 * nothing offered is acceptable.
 */
export function negotiateMediaType<T extends string>(accept: string | undefined, offered: readonly T[]): T | null {
  if (accept === undefined || accept.trim() === '') return offered[0] ?? null;
  const ranges = parseAccept(accept);
  let best: { type: T; q: number; specific: boolean } | undefined;
  for (const type of offered) {
    for (const range of ranges) {
      if (range.q === 0 || !matches(range.type, type)) continue;
      const specific = !range.type.includes('*');
      if (!best || range.q > best.q || (range.q === best.q && specific && !best.specific)) best = { type, q: range.q, specific };
    }
  }
  return best?.type ?? null;
}

/** The dataset format for an Accept header (absent or `*\/*`: NDJSON). */
export function negotiateDatasetType(accept: string | undefined): DatasetFormat {
  const type = negotiateMediaType(accept, DATASET_FORMATS.map(baseMediaType));
  if (type === null) {
    throw new ServiceError('REQUEST_NOT_ACCEPTABLE', `The dataset is available as ${DATASET_FORMATS.map(baseMediaType).join(', ')}.`);
  }
  return DATASET_FORMATS.find((format) => baseMediaType(format) === type)!;
}

/** What the run record says the stored NDJSON is: its length and `sha256:<hex>` digest. */
export interface StoredDataset {
  readonly bytes: number;
  readonly sha256: string;
}

/** Content codings offered, best first on a tie: gzip (everywhere) before br. */
export const DATASET_ENCODINGS = ['gzip', 'br'] as const;
export type DatasetEncoding = (typeof DATASET_ENCODINGS)[number] | 'identity';

/** Formats worth compressing (text); a compressed format is always sent as it is. */
const TEXT_FORMATS: readonly string[] = ['ndjson', 'csv', 'json'];

/**
 * The content coding for an Accept-Encoding header (RFC 9110 §12.5.3): the listed coding (gzip,
 * br; `x-gzip` is gzip, `*` any coding not named) with the highest q above 0, gzip first on a
 * tie; identity when none is listed, or when identity itself is listed with a higher q. Identity
 * is never refused: a client that forbids it still gets bytes it can read, not a 406.
 */
export function negotiateEncoding(header: string | undefined, format: DatasetFormat): DatasetEncoding {
  if (header === undefined || !TEXT_FORMATS.includes(format)) return 'identity';
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!(weight >= 0 && weight <= 1)) continue; // a malformed weight: that coding is ignored
    weights.set(name === 'x-gzip' ? 'gzip' : name, weight);
  }
  let best: DatasetEncoding = 'identity';
  let bestWeight = weights.get('identity') ?? 0;
  for (const coding of DATASET_ENCODINGS) {
    const weight = weights.get(coding) ?? weights.get('*') ?? 0;
    if (weight > 0 && (weight > bestWeight || (best === 'identity' && weight === bestWeight))) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}

/**
 * The strong ETag of one representation (RFC 9110 §8.8.1): the NDJSON answer's is the
 * dataset_sha256 itself; other formats and codings are other bytes, so each gets its own tag
 * (`-csv`, `-json`, then `-gzip` or `-br`). Compression is deterministic for one build (fixed
 * levels, no timestamps in the gzip header), so the coded tags are strong too.
 */
export function datasetEtag(dataset: StoredDataset, format: DatasetFormat, encoding: DatasetEncoding = 'identity'): string {
  const suffix = `${format === 'ndjson' ? '' : `-${format}`}${encoding === 'identity' ? '' : `-${encoding}`}`;
  return `"${dataset.sha256}${suffix}"`;
}

/**
 * Whether If-None-Match names `etag` (RFC 9110 §13.1.2: weak comparison, `*` matches any current
 * representation). A malformed list matches nothing, so the full answer goes out.
 */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag.length > 0 && opaque(tag) === opaque(etag));
}

/** A satisfiable byte range of a representation of `size` bytes: [start, end], both inclusive. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The byte range a Range header asks for (RFC 9110 §14.1.2), or `null` to answer in full (no
 * header, another unit, several ranges, a malformed spec: all allowed to be ignored), or
 * `'unsatisfiable'` for a well-formed single range that starts past the end (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start)) return null;
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(end) || end < start) return null;
  return { start, end };
}

/**
 * Whether a range request may be answered with a range (RFC 9110 §13.1.5): no If-Range, or one
 * naming the current strong ETag (a date or a weak tag never matches here: answer in full).
 */
export function ifRangeHolds(header: string | undefined, etag: string): boolean {
  return header === undefined || header.trim() === etag;
}

/** The compressor of a coding: fixed levels, so one build gives the same bytes for one input. */
function compressor(encoding: Exclude<DatasetEncoding, 'identity'>): Transform {
  // br at quality 5: close to gzip -6 in speed on persona NDJSON, smaller output; 11 (the default) is far slower.
  return encoding === 'gzip' ? createGzip({ level: 6 }) : createBrotliCompress({ params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } });
}

function corrupt(detail: string): ServiceError {
  return new ServiceError('RUN_STORE_CORRUPT', `the stored dataset ${detail}; it is not served`);
}

/**
 * Passes the stored bytes through while counting and hashing them; fails the stream when they
 * are more, fewer or other bytes than the record says. A failure after the headers went out
 * destroys the response, so a caller never gets wrong bytes as a complete answer under the ETag.
 */
function integrityCheck(expected: StoredDataset): Transform {
  const hash = createHash('sha256');
  let seen = 0;
  // The last chunk is held until the hash is known: with a Content-Length, a client that got every
  // byte would take the answer as complete even if the connection were cut after them.
  let held: Buffer | null = null;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.byteLength;
      if (seen > expected.bytes) return callback(corrupt(`is longer than the ${expected.bytes} bytes of its record`));
      hash.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous ?? undefined);
    },
    flush(callback) {
      if (seen !== expected.bytes) return callback(corrupt(`has ${seen} bytes, its record ${expected.bytes}`));
      const digest = `sha256:${hash.digest('hex')}`;
      if (digest !== expected.sha256) return callback(corrupt(`hashes to ${digest}, its record to ${expected.sha256}`));
      callback(null, held ?? undefined);
    },
  });
}

/** The size of the file a read stream opened (the one it will read, whatever the path holds now). */
async function openedFileSize(stream: ReadStream): Promise<number> {
  if (stream.pending) await once(stream, 'ready');
  return (await promisify(fstat)((stream as unknown as { fd: number }).fd)).size;
}

/**
 * The response body for a format: the stored NDJSON, checked against its record, as is or
 * converted while streaming. The stages are joined with `pipeline`, so when the caller goes away
 * (fastify destroys the body) every stage is destroyed and the file is closed. A file whose size
 * disagrees with the record is refused before any byte is sent (RUN_STORE_CORRUPT, 500).
 */
export async function datasetBody(
  ndjson: Readable,
  format: DatasetFormat,
  expected: StoredDataset,
  encoding: DatasetEncoding = 'identity',
): Promise<Readable> {
  try {
    if (ndjson instanceof ReadStream) {
      const size = await openedFileSize(ndjson);
      if (size !== expected.bytes) throw corrupt(`has ${size} bytes, its record ${expected.bytes}`);
    }
    const stages: Transform[] = [
      integrityCheck(expected),
      ...(format === 'ndjson' ? [] : [createDatasetTransform(format)]),
      ...(encoding === 'identity' ? [] : [compressor(encoding)]),
    ];
    // Errors end the response (see integrityCheck); nothing is left to report here.
    pipeline([ndjson, ...stages], () => undefined);
    return stages.at(-1)!;
  } catch (error) {
    // The file is open already: close it, or every refused request leaks a descriptor.
    ndjson.destroy();
    throw error;
  }
}

/**
 * A byte range of the stored NDJSON (`ndjson` opened at the range). The whole file's hash cannot
 * be checked on a part: the file's size is checked against the record before any byte goes out,
 * and the part is cut off if the file ends early.
 */
export async function datasetRangeBody(ndjson: Readable, expected: StoredDataset, range: ByteRange): Promise<Readable> {
  try {
    if (ndjson instanceof ReadStream) {
      const size = await openedFileSize(ndjson);
      if (size !== expected.bytes) throw corrupt(`has ${size} bytes, its record ${expected.bytes}`);
    }
    const length = range.end - range.start + 1;
    let seen = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.byteLength;
        callback(seen > length ? corrupt('is longer than its record') : null, chunk);
      },
      flush(callback) {
        callback(seen === length ? null : corrupt(`ended ${length - seen} bytes short of the range`));
      },
    });
    pipeline([ndjson, counted], () => undefined);
    return counted;
  } catch (error) {
    ndjson.destroy();
    throw error;
  }
}

const header = (description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ description, schema });

/**
 * The response headers of `getDataset` as the contract states them (OpenAPI header objects, by
 * status). The route's zod schema cannot carry headers into the document; `openapi.ts` adds these.
 */
export const DATASET_RESPONSE_HEADERS = {
  '200': {
    ETag: header('Strong, per representation: `"<dataset_sha256>"` for NDJSON; `-csv`, `-json`, `-parquet` for the other formats, then `-gzip` or `-br` when compressed.'),
    Vary: header('`Accept, Accept-Encoding`'),
    'Content-Encoding': header('`gzip` or `br` when the answer is compressed.', { type: 'string', enum: ['gzip', 'br'] }),
    'Content-Length': header('Uncompressed NDJSON only; the other representations are streamed.', { type: 'integer', minimum: 0 }),
    'Accept-Ranges': header('`bytes` on uncompressed NDJSON, `none` otherwise.', { type: 'string', enum: ['bytes', 'none'] }),
  },
  '206': {
    ETag: header('The uncompressed NDJSON\'s: `"<dataset_sha256>"`.'),
    'Content-Range': header('`bytes a-b/size`'),
    'Content-Length': header('b - a + 1', { type: 'integer', minimum: 1 }),
    Vary: header('`Accept, Accept-Encoding`'),
  },
  '304': {
    ETag: header('The representation\'s ETag, as If-None-Match named it.'),
    Vary: header('`Accept, Accept-Encoding`'),
  },
  '416': {
    'Content-Range': header('`bytes */size`: the size of the uncompressed NDJSON.'),
  },
} as const;

export { DATASET_MEDIA_TYPES, type DatasetFormat };
