/**
 * Content negotiation for `GET /v1/runs/{id}/dataset` (RFC 9110 §12.5.1): NDJSON by default,
 * CSV or a JSON array on request, 406 for an Accept header none of them satisfies.
 */
import type { Readable } from 'node:stream';
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

/** The response body for a format: the stored NDJSON as is, or converted while streaming. */
export function datasetBody(ndjson: Readable, format: DatasetFormat): Readable {
  return format === 'ndjson' ? ndjson : ndjson.pipe(createDatasetTransform(format));
}

export { DATASET_MEDIA_TYPES, type DatasetFormat };
