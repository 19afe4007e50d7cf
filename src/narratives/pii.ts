/**
 * PII recognisers for Romanian narratives about people of Moldova: national identifiers (IDNP,
 * IDNO), phone numbers, e-mail, IBAN, payment cards, postcodes, street addresses and URLs.
 * Each finding carries a confidence in [0, 1]; a narrative with a finding at or above
 * `PII_WITHHOLD_CONFIDENCE` is withheld. Structure checks (IDNP/IDNO check digit, IBAN mod-97,
 * Luhn) raise confidence; context words ("IDNP", "cod fiscal", "tel.") raise it further. Numbers
 * that only look long (a serial number without context, a price, a year) stay below the
 * threshold. The recognisers read the text normalised (`pii-normalise.ts`: NFKC, format
 * characters removed, every script's digits in ASCII) and report offsets into the text as given.
 * Overlaps are resolved in one pass over candidates sorted once, so a scan is linear in the text
 * length. Pure; patterns and thresholds are documented in docs/narratives.md.
 */
import { normaliseForPii } from './pii-normalise.js';
import { foldDiacritics } from './text.js';

export const PII_TYPES = [
  'idnp',
  'idno',
  'phone',
  'email',
  'iban',
  'payment_card',
  'postcode',
  'street_address',
  'url',
] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** A span of `text` that looks like PII; `end` is exclusive. */
export interface PiiFinding {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
}

/** Findings at or above this confidence withhold the narrative. */
export const PII_WITHHOLD_CONFIDENCE = 0.5;

type Recogniser = (text: string) => PiiFinding[];

function finding(type: PiiType, start: number, end: number, confidence: number): PiiFinding {
  return { type, start, end, confidence: Math.min(0.99, Math.round(confidence * 100) / 100) };
}

/**
 * The text findPii is scanning, folded and lower-cased once: context words are sought near
 * every candidate, and folding a slice per candidate was most of a scan's time. Null when
 * folding changed the length (offsets would not carry over); cleared when the scan ends.
 */
let scanning: { readonly text: string; folded?: string | null } | undefined;

/** The folded, lower-cased characters of `text` in [from, to). */
function foldedSlice(text: string, from: number, to: number): string {
  const start = Math.max(0, from);
  if (scanning?.text === text) {
    if (scanning.folded === undefined) {
      // Folded on first use only: most narratives have no candidate that needs context.
      const folded = foldDiacritics(text).toLowerCase();
      scanning.folded = folded.length === text.length ? folded : null;
    }
    if (scanning.folded !== null) return scanning.folded.slice(start, to);
  }
  return foldDiacritics(text.slice(start, to)).toLowerCase();
}

/** The folded, lower-cased `width` characters before `index`: where context words are sought. */
function contextBefore(text: string, index: number, width = 40): string {
  return foldedSlice(text, index - width, index);
}

/**
 * Check digit of a Moldovan IDNP/IDNO: weights 7, 3, 1 repeated over the first 12 digits, sum
 * modulo 10. Same scheme for persons and legal entities (see python-stdnum `stdnum.md.idno`,
 * whose documented example 1008600038413 validates).
 */
export function idnCheckDigitValid(digits: string): boolean {
  if (!/^\d{13}$/u.test(digits)) return false;
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(digits[i]) * (weights[i % 3] ?? 0);
  return sum % 10 === Number(digits[12]);
}

const PERSONAL_ID_CONTEXT =
  /\b(idnp|cod(ul)? personal|numar(ul)? personal|numar(ul)? de identificare|buletin(ul)?|act(ul)? de identitate|pasaport(ul)?|cnp)\b/u;
const COMPANY_ID_CONTEXT =
  /\b(idno|cod(ul)? fiscal|s\.?r\.?l\.?|intreprinder\w*|compani\w*|firm[aei]\w*|agent(ul)? economic)\b/u;

/** One optional separator between digits: white space (no-break spaces are spaces by now), . - / _ */
const DIGIT_SEPARATOR = '[\\s.\\-/_]';
// 13 digits, contiguous; or with single separators, and then not part of a longer separated run.
const NATIONAL_ID = /(?<!\d)\d{13}(?!\d)/gu;
const SEPARATED_NATIONAL_ID = new RegExp(`(?<!\\p{N}${DIGIT_SEPARATOR}?)\\d(?:${DIGIT_SEPARATOR}?\\d){12}(?!${DIGIT_SEPARATOR}?\\p{N})`, 'gu');

