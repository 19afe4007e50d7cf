/**
 * NDJSON → Parquet, read back with an independent reader (hyparquet): values, physical types,
 * nulls, dictionary-encoded codes, row groups of bounded size emitted as they fill, the same bytes
 * however the input is split, a valid file for an empty dataset, and the NDJSON digest in the footer.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { parquetMetadata, parquetReadObjects, type FileMetaData } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { FIELD_CODES } from '../../../src/domain/categories.js';
import { NARRATIVE_SECTIONS, type NarrativeSections, type Persona } from '../../../src/domain/persona.js';
import { encoderThreadsInUse, MAX_ENCODER_THREADS } from '../../../src/runs/dataset-encoder-thread.js';
import { createDatasetEncoder, createDatasetTransform, CSV_COLUMNS } from '../../../src/runs/dataset-formats.js';
import { PARQUET_COLUMNS, PARQUET_SHA256_KEY, ParquetEncoder, ROW_GROUP_ROWS, type RowGroupLimits } from '../../../src/runs/dataset-parquet.js';
import { makePersona, personaArbitrary } from '../../fixtures/personas.js';
import { splitAt } from '../../helpers/chunks.js';

const TRAITS = { openness: 31.4, conscientiousness: 52.4, extraversion: 52.8, agreeableness: 48.2, neuroticism: 53.7 };
const NARRATIVE: NonNullable<Persona['narrative']> = {
  status: 'template',
  source: 'template',
  prompt_version: null,
  sections: {
    ...(Object.fromEntries(NARRATIVE_SECTIONS.map(({ key }) => [key, `Secțiunea ${key}, cu „ghilimele”, virgule, și\nrânduri.`])) as NarrativeSections),
    persona_summary: 'Lilia, 18 ani, "elevă", din Cantemir; ține un blog 😀.',
  },
};

const FULL = makePersona({ given_name: 'Lilia', family_name: 'Țurcanu', age: 18, traits: TRAITS, narrative: NARRATIVE, economic_sector: null, employment_status: 'inactive', inactivity_reason: 'student' });
const BARE = makePersona({ index: 1, marital_status: null, education_level: null, employment_status: null, economic_sector: null });

const ndjsonOf = (records: readonly unknown[]) => Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');

function encode(chunks: readonly Uint8Array[], limits?: RowGroupLimits): { bytes: Buffer; outputs: Buffer[]; largest: number } {
  const encoder = limits === undefined ? new ParquetEncoder() : new ParquetEncoder(limits);
  const outputs = chunks.map((chunk) => Buffer.from(encoder.write(chunk)));
  outputs.push(Buffer.from(encoder.end()));
  return { bytes: Buffer.concat(outputs), outputs, largest: encoder.largestGroupRows };
}

const arrayBufferOf = (bytes: Buffer): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
const metadataOf = (bytes: Buffer): FileMetaData => parquetMetadata(arrayBufferOf(bytes));
const rowsOf = (bytes: Buffer) => parquetReadObjects({ file: arrayBufferOf(bytes) });

/** What a persona reads back as: flat columns, traits spread, absent values null, narrative parsed. */
function expectedRow(persona: Persona): Record<string, unknown> {
  const { traits, narrative, ...scalars } = persona;
  return {
    ...scalars,
    ...Object.fromEntries(Object.keys(TRAITS).map((trait) => [`traits_${trait}`, traits?.[trait as keyof typeof TRAITS] ?? null])),
    narrative: narrative ?? null,
  };
}

describe('PARQUET_COLUMNS', () => {
  it('are the CSV columns, in order', () => {
    expect(PARQUET_COLUMNS.map((column) => column.name)).toEqual(CSV_COLUMNS);
  });

  it('type every categorical field as a code, index and age as INT32, traits as DOUBLE, narrative as JSON', () => {
    const kinds = Object.fromEntries(PARQUET_COLUMNS.map((column) => [column.name, column.kind]));
    for (const field of Object.keys(FIELD_CODES)) if (field in kinds) expect(kinds[field], field).toBe('code');
    expect(kinds).toMatchObject({ id: 'text', given_name: 'text', family_name: 'text', index: 'int32', age: 'int32', traits_openness: 'double', narrative: 'json' });
  });

  it('are nullable exactly where the persona schema allows null or absence', () => {
    const nullable = PARQUET_COLUMNS.filter((column) => column.nullable).map((column) => column.name);
    expect(nullable).toEqual([
      'marital_status',
      'education_level',
      'employment_status',
      'inactivity_reason',
      'economic_sector',
      'traits_openness',
      'traits_conscientiousness',
      'traits_extraversion',
      'traits_agreeableness',
      'traits_neuroticism',
      'narrative',
    ]);
  });
});

