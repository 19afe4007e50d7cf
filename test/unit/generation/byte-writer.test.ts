import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, utf8 } from '../../../src/generation/byte-writer.js';
import { personaId, personaIdWords } from '../../../src/generation/persona-id.js';

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

  it('writes persona id words as the same UUID text personaId gives', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (k0, k1, index) => {
        const words = new Uint32Array(4);
        personaIdWords([k0, k1], index, words);
        const writer = new ByteWriter(8);
        writer.uuid(words);
        const text = new TextDecoder().decode(writer.view());
        expect(text).toBe(personaId([k0, k1], index));
        expect(text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }),
    );
  });
});
