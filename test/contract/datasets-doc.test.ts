/**
 * docs/datasets.md repeats two tables of the code: the formats (media type and CLI flag of each
 * of DATASET_FORMATS) and the Parquet columns (name, type, nullability of PARQUET_COLUMNS). Both
 * are checked here in both directions, so the doc cannot drift from the encoder.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASET_FORMATS, DATASET_MEDIA_TYPES } from '../../src/runs/dataset-formats.js';
import { PARQUET_COLUMNS, type ParquetKind } from '../../src/runs/dataset-parquet.js';
import { tableAfter } from '../helpers/markdown.js';

const DOC = readFileSync(new URL('../../docs/datasets.md', import.meta.url), 'utf8');


const TYPE_CELL: Record<ParquetKind, string> = {
  code: 'BYTE_ARRAY (UTF8), dictionary',
  text: 'BYTE_ARRAY (UTF8)',
  int32: 'INT32',
  double: 'DOUBLE',
  json: 'BYTE_ARRAY (JSON)',
};

describe('docs/datasets.md', () => {
  it('lists every dataset format with its media type and CLI flag', () => {
    const rows = tableAfter(DOC, '# Dataset formats');
    expect(rows.map((row) => row[2])).toEqual(DATASET_FORMATS.map((format) => `\`--format ${format}\``));
    expect(rows.map((row) => row[1])).toEqual(DATASET_FORMATS.map((format) => `\`${DATASET_MEDIA_TYPES[format].split(';')[0]}\``));
  });

  it('lists the Parquet columns in order, with their type and nullability', () => {
    const rows = tableAfter(DOC, 'The columns (checked');
    expect(rows.map(([name, type, nullable]) => [name, type, nullable])).toEqual(
      PARQUET_COLUMNS.map((column) => [`\`${column.name}\``, TYPE_CELL[column.kind], column.nullable ? 'yes' : 'no']),
    );
  });
});
