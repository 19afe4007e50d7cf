/**
 * The dataset as Apache Parquet (https://parquet.apache.org/docs/file-format/), converted from the
 * NDJSON bytes in row groups, with `hyparquet-writer`:
 *
 *   columns    `DATASET_COLUMNS` (the CSV header), typed from `PersonaSchema`: categorical codes
 *              and names are UTF-8 strings (codes always dictionary-encoded), `index` and `age`
 *              INT32, traits DOUBLE, `narrative` its JSON text (converted type JSON); a field the
 *              schema lets be null or absent is an OPTIONAL column, the others REQUIRED.
 *   row groups `ROW_GROUP_ROWS` rows, or fewer once the group's NDJSON reaches `ROW_GROUP_BYTES`
 *              (narratives make rows ~10× longer): a group's bytes are emitted as soon as it is
 *              full, so at most one group of values is held, whatever n is.
 *   footer     the schema, the row groups' metadata and `dataset_sha256` (key-value metadata:
 *              the SHA-256 of the NDJSON bytes converted, the same digest the run records).
 *
 * The bytes depend only on the NDJSON bytes (not on how they were split into chunks), so each
 * dataset has one Parquet representation and one strong ETag for it.
 */
import { createHash } from 'node:crypto';
import type { KeyValue, SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { z } from 'zod';
import { PERSONA_FIELDS, PersonaSchema, TraitsSchema } from '../domain/persona.js';
import { ServiceError } from '../errors.js';
import { DATASET_COLUMNS, type DatasetColumn } from './dataset-columns.js';
import type { DatasetEncoder } from './dataset-formats.js';
import { isRecord, LineSplitter, parseLine } from './ndjson-lines.js';

/**
 * Rows per row group. Measured at 10⁶ personas (bench/results, issue 15): `generate --format
 * parquet` peaks at 389 MB RSS with 8,192-row groups and 435 MB with 16,384 (the CLI's target is
 * < 400 MB), for a file 1.3% larger (46.3 vs 45.7 MiB; 65,536-row groups: 45.3 MiB). Smaller
 * groups also shorten the one synchronous writer call per group.
 */
export const ROW_GROUP_ROWS = 8_192;
/**
 * NDJSON bytes (of its lines, without line ends) after which a row group closes early: rows with
 * narratives are ~10× longer, and their Romanian text is held as two-byte strings and copied again
 * by the writer.
 */
export const ROW_GROUP_BYTES = 16 * 1024 * 1024;
/** Key-value metadata key of the NDJSON digest. */
export const PARQUET_SHA256_KEY = 'dataset_sha256';
const CREATED_BY = 'moldova-personas (hyparquet-writer)';

/**
 * How a column's values are typed. INT32 for `index` and `age`: both fit (index < MAX_N ≤ 10⁷,
 * age ≤ MAX_AGE), it is the narrowest Parquet integer every reader maps to a plain int, and
 * INT64 would need a BigInt per value in the writer.
 */
export type ParquetKind = 'code' | 'text' | 'int32' | 'double' | 'json';

export interface ParquetColumn extends DatasetColumn {
  readonly kind: ParquetKind;
  readonly nullable: boolean;
}

/** The zod type under `.nullable()`/`.optional()`, and whether either was there. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; nullable: boolean } {
  let inner = schema;
  let nullable = false;
  while (inner.def.type === 'nullable' || inner.def.type === 'optional') {
    nullable = true;
    inner = (inner as z.ZodNullable | z.ZodOptional).unwrap() as z.ZodType;
  }
  return { inner, nullable };
}

function kindOf(name: string, schema: z.ZodType): ParquetKind {
  switch (schema.def.type) {
    case 'enum':
      return 'code';
    case 'string':
      return 'text';
    case 'number':
      return (schema as z.ZodNumber).isInt ? 'int32' : 'double';
    case 'object':
      return 'json';
    default:
      // A new persona field of another type needs a decision here, not a silent guess.
      throw new Error(`dataset-parquet: no Parquet type for column ${name} (zod ${schema.def.type})`);
  }
}

/** A trait column is nullable when `traits` may be absent or the trait itself may be null. */
function parquetColumnOf(column: DatasetColumn): ParquetColumn {
  const field = unwrap(PersonaSchema.shape[column.field] as z.ZodType);
  const leaf = column.trait === undefined ? field : unwrap(TraitsSchema.shape[column.trait]);
  return { ...column, kind: kindOf(column.name, leaf.inner), nullable: field.nullable || leaf.nullable };
}

/** The Parquet columns, in `DATASET_COLUMNS` order (derived from `PersonaSchema`). */
export const PARQUET_COLUMNS: readonly ParquetColumn[] = DATASET_COLUMNS.map(parquetColumnOf);

const PHYSICAL: Record<ParquetKind, Pick<SchemaElement, 'type' | 'converted_type'>> = {
  code: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  text: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int32: { type: 'INT32' },
  double: { type: 'DOUBLE' },
  json: { type: 'BYTE_ARRAY', converted_type: 'JSON' },
};

/** The file schema: a flat root with one leaf per column. */
export const PARQUET_SCHEMA: readonly SchemaElement[] = [
  { name: 'root', num_children: PARQUET_COLUMNS.length },
  ...PARQUET_COLUMNS.map((column): SchemaElement => ({ name: column.name, ...PHYSICAL[column.kind], repetition_type: column.nullable ? 'OPTIONAL' : 'REQUIRED' })),
];

/**
 * Which columns get min/max statistics: numbers (row groups are in index order, so `index` ranges
 * prune, and ages or scores may). Strings not: every row group holds most codes and names, so
 * their bounds prune nothing and cost a tenth of the encoding time; min/max of JSON text would put
 * whole narratives in the footer.
 */
const STATISTICS: Record<ParquetKind, boolean> = { code: false, text: false, int32: true, double: true, json: false };

const KNOWN_FIELDS: ReadonlySet<string> = new Set(PERSONA_FIELDS);
const INT32_MAX = 2 ** 31 - 1;

function isOfKind(kind: ParquetKind, value: unknown): boolean {
  switch (kind) {
    case 'code':
    case 'text':
      return typeof value === 'string';
    case 'int32':
      return Number.isInteger(value) && Math.abs(value as number) <= INT32_MAX;
    case 'double':
      return typeof value === 'number';
    case 'json':
      return isRecord(value);
  }
}

/** A ByteWriter whose bytes are taken out after each row group (it keeps the file offset). */
class DrainedWriter extends ByteWriter {
  take(): Buffer {
    const bytes = Buffer.from(this.getBytes());
    this.index = 0;
    return bytes;
  }
}

const EMPTY = new Uint8Array(0);

/** The writer is asynchronous only with a writer whose flush() returns a promise; ours has none. */
function synchronously(result: void | Promise<void>): void {
  if (result !== undefined) throw new Error('dataset-parquet: hyparquet-writer answered with a promise');
}

/** Row-group limits (tests make them small; the defaults are the constants above). */
export interface RowGroupLimits {
  readonly rows: number;
  readonly bytes: number;
}

/** NDJSON → Parquet: buffers one row group of column values at a time. */
export class ParquetEncoder implements DatasetEncoder {
  readonly #limits: RowGroupLimits;
  readonly #lines = new LineSplitter();
  readonly #hash = createHash('sha256');
  readonly #writer = new DrainedWriter();
  readonly #parquet = new ParquetWriter({ writer: this.#writer, schema: [...PARQUET_SCHEMA], codec: 'SNAPPY', createdBy: CREATED_BY });
  #values: unknown[][] = PARQUET_COLUMNS.map(() => []);
  #rows = 0;
  #groupBytes = 0;
  #largestGroup = 0;

  constructor(limits: RowGroupLimits = { rows: ROW_GROUP_ROWS, bytes: ROW_GROUP_BYTES }) {
    if (!(Number.isInteger(limits.rows) && limits.rows > 0 && limits.bytes > 0)) throw new RangeError('row group limits must be positive');
    this.#limits = limits;
  }

  /** The most rows this encoder has held at once (at most the row limit). */
  get largestGroupRows(): number {
    return this.#largestGroup;
  }

  write(chunk: Uint8Array): Uint8Array {
    this.#hash.update(chunk);
    const parts: Buffer[] = [];
    this.#lines.push(chunk, (line, lineNumber) => this.#add(line, lineNumber, parts));
    return parts.length === 0 ? EMPTY : Buffer.concat(parts);
  }

  end(): Uint8Array {
    const parts: Buffer[] = [];
    this.#lines.finish((line, lineNumber) => this.#add(line, lineNumber, parts));
    if (this.#rows > 0) parts.push(this.#flush());
    const digest: KeyValue = { key: PARQUET_SHA256_KEY, value: `sha256:${this.#hash.digest('hex')}` };
    // Read by finish(); known only now, after the last byte.
    this.#parquet.kvMetadata = [digest];
    synchronously(this.#parquet.finish());
    parts.push(this.#writer.take());
    return Buffer.concat(parts);
  }

  #add(line: Buffer, lineNumber: number, parts: Buffer[]): void {
    const record = parseLine(line, lineNumber);
    if (!isRecord(record)) throw new ServiceError('INTERNAL', `dataset line ${lineNumber} is not a JSON object`);
    for (const key in record) {
      if (!KNOWN_FIELDS.has(key)) {
        throw new ServiceError('INTERNAL', `dataset line ${lineNumber} has the field "${key}", which is not a persona field`);
      }
    }
    const traits = record['traits'] ?? {};
    if (!isRecord(traits)) throw new ServiceError('INTERNAL', `dataset line ${lineNumber}: traits is not an object`);
    for (let j = 0; j < PARQUET_COLUMNS.length; j += 1) {
      const column = PARQUET_COLUMNS[j]!;
      const value = column.trait === undefined ? record[column.field] : traits[column.trait];
      if (value === undefined || value === null) {
        if (!column.nullable) throw new ServiceError('INTERNAL', `dataset line ${lineNumber}: ${column.name} is missing`);
        this.#values[j]!.push(null);
      } else if (isOfKind(column.kind, value)) {
        this.#values[j]!.push(value);
      } else {
        throw new ServiceError('INTERNAL', `dataset line ${lineNumber}: ${column.name} is not of the Parquet type ${column.kind}`);
      }
    }
    this.#rows += 1;
    this.#groupBytes += line.byteLength;
    if (this.#rows === this.#limits.rows || this.#groupBytes >= this.#limits.bytes) parts.push(this.#flush());
  }

  /** Encodes the held rows as one row group and returns the bytes written since the last call. */
  #flush(): Buffer {
    const rows = this.#rows;
    this.#largestGroup = Math.max(this.#largestGroup, rows);
    const columnData = PARQUET_COLUMNS.map((column, j) => ({
      name: column.name,
      data: this.#values[j]!,
      // Codes always: a column of few distinct values is what a dictionary is for, and readers
      // (pyarrow read_dictionary, DuckDB) can keep it as categorical. Other strings: the writer
      // keeps a dictionary when it at least halves the size (names yes, ids no).
      ...(column.kind === 'code' ? { encoding: 'RLE_DICTIONARY' as const } : {}),
      ...(STATISTICS[column.kind] ? {} : { statistics: false }),
    }));
    this.#values = PARQUET_COLUMNS.map(() => []);
    this.#rows = 0;
    this.#groupBytes = 0;
    synchronously(this.#parquet.write({ columnData, rowGroupSize: rows }));
    return this.#writer.take();
  }
}
