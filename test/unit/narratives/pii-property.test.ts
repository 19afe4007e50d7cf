/**
 * Property: whatever spelling a model uses — separators, case, digits of another script, format
 * characters (soft hyphen, zero-width space, joiners, BOM) inside — a valid Moldovan phone
 * number, IDNP, IBAN or e-mail address in a Romanian sentence is withheld, and the finding points
 * at it in the original text. Validity is computed here, independently of src/narratives/pii.ts:
 * IDNP check digit by weights 7-3-1 mod 10, IBAN check digits by ISO 13616 (98 − mod-97 with
 * BigInt).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPii, withholdingPii } from '../../../src/narratives/pii.js';

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (length: number) => fc.array(digit, { minLength: length, maxLength: length }).map((list) => list.join(''));

/** The zero of each decimal digit block a model might write (NFKC leaves the non-ASCII ones alone, except fullwidth and mathematical). */
const DIGIT_ZEROS = {
  ascii: 0x30,
  fullwidth: 0xff10,
  arabicIndic: 0x0660,
  extendedArabicIndic: 0x06f0,
  devanagari: 0x0966,
  bengali: 0x09e6,
  thai: 0x0e50,
  mathematicalBold: 0x1d7ce,
} as const;
const digitScript = fc.constantFrom(...(Object.keys(DIGIT_ZEROS) as (keyof typeof DIGIT_ZEROS)[]));
const inScript = (text: string, script: keyof typeof DIGIT_ZEROS) =>
  text.replace(/[0-9]/gu, (d) => String.fromCodePoint(DIGIT_ZEROS[script] + Number(d)));

/** Unicode category Cf characters that render as nothing. */
const FORMAT_CHARACTERS = ['\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'];

/** Inserts format characters at chosen positions of `text` (by code point, so no surrogate pair is split). */
function withFormatCharacters(text: string, insertions: readonly [number, number][]): string {
  const points = [...text];
  for (const [at, which] of [...insertions].sort((a, b) => b[0] - a[0])) {
    points.splice(at % (points.length + 1), 0, FORMAT_CHARACTERS[which % FORMAT_CHARACTERS.length]!);
  }
  return points.join('');
}
const insertions = fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 });

/** `text` cut into groups of the given sizes (the rest in one last group), joined by separators. */
function grouped(text: string, sizes: readonly number[], separators: readonly string[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= text.length) break;
    parts.push(text.slice(at, at + size));
    at += size;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts.map((part, i) => (i === 0 ? part : `${separators[(i - 1) % separators.length] ?? ''}${part}`)).join('');
}
const separator = fc.constantFrom(' ', '-', '.', '/', '_', '\u00A0', '\u202F');
const separators = fc.array(separator, { minLength: 1, maxLength: 4 });

/** Moldovan mobile (6x, 7x) or landline (2x, 3x) subscriber numbers: 8 digits after the trunk 0. */
const subscriber = fc.tuple(fc.constantFrom('60', '62', '68', '69', '78', '79', '22', '23', '24', '25', '29', '31'), digits(6)).map(([a, b]) => a + b);

/** How a 9-digit national number (0 + 8) and an 8-digit subscriber number are grouped in print. */
const NATIONAL_GROUPS = [[3, 3, 3], [1, 2, 3, 3], [1, 2, 2, 2, 2], [3, 2, 2, 2], [4, 2, 3], [9]];
const SUBSCRIBER_GROUPS = [[2, 3, 3], [2, 2, 2, 2], [3, 2, 3], [8]];

const phone = fc
  .record({
    number: subscriber,
    format: fc.constantFrom('international', 'double-zero', 'national', 'local-mobile'),
    national: fc.constantFrom(...NATIONAL_GROUPS),
    subscriber: fc.constantFrom(...SUBSCRIBER_GROUPS),
    separators,
    prefixSeparator: fc.constantFrom('', ' ', '-', '/', '\u00A0'),
    context: fc.boolean(),
  })
  .filter(({ format, number }) => format !== 'local-mobile' || /^[67]/u.test(number))
  .map(({ number, format, national, subscriber: groups, separators: seps, prefixSeparator, context }) => {
    const body = format === 'national' ? grouped(`0${number}`, national, seps) : grouped(number, groups, seps);
    const prefix = format === 'international' ? `+373${prefixSeparator}` : format === 'double-zero' ? `00373${prefixSeparator}` : '';
    return { text: prefix + body, context: context ? 'Telefonul ei: ' : '' };
  });