function* nationalIdMatches(text: string): Generator<RegExpExecArray> {
  yield* text.matchAll(NATIONAL_ID);
  for (const match of text.matchAll(SEPARATED_NATIONAL_ID)) if (!/^\d+$/u.test(match[0])) yield match;
}

const findNationalIds: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  for (const match of nationalIdMatches(text)) {
    const digits = match[0].replace(/\D/gu, '');
    const start = match.index;
    const end = start + match[0].length;
    const context = contextBefore(text, start);
    const checkValid = idnCheckDigitValid(digits);
    const bonus = checkValid ? 0.09 : 0;
    if (PERSONAL_ID_CONTEXT.test(context)) found.push(finding('idnp', start, end, 0.9 + bonus));
    else if (COMPANY_ID_CONTEXT.test(context)) found.push(finding('idno', start, end, 0.9 + bonus));
    else {
      // Without context, only the national structure (leading 0/1/2 and a valid check digit)
      // lifts a bare 13-digit number above the threshold; 1 in 10 random numbers passes it.
      const structured = /^[012]/u.test(digits) && checkValid;
      found.push(finding(digits.startsWith('1') ? 'idno' : 'idnp', start, end, structured ? 0.6 : 0.3));
    }
  }
  return found;
};

const PHONE_CONTEXT = /\b(tel|telefon\w*|mobil\w*|nr\.? de contact|contact\w*|suna\w*|apela\w*|whatsapp|viber)\b/u;

const SEPARATED_DIGIT = `(?:${DIGIT_SEPARATOR}?\\(?\\d\\)?)`;
const INTERNATIONAL_PHONE = new RegExp(`(?<![\\p{L}\\p{N}])\\(?(?:\\+|00)\\s?\\d{1,3}\\)?${SEPARATED_DIGIT}{6,13}(?!\\p{N})`, 'gu');
// Trunk 0 and 8 more digits, in any grouping ("069 123 456", "0 69 12 34 56", "(022) 12-34-56").
const NATIONAL_PHONE = new RegExp(`(?<![\\p{L}\\p{N}+])\\(?0${SEPARATED_DIGIT}{8}(?!\\p{N})`, 'gu');
const LOCAL_PHONE = new RegExp(`(?<![\\p{L}\\p{N}+])\\d{2,3}${SEPARATED_DIGIT}{5,6}(?!\\p{N})`, 'gu');
/** dd.mm.yyyy or dd/mm/yyyy at the start: a date, even when an hour follows ("01.05.2024 9"). */
const DATE_SHAPE = /^\d{2}([./])\d{2}\1\d{4}/u;
/** "22-12-34-56": four pairs, one separator — how phone numbers are printed, never amounts. */
const PAIRED = /^\d{2}([ .\-/_])\d{2}\1\d{2}\1\d{2}$/u;
/** A quantity or currency right after an 8-digit number: an amount ("69 500 000 de lei"), not a phone. */
const QUANTITY_AFTER =
  /^\s*(?:de\s+)?(?:lei|mdl|eur|euro|usd|ron|dolari|ruble|locuitori|oameni|persoane|km|kg|tone|hectare|ha|metri|ani|voturi|exemplare|bucati|puncte)(?![a-z])/u;
/** Confidence of a national number by its second digit: 06x/07x mobile, 02x/03x/05x landline, 08x/09x services. */
function nationalBase(second: string): number {
  if (second === '6' || second === '7') return 0.9;
  if (second === '2' || second === '3' || second === '5') return 0.8;
  if (second === '8' || second === '9') return 0.6;
  return 0.4;
}

/**
 * Phone numbers: +373 / 00373 international, national 0 + 8 digits, local 8 digits. A local
 * number needs a context word, except a mobile one (6x/7x, the +373 form without its prefix)
 * not followed by a unit or currency, and a landline printed in four pairs.
 */
