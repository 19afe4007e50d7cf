import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, utf8 } from '../../../src/generation/byte-writer.js';

/** Writes the parts through a writer and returns what it holds. */
function written(writer: ByteWriter, parts: readonly (string | number)[]): string {
  for (const part of parts) {
    if (typeof part === 'number') writer.unsigned(part);
    else writer.bytes(utf8(part));
  }
  return new TextDecoder().decode(writer.view());
}

const parts = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.nat()), { maxLength: 60 });

describe('ByteWriter', () => {
  it('holds exactly the UTF-8 of what was written, growing as needed', () => {
    fc.assert(
      fc.property(parts, fc.integer({ min: 0, max: 200 }), (list, initial) => {
        expect(written(new ByteWriter(initial), list)).toBe(list.join(''));
      }),
    );
  });

  it('writes into a reused buffer over its old bytes when it is big enough, and into a new one otherwise', () => {
    fc.assert(
      fc.property(parts, fc.integer({ min: 0, max: 4096 }), (list, spareBytes) => {
        const spare = new ArrayBuffer(spareBytes);
        new Uint8Array(spare).fill(0x7a);
        const writer = new ByteWriter(256, spare);
        expect(written(writer, list)).toBe(list.join(''));
        expect(writer.view().buffer === spare).toBe(spareBytes >= 256 && writer.length <= spareBytes);
      }),
    );
  });
});
