/**
 * Content negotiation for `GET /v1/runs/{id}/dataset` (RFC 9110 §12.5.1): NDJSON by default,
 * CSV or a JSON array on request, 406 for an Accept header none of them satisfies.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { fstat, ReadStream } from 'node:fs';
import { promisify } from 'node:util';
import { pipeline, Transform, type Readable } from 'node:stream';
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

/** The dataset format for an Accept header (absent or `*\/*`: NDJSON). */
export function negotiateDatasetType(accept: string | undefined): DatasetFormat {
  if (accept === undefined || accept.trim() === '') return 'ndjson';
  const ranges = parseAccept(accept);
  let best: { format: DatasetFormat; q: number; specific: boolean } | undefined;
  for (const format of DATASET_FORMATS) {
    for (const range of ranges) {
      if (range.q === 0 || !matches(range.type, baseMediaType(format))) continue;
      const specific = !range.type.includes('*');
      if (!best || range.q > best.q || (range.q === best.q && specific && !best.specific)) best = { format, q: range.q, specific };
    }
  }
  if (!best) {
    throw new ServiceError('REQUEST_NOT_ACCEPTABLE', `The dataset is available as ${DATASET_FORMATS.map(baseMediaType).join(', ')}.`);
  }
  return best.format;
}

/** What the run record says the stored NDJSON is: its length and `sha256:<hex>` digest. */
export interface StoredDataset {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * The strong ETag of one representation (RFC 9110 §8.8.1): the NDJSON answer's is the
 * dataset_sha256 itself; CSV and JSON are other bytes, so each gets its own tag.
 */
export function datasetEtag(dataset: StoredDataset, format: DatasetFormat): string {
  return format === 'ndjson' ? `"${dataset.sha256}"` : `"${dataset.sha256}-${format}"`;
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
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.byteLength;
      if (seen > expected.bytes) return callback(corrupt(`is longer than the ${expected.bytes} bytes of its record`));
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      if (seen !== expected.bytes) return callback(corrupt(`has ${seen} bytes, its record ${expected.bytes}`));
      const digest = `sha256:${hash.digest('hex')}`;
      callback(digest === expected.sha256 ? null : corrupt(`hashes to ${digest}, its record to ${expected.sha256}`));
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
export async function datasetBody(ndjson: Readable, format: DatasetFormat, expected: StoredDataset): Promise<Readable> {
  try {
    if (ndjson instanceof ReadStream) {
      const size = await openedFileSize(ndjson);
      if (size !== expected.bytes) throw corrupt(`has ${size} bytes, its record ${expected.bytes}`);
    }
    const stages: Transform[] = [integrityCheck(expected), ...(format === 'ndjson' ? [] : [createDatasetTransform(format)])];
    // Errors end the response (see integrityCheck); nothing is left to report here.
    pipeline([ndjson, ...stages], () => undefined);
    return stages.at(-1)!;
  } catch (error) {
    // The file is open already: close it, or every refused request leaks a descriptor.
    ndjson.destroy();
    throw error;
  }
}

export { DATASET_MEDIA_TYPES, type DatasetFormat };