const findPhones: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  for (const match of text.matchAll(INTERNATIONAL_PHONE)) {
    const digits = match[0].replace(/\D/gu, '').replace(/^00/u, '');
    const context = PHONE_CONTEXT.test(contextBefore(text, match.index)) ? 0.04 : 0;
    if (digits.startsWith('373') && (digits.length === 11 || (digits.length === 12 && digits[3] === '0'))) {
      found.push(finding('phone', match.index, match.index + match[0].length, 0.95 + context));
    } else if (digits.length >= 9 && digits.length <= 15) {
      found.push(finding('phone', match.index, match.index + match[0].length, 0.8 + context));
    }
  }
  for (const match of text.matchAll(NATIONAL_PHONE)) {
    const raw = match[0];
    if (DATE_SHAPE.test(raw)) continue;
    const digits = raw.replace(/\D/gu, '');
    const context = PHONE_CONTEXT.test(contextBefore(text, match.index)) ? 0.1 : 0;
    found.push(finding('phone', match.index, match.index + raw.length, nationalBase(digits[1] ?? '') + context));
  }
  for (const match of text.matchAll(LOCAL_PHONE)) {
    const raw = match[0];
    const digits = raw.replace(/\D/gu, '');
    if (digits.length !== 8 || digits.startsWith('0')) continue;
    const end = match.index + raw.length;
    if (PHONE_CONTEXT.test(contextBefore(text, match.index))) {
      found.push(finding('phone', match.index, end, 0.8));
    } else if (PAIRED.test(raw)) {
      found.push(finding('phone', match.index, end, 0.55));
    } else if (/^[67]/u.test(digits) && !DATE_SHAPE.test(raw)) {
      const after = foldedSlice(text, end, end + 16);
      if (!QUANTITY_AFTER.test(after)) found.push(finding('phone', match.index, end, 0.6));
    }
  }
  return found;
};

// Local parts start after a non-local character, so the scan stays linear in the text length.
const PLAIN_EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/**
 * Spelled-out and spaced addresses: "ion arond mail punct md", "ion at mail dot md",
 * "ion [at] mail (dot) md", "ion @ mail . md", "ion@mail punct md". Words between brackets of
 * any kind, or between spaces; "arond" and "punct" are how Romanian says @ and dot. The
 * top-level domain must be a known one (a spaced "10 @ fix. Apoi" is no address).
 */
