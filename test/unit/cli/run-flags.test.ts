import { describe, expect, it } from 'vitest';
import { parseFormatFlag, parseRequestFlags, requestBodyOf } from '../../../src/cli/run-flags.js';

describe('requestBodyOf', () => {
  it('spells every request field from its flag', () => {
    expect(
      requestBodyOf({ n: '1000', profile: 'high_stakes', seed: '42', scope: 'all', traits: true, 'no-ipf': true, 'no-strict': true, narratives: 'template' }),
    ).toEqual({ n: 1000, profile: 'high_stakes', seed: 42, scope: 'all', traits: true, use_ipf: false, strict: false, narratives: { provider: 'template' } });
  });

  it('leaves out what the flags leave out, so the API defaults apply', () => {
    expect(requestBodyOf({ n: '5', profile: 'analysis_only' })).toEqual({ n: 5, profile: 'analysis_only' });
  });
});

describe('parseRequestFlags', () => {
  it('spells a condition from its flags: comma lists, and --age as MIN-MAX, MIN-, -MAX or one age', () => {
    const where = (age: string) => requestBodyOf({ n: '1', profile: 'analysis_only', region: 'gagauzia, sud', age })['where'];
    expect(where('18-35')).toEqual({ region: ['gagauzia', 'sud'], age: { min: 18, max: 35 } });
    expect(where('65-')).toEqual({ region: ['gagauzia', 'sud'], age: { min: 65 } });
    expect(where('-17')).toEqual({ region: ['gagauzia', 'sud'], age: { max: 17 } });
    expect(where('40')).toEqual({ region: ['gagauzia', 'sud'], age: { min: 40, max: 40 } });
    expect(requestBodyOf({ n: '1', profile: 'analysis_only' })['where']).toBeUndefined();
  });

  it('accepts a request the API accepts', () => {
    const result = parseRequestFlags({ n: '10', profile: 'analysis_only', strict: true }, 100);
    expect(result).toEqual({ ok: true, value: { request: { n: 10, profile: 'analysis_only', strict: true }, body: { n: 10, profile: 'analysis_only', strict: true } } });
  });

  it.each([
    [{ profile: 'analysis_only' }, '-n/--n is required'],
    [{ n: 'ten', profile: 'analysis_only' }, '-n/--n "ten": Invalid input: expected number'],
    [{ n: '2.5', profile: 'analysis_only' }, '-n/--n 2.5:'],
    [{ n: '101', profile: 'analysis_only' }, '-n/--n 101: Too big'],
    [{ n: '0', profile: 'analysis_only' }, '-n/--n 0: Too small'],
    [{ n: '1' }, '-p/--profile is required'],
    [{ n: '1', profile: 'everything' }, '-p/--profile "everything": Invalid option'],
    [{ n: '1', profile: 'analysis_only', seed: '-1' }, '-s/--seed -1: Too small'],
    [{ n: '1', profile: 'analysis_only', seed: '4294967296' }, '-s/--seed 4294967296: Too big'],
    [{ n: '1', profile: 'analysis_only', scope: 'kids' }, '--scope "kids": Invalid option'],
    [{ n: '1', profile: 'analysis_only', narratives: 'poetry' }, '--narratives "poetry": Invalid option'],
    [{ n: '1', profile: 'analysis_only', strict: true, 'no-strict': true }, '--strict and --no-strict contradict each other'],
    [{ n: '1', profile: 'analysis_only', region: 'atlantis' }, '--region "atlantis": Invalid option'],
    [{ n: '1', profile: 'analysis_only', sex: 'female,other' }, '--sex "other": Invalid option'],
    [{ n: '1', profile: 'analysis_only', age: '40-30' }, '--age "40-30": min must not exceed max'],
    [{ n: '1', profile: 'analysis_only', age: 'abc' }, '--age "abc": Invalid input: expected number'],
    [{ n: '1', profile: 'analysis_only', age: '18-300' }, '--age "18-300": Too big'],
  ])('rejects %j naming the flag', (values, message) => {
    const result = parseRequestFlags(values, 100);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('\n')).toContain(message);
  });
});

describe('parseFormatFlag', () => {
  it('defaults to ndjson and accepts csv, json and parquet', () => {
    expect(parseFormatFlag({})).toEqual({ ok: true, value: 'ndjson' });
    expect(parseFormatFlag({ format: 'csv' })).toEqual({ ok: true, value: 'csv' });
    expect(parseFormatFlag({ format: 'json' })).toEqual({ ok: true, value: 'json' });
    expect(parseFormatFlag({ format: 'parquet' })).toEqual({ ok: true, value: 'parquet' });
  });

  it('rejects anything else, listing the formats', () => {
    expect(parseFormatFlag({ format: 'xlsx' })).toEqual({ ok: false, problems: ['--format "xlsx": expected one of ndjson, csv, json, parquet'] });
  });
});
