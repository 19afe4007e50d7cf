import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERSONA_FIELDS } from '../../../src/domain/persona.js';
import {
  createDatasetEncoder,
  createDatasetTransform,
  csvCell,
  csvRowOf,
  CSV_COLUMNS,
  DATASET_FORMATS,
  type DatasetFormat,
} from '../../../src/runs/dataset-formats.js';
import { splitAt } from '../../helpers/chunks.js';
import { SCALAR_FIELDS, TRAITS, expectedCsvCells, parseCsv } from '../../helpers/csv.js';

const HEADER = [...SCALAR_FIELDS, ...TRAITS.map((trait) => `traits_${trait}`), 'narrative'];

const PERSONA = {
  id: '928ee814-1e85-83f5-b319-35a99941cd2d',
  index: 0,
  given_name: 'Lilia',
  family_name: 'Țurcanu',
  sex: 'female',
  age: 18,
  age_group: '15-19',
  region: 'sud',
  district: 'cantemir',
  residence: 'rural',
  ethnicity: 'moldovan',
  mother_tongue: 'moldovan',
  language_usually_spoken: 'moldovan',
  religion: 'orthodox',
  marital_status: 'never_married',
  education_level: 'lower_secondary',
  employment_status: 'inactive',
  inactivity_reason: 'student',
  economic_sector: null,
  traits: { openness: 31.4, conscientiousness: 52.4, extraversion: 52.8, agreeableness: 48.2, neuroticism: 53.7 },
  narrative: { status: 'template', source: 'template', prompt_version: null, sections: { persona_summary: 'Lilia, 18 ani, "elevă", din Cantemir.' } },
};

function encodeBytes(format: DatasetFormat, chunks: readonly Uint8Array[]): Buffer {
  const encoder = createDatasetEncoder(format);
  const out = chunks.map((chunk) => Buffer.from(encoder.write(chunk)));
  out.push(Buffer.from(encoder.end()));
  return Buffer.concat(out);
}

const encodeChunks = (format: DatasetFormat, chunks: readonly Uint8Array[]) => encodeBytes(format, chunks).toString('utf8');
const encodeWhole = (format: DatasetFormat, text: string) => encodeChunks(format, [Buffer.from(text, 'utf8')]);
/** The text formats: Parquet is binary and typed (its own tests: dataset-parquet.test.ts). */
const TEXT_FORMATS = DATASET_FORMATS.filter((format) => format !== 'parquet');

