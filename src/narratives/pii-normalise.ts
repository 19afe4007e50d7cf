/**
 * The text the PII recognisers read: what a reader sees, not how it was typed. A model (or a
 * hostile prompt) can split a phone number with soft hyphens or zero-width spaces, write it in
 * fullwidth or Arabic-Indic digits, or space an IBAN with no-break spaces; the recognisers only
 * know ASCII digits and plain spaces. So, per code point (with its combining marks):
 *
 *   1. NFKC (fullwidth and mathematical digits and letters → ASCII, no-break spaces → space,
 *      ＠ → @, decomposed letters → composed);
 *   2. remove format and default-ignorable characters (Unicode Cf: soft hyphen U+00AD, ZWSP,
 *      ZWNJ, ZWJ, word joiner, BOM, bidi controls; and variation selectors, CGJ, fillers);
 *   3. any decimal digit (\p{Nd}: Arabic-Indic, Devanagari, Thai, …) → its ASCII digit.
 *
 * Every character of the result remembers the span of the original it came from, so findings
 * are reported at offsets of the text as given. Text that none of this changes (the usual case)
 * is returned as it is, without offset tables. Pure.
 */

export interface NormalisedText {
  readonly text: string;
  /** For each character of `text`, where its source starts in the original; null when unchanged. */
  readonly starts: Int32Array | null;
  /** For each character of `text`, where its source ends (exclusive); null when unchanged. */
  readonly ends: Int32Array | null;
}

const IGNORABLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const IGNORABLES = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/u;
const NON_ASCII_DIGITS = /(?![0-9])\p{Nd}/gu;
const MARK = /\p{M}/u;

/** Value of a decimal digit: Unicode encodes each script's 0–9 as one contiguous run. */
function digitValue(codePoint: number): number {
  let start = codePoint;
  while (start > 0 && codePoint - start < 64 && NON_ASCII_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return (codePoint - start) % 10;
}

const clusterCache = new Map<string, string>();

/** NFKC of one cluster, ignorables removed, digits in ASCII. */
function normaliseCluster(cluster: string): string {
  const cached = clusterCache.get(cluster);
  if (cached !== undefined) return cached;
  let normal = cluster.normalize('NFKC');
  if (IGNORABLE.test(normal)) normal = normal.replace(IGNORABLES, '');
  if (NON_ASCII_DIGIT.test(normal)) normal = normal.replace(NON_ASCII_DIGITS, (d) => String(digitValue(d.codePointAt(0)!)));
  // Bounded: a text of many distinct rare characters must not grow the cache for good.
  if (clusterCache.size > 20_000) clusterCache.clear();
  clusterCache.set(cluster, normal);
  return normal;
}

const markCache = new Map<number, boolean>();
function isMark(code: number): boolean {
  if (code < 0x300) return false;
  if (code <= 0x36f) return true;
  let mark = markCache.get(code);
  if (mark === undefined) {
    mark = MARK.test(String.fromCharCode(code));
    markCache.set(code, mark);
  }
  return mark;
}

/** Offsets that grow as needed (NFKC may expand one character into several). */
class Offsets {
  values: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.values = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length] = value;
    this.length += 1;
  }
  done(): Int32Array {
    return this.values.subarray(0, this.length);
  }
}

/** The text as the recognisers read it, with the way back to the original's offsets. */
export function normaliseForPii(text: string): NormalisedText {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/u.test(text)) return { text, starts: null, ends: null };
  if (text.normalize('NFKC') === text && !IGNORABLE.test(text) && !NON_ASCII_DIGIT.test(text)) return { text, starts: null, ends: null };
  const parts: string[] = [];
  const starts = new Offsets(text.length);
  const ends = new Offsets(text.length);
  let unchangedFrom = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    let end = i + width;
    while (end < text.length && isMark(text.charCodeAt(end))) end += 1;
    if (code < 0x80 && end === i + 1) {
      starts.push(i);
      ends.push(end);
      i = end;
      continue;
    }
    const cluster = text.slice(i, end);
    const normal = normaliseCluster(cluster);
    if (normal === cluster) {
      for (let k = 0; k < cluster.length; k += 1) {
        starts.push(i);
        ends.push(end);
      }
    } else {
      parts.push(text.slice(unchangedFrom, i), normal);
      unchangedFrom = end;
      for (let k = 0; k < normal.length; k += 1) {
        starts.push(i);
        ends.push(end);
      }
    }
    i = end;
  }
  parts.push(text.slice(unchangedFrom));
  return { text: parts.join(''), starts: starts.done(), ends: ends.done() };
}
