/**
 * The dataset in the formats a caller may ask for, converted on the fly from the NDJSON bytes the
 * generator writes (and `dataset_sha256` covers, whatever the format):
 *
 *   ndjson  the bytes as generated (one persona per line)
 *   json    one array: `[`, the NDJSON lines unchanged joined by `,\n`, `]` (`[]` when empty)
 *   csv     RFC 4180: a header row of `CSV_COLUMNS`, one row per persona, CRLF line ends; a cell
 *           holding `"`, `,`, CR or LF is quoted with inner quotes doubled; null and absent
 *           values are empty cells (an empty string is `""`); `traits` becomes five
 *           `traits_<name>` columns and `narrative` one cell holding its JSON text.
 *   parquet Apache Parquet with a typed schema, in row groups (`dataset-parquet.ts`).
 *
 * Each converter is incremental: it takes bytes split anywhere (mid-line, mid-UTF-8 character)
 * and holds only the unfinished line (`ndjson-lines.ts`), so memory stays constant whatever n is;
 * Parquet holds one row group at most.
 */
import { Transform } from 'node:stream';
import { ServiceError } from '../errors.js';
import { PERSONA_FIELDS } from '../domain/persona.js';
import { CSV_COLUMNS, TRAIT_FIELDS } from './dataset-columns.js';
import { isRecord, LineSplitter, parseLine } from './ndjson-lines.js';
import { ParquetEncoder } from './dataset-parquet.js';
import { createEncoderThreadTransform } from './dataset-encoder-thread.js';

export { CSV_COLUMNS, TRAIT_FIELDS } from './dataset-columns.js';
export { MAX_LINE_BYTES } from './ndjson-lines.js';

export const DATASET_FORMATS = ['ndjson', 'csv', 'json', 'parquet'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** Media type of each format (for Content-Type and the docs). */
export const DATASET_MEDIA_TYPES = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json',
  parquet: 'application/vnd.apache.parquet',
} as const satisfies Record<DatasetFormat, string>;

/** An incremental converter: bytes in (split anywhere), converted bytes out. */
export interface DatasetEncoder {
  /** Converts what `chunk` completes; returns an empty array when nothing is complete yet. */
  write(chunk: Uint8Array): Uint8Array;
  /** Converts the rest (a last line without a newline) and closes the output. */
  end(): Uint8Array;
}

const EMPTY = new Uint8Array(0);
const NEWLINE = 0x0a;

class NdjsonEncoder implements DatasetEncoder {
  write(chunk: Uint8Array): Uint8Array {
    return chunk;
  }

  end(): Uint8Array {
    return EMPTY;
  }
}

const OPEN = Buffer.from('[\n');
const SEPARATOR = Buffer.from(',\n');
const CLOSE = Buffer.from('\n]\n');
const EMPTY_ARRAY = Buffer.from('[]\n');

/** NDJSON → one JSON array; lines pass through unchanged (the generator wrote valid JSON). */
class JsonArrayEncoder implements DatasetEncoder {
  readonly #lines = new LineSplitter();
  #records = 0;

  write(chunk: Uint8Array): Uint8Array {
    const parts: Buffer[] = [];
    this.#lines.push(chunk, (line) => this.#add(line, parts));
    return parts.length === 0 ? EMPTY : Buffer.concat(parts);
  }