describe('ParquetEncoder', () => {
  it('writes a file that reads back to the personas: values, nulls, traits and the narrative', async () => {
    const { bytes } = encode([ndjsonOf([FULL, BARE])]);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(bytes.subarray(-4).toString('latin1')).toBe('PAR1');
    expect(await rowsOf(bytes)).toEqual([expectedRow(FULL), expectedRow(BARE)]);
  });

  it('declares the physical types, converted types and repetition of every column', () => {
    const schema = metadataOf(encode([ndjsonOf([FULL])]).bytes).schema;
    expect(schema[0]).toMatchObject({ name: 'root', num_children: CSV_COLUMNS.length });
    const byName = Object.fromEntries(schema.slice(1).map((element) => [element.name, element]));
    expect(Object.keys(byName)).toEqual(CSV_COLUMNS);
    expect(byName['id']).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' });
    expect(byName['region']).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' });
    expect(byName['economic_sector']).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    expect(byName['index']).toMatchObject({ type: 'INT32', repetition_type: 'REQUIRED' });
    expect(byName['age']).toMatchObject({ type: 'INT32', repetition_type: 'REQUIRED' });
    expect(byName['traits_neuroticism']).toMatchObject({ type: 'DOUBLE', repetition_type: 'OPTIONAL' });
    expect(byName['narrative']).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' });
  });

  it('dictionary-encodes every code column, also in a row group where the column is all null', () => {
    const { bytes } = encode([ndjsonOf([FULL, BARE])], { rows: 1, bytes: Infinity });
    const metadata = metadataOf(bytes);
    expect(metadata.row_groups).toHaveLength(2);
    for (const group of metadata.row_groups) {
      for (const chunk of group.columns) {
        const [name] = chunk.meta_data!.path_in_schema;
        if (PARQUET_COLUMNS.find((column) => column.name === name)?.kind !== 'code') continue;
        expect(chunk.meta_data!.encodings, name).toContain('RLE_DICTIONARY');
        expect(chunk.meta_data!.dictionary_page_offset, name).toBeDefined();
      }
    }
  });

  it('keeps min/max statistics on the numeric columns, none on strings', () => {
    const people = [FULL, BARE, makePersona({ index: 7, age: 61 })];
    const columns = metadataOf(encode([ndjsonOf(people)]).bytes).row_groups[0]!.columns;
    const stats = (name: string) => columns.find((chunk) => chunk.meta_data!.path_in_schema[0] === name)!.meta_data!.statistics;
    expect(stats('index')).toMatchObject({ min_value: 0, max_value: 7 });
    expect(stats('age')).toMatchObject({ min_value: 18, max_value: 61 });
    expect(stats('given_name')).toBeUndefined();
    expect(stats('narrative')).toBeUndefined();
  });

  it('records the SHA-256 of the NDJSON bytes in the footer key-value metadata', () => {
    const ndjson = ndjsonOf([FULL, BARE]);
    const digest = `sha256:${createHash('sha256').update(ndjson).digest('hex')}`;
    expect(metadataOf(encode([ndjson]).bytes).key_value_metadata).toEqual([{ key: PARQUET_SHA256_KEY, value: digest }]);
  });

  it('writes a valid file with the schema and no rows for an empty dataset', async () => {
    for (const empty of [[], [Buffer.alloc(0)], [Buffer.from('\n\n')]]) {
      const { bytes } = encode(empty);
      const metadata = metadataOf(bytes);
      expect(metadata.num_rows).toBe(0n);
      expect(metadata.row_groups).toEqual([]);
      expect(metadata.schema.slice(1).map((element) => element.name)).toEqual(CSV_COLUMNS);
      expect(await rowsOf(bytes)).toEqual([]);
    }
  });

  it('emits each row group as soon as it is full, holding at most one group of rows', async () => {
    const people = Array.from({ length: 10 }, (_, index) => makePersona({ index }));
    const lines = people.map((persona) => ndjsonOf([persona]));
    const { bytes, outputs, largest } = encode(lines, { rows: 3, bytes: Infinity });
    const metadata = metadataOf(bytes);
    expect(metadata.row_groups.map((group) => group.num_rows)).toEqual([3n, 3n, 3n, 1n]);
    expect(largest).toBe(3);
    // Bytes come out with the 3rd, 6th and 9th line (the header with the first), the rest at end.
    expect(outputs.map((output) => output.byteLength > 0)).toEqual([false, false, true, false, false, true, false, false, true, false, true]);
    expect((await rowsOf(bytes)).map((row) => row['index'])).toEqual(people.map((persona) => persona.index));
  });

  it('closes a row group early once its NDJSON bytes reach the byte limit', () => {
    const people = Array.from({ length: 5 }, (_, index) => makePersona({ index }));
    // Line bytes without the line end: the limit is reached by the second line of each group.
    const lineBytes = ndjsonOf([people[0]]).byteLength - 1;
    const { bytes } = encode([ndjsonOf(people)], { rows: 1000, bytes: 2 * lineBytes });
    expect(metadataOf(bytes).row_groups.map((group) => group.num_rows)).toEqual([2n, 2n, 1n]);
  });

  it(`splits a dataset of more than ROW_GROUP_ROWS (${ROW_GROUP_ROWS}) personas into row groups of that size`, async () => {
    const line = ndjsonOf([BARE]).toString('utf8');
    const ndjson = Buffer.from(Array.from({ length: ROW_GROUP_ROWS + 2 }, (_, index) => line.replace('"index":1,', `"index":${index},`)).join(''), 'utf8');
    const { bytes, largest } = encode(splitAt(ndjson, [1 << 16, 1 << 20, 3 << 20]));
    const metadata = metadataOf(bytes);
    expect(metadata.row_groups.map((group) => group.num_rows)).toEqual([BigInt(ROW_GROUP_ROWS), 2n]);
    expect(largest).toBe(ROW_GROUP_ROWS);
    const tail = await parquetReadObjects({ file: arrayBufferOf(bytes), columns: ['index'], rowStart: ROW_GROUP_ROWS - 1 });
    expect(tail).toEqual([{ index: ROW_GROUP_ROWS - 1 }, { index: ROW_GROUP_ROWS }, { index: ROW_GROUP_ROWS + 1 }]);
  });

  it('accepts CRLF line ends, blank lines and a last line without a newline', async () => {
    const loose = Buffer.from(`${JSON.stringify(FULL)}\r\n\n${JSON.stringify(BARE)}`, 'utf8');
    expect(await rowsOf(encode([loose]).bytes)).toEqual([expectedRow(FULL), expectedRow(BARE)]);
  });

  it.each([
    ['a line that is not JSON', `${JSON.stringify(FULL)}\n{"id":`, 'dataset line 2 is not valid JSON'],
    ['a line that is not an object', '[1,2]\n', 'dataset line 1 is not a JSON object'],
    ['a field that is not a persona field', `${JSON.stringify({ ...FULL, salary: 1 })}\n`, 'dataset line 1 has the field "salary", which is not a persona field'],
    ['a missing required field', `${JSON.stringify({ ...FULL, id: undefined })}\n`, 'dataset line 1: id is missing'],
    ['a null required field', `${JSON.stringify({ ...FULL, region: null })}\n`, 'dataset line 1: region is missing'],
    ['a string where an integer belongs', `${JSON.stringify({ ...FULL, age: '18' })}\n`, 'dataset line 1: age is not of the Parquet type int32'],
    ['a fraction where an integer belongs', `${JSON.stringify({ ...FULL, index: 1.5 })}\n`, 'dataset line 1: index is not of the Parquet type int32'],
    ['a number where a code belongs', `${JSON.stringify({ ...FULL, sex: 1 })}\n`, 'dataset line 1: sex is not of the Parquet type code'],
    ['traits that are not an object', `${JSON.stringify({ ...FULL, traits: 3 })}\n`, 'dataset line 1: traits is not an object'],
    ['a narrative that is not an object', `${JSON.stringify({ ...FULL, narrative: 'text' })}\n`, 'dataset line 1: narrative is not of the Parquet type json'],
  ])('fails with INTERNAL on %s, naming the line', (_name, text, message) => {
    expect(() => encode([Buffer.from(text, 'utf8')])).toThrow(expect.objectContaining({ code: 'INTERNAL', message }));
  });
});