function idnpCheckDigit(first12: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(first12[i]) * weights[i % 3]!;
  return String(sum % 10);
}
const idnp = fc
  .record({
    first12: fc.tuple(fc.constantFrom('0', '2'), digits(11)).map(([a, b]) => a + b),
    sizes: fc.constantFrom([13], [4, 4, 5], [3, 3, 3, 4], [1, 3, 3, 3, 3]),
    separators,
    context: fc.boolean(),
  })
  .map(({ first12, sizes, separators: seps, context }) => ({
    text: grouped(first12 + idnpCheckDigit(first12), sizes, seps),
    context: context ? 'IDNP ' : 'Numărul ei este ',
  }));

function ibanCheckDigits(country: string, body: string): string {
  const numeric = [...`${body}${country}00`].map((char) => (/[A-Z]/u.test(char) ? String(char.charCodeAt(0) - 55) : char)).join('');
  return String(98n - (BigInt(numeric) % 97n)).padStart(2, '0');
}
const ALNUM = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const iban = fc
  .record({
    bank: fc.array(fc.constantFrom(...ALNUM.slice(0, 26)), { minLength: 2, maxLength: 2 }),
    account: fc.array(fc.constantFrom(...ALNUM), { minLength: 18, maxLength: 18 }),
    spaced: fc.constantFrom('', ' ', '\u00A0', '\u202F', '-'),
    caseOf: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
    casing: fc.constantFrom('upper', 'lower', 'mixed'),
  })
  .map(({ bank, account, spaced, caseOf, casing }) => {
    const body = bank.join('') + account.join('');
    const compact = `MD${ibanCheckDigits('MD', body)}${body}`;
    const cased = [...compact]
      .map((char, i) => (casing === 'upper' ? char : casing === 'lower' || caseOf[i] ? char.toLowerCase() : char))
      .join('');
    return { text: spaced === '' ? cased : grouped(cased, [4, 4, 4, 4, 4, 4], [spaced]), context: 'Contul: ' };
  });

const word = fc.stringMatching(/^[a-z]{2,8}$/u);
const email = fc
  .record({
    local: fc.tuple(word, fc.option(fc.tuple(fc.constantFrom('.', '_', '-'), word), { nil: undefined })),
    domain: word,
    tld: fc.constantFrom('md', 'com', 'ro', 'net', 'org', 'ru'),
    at: fc.constantFrom('@', ' @ ', ' at ', ' arond ', ' (at) ', ' [at] ', ' (arond) ', ' [arond] ', '＠'),
    dot: fc.constantFrom('.', ' . ', ' dot ', ' punct ', ' (dot) ', ' [dot] ', ' (punct) ', ' [punct] '),
    upper: fc.boolean(),
  })
  .map(({ local, domain, tld, at, dot, upper }) => {
    const localPart = local[1] === undefined ? local[0] : `${local[0]}${local[1][0]}${local[1][1]}`;
    const spelled = upper ? (text: string) => text.toUpperCase() : (text: string) => text;
    return { text: `${localPart}${spelled(at)}${domain}${spelled(dot)}${tld}`, context: 'Scrieți-i la ' };
  });

const sentenceEnd = fc.constantFrom('.', ' oricând.', ', vă rog.', ' — așa a spus.');

function expectWithheld(text: string, start: number, end: number): void {
  const found = withholdingPii(findPii(text));
  const covering = found.filter((f) => f.start < end && start < f.end);
  expect(covering, `${JSON.stringify(text)} → ${JSON.stringify(found)}`).not.toEqual([]);
}

describe('PII in any spelling is withheld', () => {
  const cases = [
    ['phone numbers', phone, true],
    ['IDNPs', idnp, true],
    ['IBANs', iban, true],
    ['e-mail addresses', email, false],
  ] as const;

  it.each(cases)('%s', (_label, arbitrary, numeric) => {
    fc.assert(
      fc.property(arbitrary, digitScript, insertions, sentenceEnd, (pii, script, inserted, end) => {
        const spelled = withFormatCharacters(numeric ? inScript(pii.text, script) : pii.text, inserted);
        const text = `Maria locuiește în Orhei. ${pii.context}${spelled}${end}`;
        const start = text.indexOf(spelled);
        expectWithheld(text, start, start + spelled.length);
      }),
      { numRuns: 400 },
    );
  });
});