  end(): Uint8Array {
    const parts: Buffer[] = [];
    this.#lines.finish((line) => this.#add(line, parts));
    parts.push(this.#records === 0 ? EMPTY_ARRAY : CLOSE);
    return Buffer.concat(parts);
  }

  #add(line: Buffer, parts: Buffer[]): void {
    parts.push(this.#records === 0 ? OPEN : SEPARATOR, line);
    this.#records += 1;
  }
}

const COMMA = 0x2c;

/**
 * The sync answer's body, the other NDJSON → JSON array of this module (whole, in one buffer):
 * `head` (a JSON object) with `"dataset":[…]` spliced in from the NDJSON bytes, built as bytes:
 * no record is decoded, parsed or serialised again. JSON never holds a raw newline byte (inside
 * strings it is escaped, and no UTF-8 sequence contains 0x0A), so each one ends a record and
 * becomes the comma between array items.
 */
export function syncBody(head: string, ndjson: readonly Uint8Array[]): Buffer {
  const open = Buffer.from(`${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"dataset":[`, 'utf8');
  let datasetBytes = 0;
  for (const chunk of ndjson) datasetBytes += chunk.byteLength;
  const body = Buffer.allocUnsafe(open.byteLength + datasetBytes + 2);
  open.copy(body, 0);
  let at = open.byteLength;
  for (const chunk of ndjson) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  let end = at;
  for (let newline = body.indexOf(NEWLINE, open.byteLength); newline !== -1 && newline < end; newline = body.indexOf(NEWLINE, newline + 1)) {
    body[newline] = COMMA;
  }
  // The last record's newline closes the array instead.
  while (end > open.byteLength && body[end - 1] === COMMA) end -= 1;
  body.write(']}', end, 'latin1');
  return body.subarray(0, end + 2);
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One RFC 4180 cell: quoted when it holds a quote, comma, CR or LF (inner quotes doubled). */
export function csvCell(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set(PERSONA_FIELDS);
const TRAIT_LABELS = TRAIT_FIELDS.map((trait) => `traits.${trait}`);

function scalarCell(value: unknown, lineNumber: number, field: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return csvCell(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ServiceError('INTERNAL', `dataset line ${lineNumber}: ${field} is not a scalar`);
}

/** The CSV row (without its line end) of one parsed persona record. */
export function csvRowOf(record: unknown, lineNumber = 1): string {
  if (!isRecord(record)) throw new ServiceError('INTERNAL', `dataset line ${lineNumber} is not a JSON object`);
  for (const key in record) {
    if (!KNOWN_FIELDS.has(key)) {
      throw new ServiceError('INTERNAL', `dataset line ${lineNumber} has the field "${key}", which is not a persona field`);
    }
  }
  // String concatenation rather than cells.join: this runs once per persona on the main thread.
  let row = '';
  for (let i = 0; i < PERSONA_FIELDS.length; i += 1) {
    const field = PERSONA_FIELDS[i]!;
    const value = record[field];
    if (i > 0) row += ',';
    if (field === 'traits') {
      const traits = value === undefined || value === null ? {} : value;
      if (!isRecord(traits)) throw new ServiceError('INTERNAL', `dataset line ${lineNumber}: traits is not an object`);
      for (let t = 0; t < TRAIT_FIELDS.length; t += 1) {
        const trait = TRAIT_FIELDS[t]!;
        row += (t > 0 ? ',' : '') + scalarCell(traits[trait], lineNumber, TRAIT_LABELS[t]!);
      }
    } else if (field === 'narrative') {
      row += value === undefined || value === null ? '' : csvCell(JSON.stringify(value));
    } else {
      row += scalarCell(value, lineNumber, field);
    }
  }
  return row;
}

const CRLF = '\r\n';
const CSV_ROWS_PER_BATCH = 256;

/** NDJSON → CSV with a header row. */
class CsvEncoder implements DatasetEncoder {
  readonly #lines = new LineSplitter();
  #headerWritten = false;

  write(chunk: Uint8Array): Uint8Array {
    return this.#encode((onLine) => this.#lines.push(chunk, onLine));
  }

  end(): Uint8Array {
    return this.#encode((onLine) => this.#lines.finish(onLine));
  }

  #encode(feed: (onLine: (line: Buffer, lineNumber: number) => void) => void): Uint8Array {
    const parts: Buffer[] = [];
    let text = '';
    let rows = 0;
    if (!this.#headerWritten) {
      text = CSV_COLUMNS.join(',') + CRLF;
      this.#headerWritten = true;
    }
    feed((line, lineNumber) => {
      text += csvRowOf(parseLine(line, lineNumber), lineNumber) + CRLF;
      rows += 1;
      // Encode every few hundred rows: a row is a rope over its record's strings, and holding a
      // whole shard of them keeps every record alive long enough to reach the old generation.
      if (rows === CSV_ROWS_PER_BATCH) {
        parts.push(Buffer.from(text, 'utf8'));
        text = '';
        rows = 0;
      }
    });
    if (text !== '') parts.push(Buffer.from(text, 'utf8'));
    return parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/** A fresh incremental converter from NDJSON bytes to `format`. */
export function createDatasetEncoder(format: DatasetFormat): DatasetEncoder {
  switch (format) {
    case 'ndjson':
      return new NdjsonEncoder();
    case 'json':
      return new JsonArrayEncoder();
    case 'csv':
      return new CsvEncoder();
    case 'parquet':
      return new ParquetEncoder();
  }
}

/**
 * Formats converted in a worker thread by `createDatasetTransform`: Parquet encodes a row group
 * in one synchronous call (0.1–0.8 s), too long for the server's main thread. The text formats
 * work per line, a millisecond per chunk, and stay on the caller's thread.
 */
const OFF_THREAD_FORMATS: ReadonlySet<DatasetFormat> = new Set(['parquet']);

/**
 * A stream from NDJSON bytes to `format` (for `GET /v1/runs/{id}/dataset`):
 * `createReadStream(ndjsonPath).pipe(createDatasetTransform('csv'))`. A malformed line fails the
 * stream with a ServiceError (`INTERNAL`).
 */
export function createDatasetTransform(format: DatasetFormat): Transform {
  if (OFF_THREAD_FORMATS.has(format)) return createEncoderThreadTransform(format);
  const encoder = createDatasetEncoder(format);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        const out = encoder.write(chunk);
        callback(null, out.length === 0 ? undefined : out);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        const out = encoder.end();
        callback(null, out.length === 0 ? undefined : out);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