const AT_TOKEN = String.raw`(?:\s*[\[({<]\s*(?:at|arond|a\s?rond|@)\s*[\])}>]\s*|\s*@\s*|\s+(?:at|arond|a\s+rond)\s+)`;
const DOT_TOKEN = String.raw`(?:\s*[\[({<]\s*(?:dot|punct|\.)\s*[\])}>]\s*|\s*\.\s*|\s+(?:dot|punct)\s+)`;
const EMAIL_TLDS = 'md|com|ro|ru|ua|net|org|info|eu|io|biz|edu|gov|de|fr|it|uk|us|co|me';
const SPELLED_EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+${AT_TOKEN}[\p{L}\p{N}-]+(?:${DOT_TOKEN}[\p{L}\p{N}-]+)*?${DOT_TOKEN}(?:${EMAIL_TLDS})(?![\p{L}\p{N}])`,
  'giu',
);
const SPELLED_HINT = /@|\b(?:at|a ?rond)\b/i;

const findEmails: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  if (text.includes('@')) {
    for (const match of text.matchAll(PLAIN_EMAIL)) found.push(finding('email', match.index, match.index + match[0].length, 0.95));
  }
  if (SPELLED_HINT.test(text)) {
    for (const match of text.matchAll(SPELLED_EMAIL)) found.push(finding('email', match.index, match.index + match[0].length, 0.8));
  }
  return found;
};

/**
 * ISO 13616 check: move the first four characters to the end, letters → 10..35, the number
 * modulo 97 must be 1. Computed piecewise so no big integers are needed.
 */
export function ibanMod97Valid(iban: string): boolean {
  const compact = iban.replace(/[\s-]/gu, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/u.test(compact)) return false;
  return mod97Continue(mod97Continue(0, compact.slice(4)), compact.slice(0, 4)) === 1;
}

/** The ISO 13616 remainder continued over upper-case alphanumerics (a letter counts as two digits, 10..35). */
function mod97Continue(remainder: number, chars: string): number {
  let r = remainder;
  for (let i = 0; i < chars.length; i += 1) {
    const code = chars.charCodeAt(i);
    r = code >= 65 ? (r * 100 + code - 55) % 97 : (r * 10 + code - 48) % 97;
  }
  return r;
}

const isAlnumCode = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isAlnumAt = (text: string, index: number) => index < text.length && isAlnumCode(text.charCodeAt(index));

/**
 * Collects up to `count` alphanumerics from `start`, upper-cased, allowing one space or hyphen
 * between groups; `ends[k]` is where the first k + 1 characters end in the text.
 */
function collectAlnum(text: string, start: number, count: number): { value: string; end: number; ends: number[] } {
  const codes: number[] = [];
  const ends: number[] = [];
  let index = start;
  while (codes.length < count && index < text.length) {
    const code = text.charCodeAt(index);
    if (isAlnumCode(code)) {
      codes.push(code >= 97 ? code - 32 : code);
      ends.push(index + 1);
    } else if (!((code === 0x20 || code === 0x2d) && isAlnumAt(text, index + 1))) break;
    index += 1;
  }
  return { value: String.fromCharCode(...codes), end: index, ends };
}

/** A case-folded IBAN is only believed compact or in the printed groups of four. */
const GROUPED_IN_FOURS = /^[A-Za-z0-9]{4}(?:[ -][A-Za-z0-9]{4})*(?:[ -][A-Za-z0-9]{1,4})?$/u;

const findIbans: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  for (const match of text.matchAll(/(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})[ -]?(?=[A-Za-z0-9])/gu)) {
    const country = (match[1] ?? '').toUpperCase();
    const head = `${country}${match[2] ?? ''}`;
    const bodyStart = match.index + match[0].length;
    if (country === 'MD') {
      // MD + 2 check digits + 20 alphanumerics (SWIFT IBAN registry), in any case: IBAN-shaped
      // even when the checksum fails, which still has no place in a persona narrative.
      const body = collectAlnum(text, bodyStart, 20);
      const raw = text.slice(match.index, body.end);
      const believable = !/[a-z]/u.test(raw) || !/[ -]/u.test(raw) || GROUPED_IN_FOURS.test(raw);
      if (body.value.length === 20 && !isAlnumAt(text, body.end) && believable) {
        const valid = ibanMod97Valid(head + body.value);
        found.push(finding('iban', match.index, body.end, valid ? 0.99 : 0.6));
      }
      continue;
    }
    // Other countries: the longest body of 11–30 that passes mod-97, each length checked from
    // one running remainder (body first, then the head, as ISO 13616 rearranges it).
    const body = collectAlnum(text, bodyStart, 30);
    const folded = /[a-z]/u.test(text.slice(match.index, body.end));
    const prefixes: number[] = [0];
    for (let k = 0; k < body.value.length; k += 1) prefixes.push(mod97Continue(prefixes[k]!, body.value[k]!));
    for (let length = body.value.length; length >= 11; length -= 1) {
      if (mod97Continue(prefixes[length]!, head) !== 1) continue;
      const end = body.ends[length - 1]!;
      if (folded && !GROUPED_IN_FOURS.test(text.slice(match.index, end))) break;
      found.push(finding('iban', match.index, end, 0.9));
      break;
    }
  }
  return found;
};

/** Luhn (ISO/IEC 7812-1): double every second digit from the right; the sum must end in 0. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/u.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const CARD_CONTEXT = /\b(card\w*|visa|mastercard|maestro|american express|amex)\b/u;

const findPaymentCards: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  for (const match of text.matchAll(/(?<![\p{N}+])\d(?:[ -]?\d){12,18}(?!\p{N})/gu)) {
    const digits = match[0].replace(/\D/gu, '');
    if (!luhnValid(digits)) continue;
    const context = CARD_CONTEXT.test(contextBefore(text, match.index));
    // A bare 13–14 digit run is the IDNP/IDNO recogniser's business unless a card is mentioned.
    if (digits.length <= 14 && /^\d+$/u.test(match[0]) && !context) continue;
    const knownIssuer = /^(4|5[1-5]|2[2-7]|3[47]|6)/u.test(digits);
    // Luhn alone passes 1 number in 10 (a list of years can), so it needs an issuer prefix too.
    const confidence = 0.45 + (knownIssuer ? 0.4 : 0) + (context ? 0.1 : 0);
    found.push(finding('payment_card', match.index, match.index + match[0].length, confidence));
  }
  return found;
};

/** Folded, lower-cased words that make a nearby `MD ####` an address: street, locality, "cod poștal". */
const ADDRESS_CONTEXT =
  /(?<![a-z])(?:str\.|strada|bd\.|bul\.|bulevardul|sos\.|soseaua|calea|aleea|piata|or\.|orasul|oras|mun\.|municipiul|satul|sat|com\.|comuna|r-nul|raionul|cod(?:ul)? postal|adres[ae]|domicili\w*|nr\.)(?![a-z])/u;