// Valid personas with awkward text (quotes, commas, newlines, 2-4 byte UTF-8), fractional traits
// and narratives or none: the encoder's input domain.
const awkwardText = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', 'ă', 'Ș', '€', '😀', '{', '\\'), minLength: 1, maxLength: 12 });
const traitScore = fc.double({ min: 20, max: 80, noNaN: true });
const people = fc.array(
  fc
    .record({
      persona: personaArbitrary(),
      givenName: fc.option(awkwardText, { nil: undefined }),
      traits: fc.option(fc.record({ openness: traitScore, conscientiousness: traitScore, extraversion: traitScore, agreeableness: traitScore, neuroticism: traitScore }), { nil: undefined }),
      summary: fc.option(awkwardText, { nil: undefined }),
    })
    .map(({ persona, givenName, traits, summary }) => ({
      ...persona,
      ...(givenName === undefined ? {} : { given_name: givenName }),
      ...(traits === undefined ? {} : { traits }),
      ...(summary === undefined ? {} : { narrative: { ...NARRATIVE, sections: { ...NARRATIVE.sections!, persona_summary: summary } } }),
    })),
  { maxLength: 8 },
);

describe('Parquet conversion under any chunking (property)', () => {
  it('gives the bytes of the whole input however it is split, and reads back to the personas', async () => {
    await fc.assert(
      fc.asyncProperty(people, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async (records, cuts, rows) => {
        const ndjson = ndjsonOf(records);
        const limits = { rows, bytes: Infinity };
        const whole = encode([ndjson], limits).bytes;
        expect(encode(splitAt(ndjson, cuts), limits).bytes.equals(whole)).toBe(true);
        expect(await rowsOf(whole)).toEqual(records.map((record) => expectedRow(record as Persona)));
      }),
      { numRuns: 60 },
    );
  });
});

describe('createDatasetEncoder / createDatasetTransform (parquet, in a worker thread)', () => {
  it('stream the same bytes as the encoder', async () => {
    const ndjson = ndjsonOf([FULL, BARE, FULL]);
    const direct = createDatasetEncoder('parquet');
    const expected = Buffer.concat([Buffer.from(direct.write(ndjson)), Buffer.from(direct.end())]);
    const streamed = await buffer(Readable.from(splitAt(ndjson, [5, 170, 171, 400])).pipe(createDatasetTransform('parquet')));
    expect(streamed.equals(expected)).toBe(true);
  });

  it('fail the stream with the encoder’s ServiceError, rebuilt across the thread', async () => {
    const stream = Readable.from([ndjsonOf([FULL]), Buffer.from('{"id":\n')]).pipe(createDatasetTransform('parquet'));
    await expect(buffer(stream)).rejects.toMatchObject({ name: 'ServiceError', code: 'INTERNAL', message: 'dataset line 2 is not valid JSON' });
  });

  it('give a valid empty file for no input', async () => {
    const bytes = await buffer(Readable.from([]).pipe(createDatasetTransform('parquet')));
    expect(metadataOf(bytes).num_rows).toBe(0n);
  });

  it('run at most MAX_ENCODER_THREADS at once: the next is refused (503, Retry-After) until one ends, and every way out gives its slot back', async () => {
    expect(encoderThreadsInUse()).toBe(0);
    const open = Array.from({ length: MAX_ENCODER_THREADS }, () => createDatasetTransform('parquet'));
    expect(encoderThreadsInUse()).toBe(MAX_ENCODER_THREADS);
    let refused: unknown;
    try {
      createDatasetTransform('parquet');
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retryAfterSeconds: 5 } });
    // Destroyed (a caller went away), ended normally, and failed: each frees its slot once.
    open[0]!.destroy();
    open[0]!.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(encoderThreadsInUse()).toBe(MAX_ENCODER_THREADS - 1);
    const ended = open[1]!;
    const done = buffer(ended);
    ended.end();
    await done;
    await expect(buffer(Readable.from([Buffer.from('{"id":\n')]).pipe(open[2]!))).rejects.toMatchObject({ name: 'ServiceError' });
    for (const transform of open.slice(3)) transform.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(encoderThreadsInUse()).toBe(0);
    // And a new one starts again.
    const again = await buffer(Readable.from([]).pipe(createDatasetTransform('parquet')));
    expect(metadataOf(again).num_rows).toBe(0n);
  });
});
