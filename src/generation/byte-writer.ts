/**
 * A growable UTF-8 byte buffer for the NDJSON hot path: fragments are encoded once and copied,
 * integers are written as ASCII digits, so serialising a persona allocates no strings.
 */
const encoder = new TextEncoder();
const HEX_DIGITS = encoder.encode('0123456789abcdef');
const DASH = 0x2d;

/** UTF-8 bytes of a string, for pre-encoding fixed fragments. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export class ByteWriter {
  #buffer: Uint8Array;
  #length = 0;

  /** `reuse`: a buffer to write into when it is at least `initialBytes` long (recycled by the pool). */
  constructor(initialBytes: number, reuse?: ArrayBuffer) {
    const wanted = Math.max(64, initialBytes);
    this.#buffer = reuse !== undefined && reuse.byteLength >= wanted ? new Uint8Array(reuse) : new Uint8Array(wanted);
  }

  get length(): number {
    return this.#length;
  }

  #ensure(extra: number): void {
    if (this.#length + extra <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + extra));
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }

  bytes(fragment: Uint8Array): void {
    const length = fragment.length;
    this.#ensure(length);
    // TypedArray#set costs ~25 ns whatever the length; a byte loop only wins below ~8 bytes.
    if (length < 8) {
      const buffer = this.#buffer;
      let at = this.#length;
      for (let i = 0; i < length; i += 1) buffer[at++] = fragment[i]!;
      this.#length = at;
    } else {
      this.#buffer.set(fragment, this.#length);
      this.#length += length;
    }
  }

  /** A non-negative integer in decimal. */
  unsigned(value: number): void {
    this.#ensure(10);
    if (value === 0) {
      this.#buffer[this.#length++] = 48;
      return;
    }
    let digits = 0;
    for (let rest = value; rest > 0; rest = Math.floor(rest / 10)) digits += 1;
    let at = this.#length + digits - 1;
    for (let rest = value; rest > 0; rest = Math.floor(rest / 10)) this.#buffer[at--] = 48 + (rest % 10);
    this.#length += digits;
  }

  /** Four 32-bit words as a UUID: 8-4-4-4-12 lowercase hex digits. */
  uuid(words: Uint32Array): void {
    this.#ensure(36);
    const buffer = this.#buffer;
    let at = this.#length;
    for (let w = 0; w < 4; w += 1) {
      const word = words[w]!;
      for (let shift = 28; shift >= 0; shift -= 4) {
        // Dashes after the 8th, 12th, 16th and 20th hex digit.
        if ((w === 1 || w === 2) && (shift === 28 || shift === 12)) buffer[at++] = DASH;
        buffer[at++] = HEX_DIGITS[(word >>> shift) & 0xf]!;
      }
    }
    this.#length = at;
  }

  /** ASCII text (callers guarantee no character above U+007F). */
  ascii(text: string): void {
    this.#ensure(text.length);
    for (let i = 0; i < text.length; i += 1) this.#buffer[this.#length++] = text.charCodeAt(i);
  }

  /** The written bytes (a view; copy before reusing the writer). */
  view(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }
}