/** "Chișinău, MD 2068": a capitalised place name and a comma right before the code. */
const PLACE_BEFORE = /\p{Lu}\p{L}+,\s*$/u;

/**
 * Moldovan postcodes. `MD-####` is the postal notation: 0.9 anywhere. `MD ####` and `MD####` are
 * how addresses often write it, but also how a model or a product code reads ("Modelul MD 2000"):
 * 0.8 only with address context (a street or locality word, "cod poștal", within 40 characters
 * either side, or a place name and comma right before), else 0.3.
 */
const findPostcodes: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  for (const match of text.matchAll(/(?<![A-Za-z0-9])MD(-| ?)(\d{4})(?![\p{L}\p{N}])/gu)) {
    const start = match.index;
    const end = start + match[0].length;
    let confidence = 0.9;
    if (match[1] !== '-') {
      const after = foldedSlice(text, end, end + 40);
      const addressed =
        ADDRESS_CONTEXT.test(contextBefore(text, start)) ||
        ADDRESS_CONTEXT.test(after) ||
        PLACE_BEFORE.test(text.slice(Math.max(0, start - 40), start));
      confidence = addressed ? 0.8 : 0.3;
    }
    found.push(finding('postcode', start, end, confidence));
  }
  return found;
};

/** "strada" or "Strada": an explicit case alternation, because `/iu` would let `\p{Lu}` match lower case. */
function eitherCase(word: string): string {
  const first = word[0] ?? '';
  return `[${first.toUpperCase()}${first.toLowerCase()}]${word.slice(1).replace(/\./gu, '\\.')}`;
}
const STREET_WORDS = `(?:${[
  'str.', 'strada', 'bd.', 'bul.', 'bulevardul', 'șos.', 'şos.', 'șoseaua', 'şoseaua', 'calea', 'aleea', 'piața', 'piaţa',
]
  .map(eitherCase)
  .join('|')})`;
// Keyword, a capitalised or numeric name of up to five words, then a house number.
const STREET_WITH_NUMBER = new RegExp(
  `(?<![\\p{L}])${STREET_WORDS}\\s*[\\p{Lu}\\d][\\p{L}\\d.'’-]*(?:\\s+[\\p{L}\\d.'’-]+){0,4}?,?\\s*(?:nr\\.?\\s*)?\\d{1,4}[A-Za-z]?(?:/\\d{1,4})?(?![\\p{N}])`,
  'gu',
);
// A named street without a number is vague ("pe strada Florilor"): reported, below the threshold.
const NAMED_STREET = new RegExp(`(?<![\\p{L}])${STREET_WORDS}\\s+\\p{Lu}[\\p{L}-]+`, 'gu');
/** Literal hints, tested with `includes` on the lower-cased text before any street regex runs. */
const STREET_HINTS = ['str.', 'strada', 'bd.', 'bul.', 'bulevardul', 'șos', 'şos', 'calea', 'aleea', 'piața', 'piaţa'];
const APARTMENT = /(?<![\p{L}])(?:[Aa]p\.|[Aa]partamentul|[Bb]l\.|[Bb]locul)\s*\d{1,4}(?![\p{N}])/gu;

const findStreetAddresses: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  const lower = text.toLowerCase();
  if (STREET_HINTS.some((hint) => lower.includes(hint))) {
    for (const match of text.matchAll(STREET_WITH_NUMBER)) {
      found.push(finding('street_address', match.index, match.index + match[0].length, 0.85));
    }
    for (const match of text.matchAll(NAMED_STREET)) {
      found.push(finding('street_address', match.index, match.index + match[0].length, 0.4));
    }
  }
  for (const match of text.matchAll(APARTMENT)) {
    found.push(finding('street_address', match.index, match.index + match[0].length, 0.7));
  }
  return found;
};

