/**
 * The sync answer's body is spliced together as bytes (no record is parsed); it must be the same
 * JSON a parse-and-serialise would give, whatever the records hold and wherever chunks split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syncBody } from '../../../src/runs/dataset-formats.js';
import { splitAt } from '../../helpers/chunks.js';

const record = fc.record({
  id: fc.uuid(),
  name: fc.string({ unit: 'grapheme', maxLength: 12 }),
  note: fc.constantFrom('line one\nline two', 'ș și ț', 'tab\there', '"quoted"', '\u2028', ''),
  age: fc.integer({ min: 0, max: 110 }),
});

describe('syncBody', () => {
  it('equals the head with the parsed records as its dataset array', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 5 }), (records, cuts) => {
        const ndjson = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
        const head = JSON.stringify({ run_id: 'r', trust_payload: { decision: 'PASS' } });
        const body = syncBody(head, splitAt(ndjson, cuts));
        expect(JSON.parse(body.toString('utf8'))).toEqual({ run_id: 'r', trust_payload: { decision: 'PASS' }, dataset: records });
      }),
    );
  });

  it('leaves the chunks it was given untouched (replays share them)', () => {
    const chunk = Buffer.from('{"a":1}\n{"a":2}\n');
    const copy = Buffer.from(chunk);
    syncBody('{}', [chunk]);
    expect(chunk.equals(copy)).toBe(true);
    expect(syncBody('{}', [chunk]).toString()).toBe('{"dataset":[{"a":1},{"a":2}]}');
  });
});