describe('CSV_COLUMNS', () => {
  it('lists the persona fields in order with traits flattened and narrative as one column', () => {
    expect(CSV_COLUMNS).toEqual(HEADER);
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['Chișinău', 'Chișinău'],
    ['a,b', '"a,b"'],
    ['say "bună"', '"say ""bună"""'],
    ['two\nlines', '"two\nlines"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['', '""'],
    [' padded ', ' padded '],
  ])('writes %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('csvRowOf', () => {
  it('writes a persona with traits and a narrative as one RFC 4180 row', () => {
    expect(csvRowOf(PERSONA)).toBe(
      '928ee814-1e85-83f5-b319-35a99941cd2d,0,Lilia,Țurcanu,female,18,15-19,sud,cantemir,rural,moldovan,moldovan,moldovan,' +
        'orthodox,never_married,lower_secondary,inactive,student,,31.4,52.4,52.8,48.2,53.7,' +
        '"{""status"":""template"",""source"":""template"",""prompt_version"":null,""sections"":' +
        '{""persona_summary"":""Lilia, 18 ani, \\""elevă\\"", din Cantemir.""}}"',
    );
  });

  it('leaves the trait and narrative cells empty when the record has none', () => {
    const { traits: _traits, narrative: _narrative, ...bare } = PERSONA;
    expect(csvRowOf(bare).split(',').slice(-6)).toEqual(['', '', '', '', '', '']);
  });

  it('throws INTERNAL for a field that is not a persona field', () => {
    expect(() => csvRowOf({ ...PERSONA, salary: 1 }, 7)).toThrow(expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('line 7 has the field "salary"') }));
  });

  it('throws INTERNAL for a nested value where a scalar belongs', () => {
    expect(() => csvRowOf({ ...PERSONA, region: { name: 'sud' } })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('throws INTERNAL for a line that is not an object', () => {
    expect(() => csvRowOf([1, 2])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('createDatasetEncoder', () => {
  const ndjson = `${JSON.stringify(PERSONA)}\n${JSON.stringify({ ...PERSONA, index: 1, given_name: 'Ana' })}\n`;

  it('passes NDJSON through unchanged', () => {
    expect(encodeWhole('ndjson', ndjson)).toBe(ndjson);
  });

  it('writes a JSON array of the records, one per line', () => {
    const out = encodeWhole('json', ndjson);
    expect(out).toBe(`[\n${ndjson.trimEnd().split('\n').join(',\n')}\n]\n`);
    expect(JSON.parse(out)).toEqual([PERSONA, { ...PERSONA, index: 1, given_name: 'Ana' }]);
  });

  it('writes [] and a header only for an empty dataset', () => {
    expect(encodeWhole('json', '')).toBe('[]\n');
    expect(encodeWhole('csv', '')).toBe(`${HEADER.join(',')}\r\n`);
  });

  it('writes a header row and one CRLF-terminated row per record', () => {
    const rows = parseCsv(encodeWhole('csv', ndjson));
    expect(rows[0]).toEqual(HEADER);
    expect(rows).toHaveLength(3);
    expect(rows[2]?.[2]).toBe('Ana');
    expect(JSON.parse(rows[1]?.[24] ?? '')).toEqual(PERSONA.narrative);
    expect(encodeWhole('csv', ndjson).split('\r\n')).toHaveLength(4);
  });

  it('accepts CRLF line ends, blank lines and a last line without a newline', () => {
    const loose = `${JSON.stringify(PERSONA)}\r\n\n${JSON.stringify({ ...PERSONA, index: 1 })}`;
    expect(JSON.parse(encodeWhole('json', loose))).toEqual([PERSONA, { ...PERSONA, index: 1 }]);
    expect(parseCsv(encodeWhole('csv', loose))).toHaveLength(3);
  });

  it('gives the same output fed one byte at a time, across multi-byte characters', () => {
    const bytes = Buffer.from(ndjson, 'utf8');
    const single = [...bytes].map((byte) => Uint8Array.of(byte));
    for (const format of DATASET_FORMATS) expect(encodeBytes(format, single).equals(encodeBytes(format, [bytes])), format).toBe(true);
  });

  it('fails a CSV conversion on a line that is not JSON, naming the line', () => {
    expect(() => encodeWhole('csv', `${JSON.stringify(PERSONA)}\n{"id":`)).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: 'dataset line 2 is not valid JSON' }),
    );
  });
});

// Records shaped like personas, with text that needs quoting and multi-byte UTF-8 (2-, 3- and 4-byte).
const awkwardText = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', 'ă', 'Ș', '€', '😀', '{', '\\'), maxLength: 10 });
const scalar = fc.oneof(awkwardText, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.boolean());
const traitScore = fc.double({ min: 20, max: 80, noNaN: true });
const record = fc
  .record({
    scalars: fc.array(scalar, { minLength: PERSONA_FIELDS.length - 2, maxLength: PERSONA_FIELDS.length - 2 }),
    traits: fc.option(fc.record({ openness: traitScore, conscientiousness: traitScore, extraversion: traitScore, agreeableness: traitScore, neuroticism: traitScore }), { nil: undefined }),
    narrative: fc.option(fc.dictionary(awkwardText, awkwardText, { maxKeys: 3 }), { nil: undefined }),
  })
  .map(({ scalars, traits, narrative }) => {
    const fields = PERSONA_FIELDS.filter((field) => field !== 'traits' && field !== 'narrative');
    const out: Record<string, unknown> = Object.fromEntries(fields.map((field, i) => [field, scalars[i]]));
    if (traits !== undefined) out['traits'] = traits;
    if (narrative !== undefined) out['narrative'] = narrative;
    return out;
  });
const datasets = fc.array(record, { maxLength: 6 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('dataset conversions under any chunking (property)', () => {
  it('give the output of the whole input, however the bytes are split', () => {
    fc.assert(
      fc.property(datasets, cuts, fc.constantFrom(...TEXT_FORMATS), (records, cutPoints, format) => {
        const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
        const chunks = splitAt(Buffer.from(text, 'utf8'), cutPoints);
        expect(encodeChunks(format, chunks)).toBe(encodeWhole(format, text));
      }),
    );
  });

  it('JSON output parses back to the records', () => {
    fc.assert(
      fc.property(datasets, cuts, (records, cutPoints) => {
        const bytes = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
        expect(JSON.parse(encodeChunks('json', splitAt(bytes, cutPoints)))).toEqual(JSON.parse(JSON.stringify(records)));
      }),
    );
  });

  it('CSV output reads back (RFC 4180) to the header and the records’ values', () => {
    fc.assert(
      fc.property(datasets, cuts, (records, cutPoints) => {
        const bytes = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
        const rows = parseCsv(encodeChunks('csv', splitAt(bytes, cutPoints)));
        expect(rows[0]).toEqual(HEADER);
        expect(rows.slice(1)).toEqual(records.map((r) => expectedCsvCells(JSON.parse(JSON.stringify(r)) as Record<string, unknown>)));
      }),
    );
  });
});

describe('createDatasetTransform', () => {
  it('streams the conversion of chunked input', async () => {
    const text = `${JSON.stringify(PERSONA)}\n${JSON.stringify({ ...PERSONA, index: 1 })}\n`;
    const chunks = splitAt(Buffer.from(text, 'utf8'), [5, 170, 171, 172, 400]);
    for (const format of DATASET_FORMATS) {
      const out = await buffer(Readable.from(chunks).pipe(createDatasetTransform(format)));
      expect(out.equals(encodeBytes(format, [Buffer.from(text, 'utf8')])), format).toBe(true);
    }
  });

  it('fails the stream with the encoder’s error on a malformed line', async () => {
    const stream = Readable.from([Buffer.from('not json\n')]).pipe(createDatasetTransform('csv'));
    await expect(buffer(stream)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
