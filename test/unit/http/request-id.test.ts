import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { genReqId, isAcceptableRequestId } from '../../../src/http/request-id.js';

const requestWith = (value: string | string[] | undefined) => ({ headers: { 'x-request-id': value } }) as unknown as IncomingMessage;

describe('genReqId', () => {
  it('keeps an acceptable incoming id', () => {
    expect(genReqId(requestWith('01HZX5Y7:span.3_a-b'))).toBe('01HZX5Y7:span.3_a-b');
  });

  it('mints distinct UUIDs when the header is absent, repeated or unusable', () => {
    const ids = [undefined, ['a', 'b'], '-leading-dash', 'has space', 'x'.repeat(129)].map((value) => genReqId(requestWith(value)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('accepts up to 128 characters', () => {
    expect(isAcceptableRequestId('x'.repeat(128))).toBe(true);
    expect(isAcceptableRequestId('x'.repeat(129))).toBe(false);
  });
});
