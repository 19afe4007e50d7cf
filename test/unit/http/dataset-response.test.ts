import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetEtag, ifRangeHolds, negotiateEncoding, noneMatchHits, parseRange } from '../../../src/http/dataset-response.js';

const SHA = `sha256:${'a'.repeat(64)}`;

describe('parseRange', () => {
  it('reads one range (a-b, a-, -n), clamps the end to the size, and refuses a start past the end', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('BYTES = 1 - 2', 100)).toEqual({ start: 1, end: 2 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
  });

  it('ignores (full answer) what it does not serve: no header, other units, several ranges, b < a, garbage', () => {
    for (const header of [undefined, 'items=0-1', 'bytes=0-1,3-4', 'bytes=9-3', 'bytes=-', 'bytes=a-b', 'bytes=1e3-', '']) {
      expect(parseRange(header, 100)).toBeNull();
    }
  });

  it('gives only ranges inside the representation (property)', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.option(fc.nat(2_000_000)), fc.option(fc.nat(2_000_000)), (size, a, b) => {
        const range = parseRange(`bytes=${a ?? ''}-${b ?? ''}`, size);
        if (range === null || range === 'unsatisfiable') return;
        expect(range.start).toBeGreaterThanOrEqual(0);
        expect(range.end).toBeGreaterThanOrEqual(range.start);
        expect(range.end).toBeLessThan(size);
      }),
    );
  });
});

describe('negotiateEncoding', () => {
  it('never compresses what is not text (a format outside ndjson, csv, json)', () => {
    expect(negotiateEncoding('gzip', 'parquet' as never)).toBe('identity');
  });

  it('is identity without a header', () => {
    expect(negotiateEncoding(undefined, 'ndjson')).toBe('identity');
  });

  it('prefers identity only when it is listed with a higher q than every coding', () => {
    expect(negotiateEncoding('identity;q=1, gzip;q=0.5', 'ndjson')).toBe('identity');
    expect(negotiateEncoding('identity;q=0.5, gzip', 'ndjson')).toBe('gzip');
    expect(negotiateEncoding('identity, gzip', 'json')).toBe('gzip');
  });
});

describe('validators', () => {
  it('gives each representation its own tag', () => {
    const dataset = { bytes: 1, sha256: SHA };
    const tags = new Set(
      (['ndjson', 'csv', 'json'] as const).flatMap((format) => (['identity', 'gzip', 'br'] as const).map((coding) => datasetEtag(dataset, format, coding))),
    );
    expect(tags.size).toBe(9);
    expect(datasetEtag(dataset, 'ndjson')).toBe(`"${SHA}"`);
  });

  it('matches If-None-Match weakly, and nothing for an absent or empty header', () => {
    const tag = `"${SHA}"`;
    expect(noneMatchHits(`W/${tag}`, tag)).toBe(true);
    expect(noneMatchHits(` "x" ,${tag}`, tag)).toBe(true);
    expect(noneMatchHits('"x"', tag)).toBe(false);
    expect(noneMatchHits(undefined, tag)).toBe(false);
    expect(noneMatchHits('', tag)).toBe(false);
  });

  it('lets If-Range hold only for the current strong tag', () => {
    const tag = `"${SHA}"`;
    expect(ifRangeHolds(undefined, tag)).toBe(true);
    expect(ifRangeHolds(tag, tag)).toBe(true);
    expect(ifRangeHolds(`W/${tag}`, tag)).toBe(false);
    expect(ifRangeHolds('Wed, 21 Oct 2015 07:28:00 GMT', tag)).toBe(false);
  });
});