const TLDS = 'md|com|ro|ru|ua|net|org|info|eu|io|biz|edu|gov';
const SCHEME_URL = /\bhttps?:\/\/[^\s<>"”»]+/giu;
const WWW_URL = /(?<![\p{L}\p{N}/.])www\.[^\s<>"”»]+/giu;
const BARE_DOMAIN = new RegExp(
  `(?<![\\p{L}\\p{N}@./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})(?![\\p{L}\\p{N}-])(?:/[^\\s<>"”»]*)?`,
  'giu',
);
const TLD_HINT = new RegExp(`\\.(?:${TLDS})(?![\\p{L}\\p{N}-])`, 'iu');

const findUrls: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  if (text.includes('://')) {
    for (const match of text.matchAll(SCHEME_URL)) found.push(finding('url', match.index, match.index + match[0].length, 0.95));
  }
  if (/www\./iu.test(text)) {
    for (const match of text.matchAll(WWW_URL)) found.push(finding('url', match.index, match.index + match[0].length, 0.9));
  }
  if (TLD_HINT.test(text)) {
    for (const match of text.matchAll(BARE_DOMAIN)) found.push(finding('url', match.index, match.index + match[0].length, 0.7));
  }
  return found;
};

/** Recognisers that need a digit somewhere in the text; skipped at once when there is none. */
const NUMERIC_RECOGNISERS: readonly Recogniser[] = [findNationalIds, findPhones, findIbans, findPaymentCards, findPostcodes];
const TEXTUAL_RECOGNISERS: readonly Recogniser[] = [findEmails, findStreetAddresses, findUrls];

/**
 * Keeps the most confident of overlapping candidates, in one pass: candidates sorted once by
 * confidence (then position), each kept unless a character it spans is already taken. Each
 * recogniser's matches are disjoint, so every character is checked a bounded number of times:
 * linear in the text length (comparing each candidate with every kept one was quadratic: 60 s
 * for 1.7 MB of a repeated postcode).
 */
function resolveOverlaps(candidates: PiiFinding[], length: number): PiiFinding[] {
  candidates.sort((a, b) => b.confidence - a.confidence || a.start - b.start || b.end - a.end);
  const taken = new Uint8Array(length + 1);
  const kept: PiiFinding[] = [];
  for (const candidate of candidates) {
    let free = true;
    for (let i = candidate.start; i < candidate.end && free; i += 1) free = taken[i] === 0;
    if (!free) continue;
    taken.fill(1, candidate.start, candidate.end);
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Every PII-like span in `text`, in text order, with offsets into `text` as given (the
 * recognisers read it normalised). Where spans overlap, the most confident one wins (an e-mail's
 * domain is not also reported as a URL; an IBAN's digits are not a card).
 * @example findPii('Sună-mă la +373 69 123 456.') // => [{ type: 'phone', start: 11, end: 26, confidence: 0.99 }]
 */
export function findPii(text: string): PiiFinding[] {
  const normal = normaliseForPii(text);
  const read = normal.text;
  const recognisers = /\d/u.test(read) ? [...NUMERIC_RECOGNISERS, ...TEXTUAL_RECOGNISERS] : TEXTUAL_RECOGNISERS;
  const candidates: PiiFinding[] = [];
  try {
    scanning = { text: read };
    for (const recognise of recognisers) for (const found of recognise(read)) candidates.push(found);
  } finally {
    scanning = undefined;
  }
  const kept = resolveOverlaps(candidates, read.length);
  const { starts, ends } = normal;
  if (starts === null || ends === null) return kept;
  return kept.map((f) => ({ ...f, start: starts[f.start] ?? 0, end: ends[f.end - 1] ?? text.length }));
}

/** The findings that withhold a narrative. */
export function withholdingPii(findings: readonly PiiFinding[]): PiiFinding[] {
  return findings.filter((f) => f.confidence >= PII_WITHHOLD_CONFIDENCE);
}
