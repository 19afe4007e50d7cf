/**
 * PII recognisers for Romanian narratives about people of Moldova: national identifiers (IDNP,
 * IDNO), phone numbers, e-mail, IBAN, payment cards, postcodes, street addresses and URLs.
 * Each finding carries a confidence in [0, 1]; a narrative with a finding at or above
 * `PII_WITHHOLD_CONFIDENCE` is withheld. Structure checks (IDNP/IDNO check digit, IBAN mod-97,
 * Luhn) raise confidence; context words ("IDNP", "cod fiscal", "tel.") raise it further. Numbers
 * that only look long (a serial number without context, a price, a year) stay below the
 * threshold. Pure; patterns and thresholds are documented in docs/narratives.md.
 */
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

/** The folded, lower-cased `width` characters before `index`: where context words are sought. */
function contextBefore(text: string, index: number, width = 40): string {
  return foldDiacritics(text.slice(Math.max(0, index - width), index)).toLowerCase();
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

const findNationalIds: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  for (const match of text.matchAll(/(?<!\d)\d{13}(?!\d)/gu)) {
    const digits = match[0];
    const start = match.index;
    const context = contextBefore(text, start);
    const checkValid = idnCheckDigitValid(digits);
    const bonus = checkValid ? 0.09 : 0;
    if (PERSONAL_ID_CONTEXT.test(context)) found.push(finding('idnp', start, start + 13, 0.9 + bonus));
    else if (COMPANY_ID_CONTEXT.test(context)) found.push(finding('idno', start, start + 13, 0.9 + bonus));
    else {
      // Without context, only the national structure (leading 0/1/2 and a valid check digit)
      // lifts a bare 13-digit number above the threshold; 1 in 10 random numbers passes it.
      const structured = /^[012]/u.test(digits) && checkValid;
      found.push(finding(digits.startsWith('1') ? 'idno' : 'idnp', start, start + 13, structured ? 0.6 : 0.3));
    }
  }
  return found;
};

const PHONE_CONTEXT = /\b(tel|telefon\w*|mobil\w*|nr\.? de contact|contact\w*|suna\w*|apela\w*|whatsapp|viber)\b/u;

const SEPARATED_DIGIT = '(?:[\\s.\\-]?\\(?\\d\\)?)';
const INTERNATIONAL_PHONE = new RegExp(`(?<![\\p{L}\\p{N}])(?:\\+|00)\\s?\\d{1,3}${SEPARATED_DIGIT}{6,13}(?!\\p{N})`, 'gu');
const NATIONAL_PHONE = new RegExp(`(?<![\\p{L}\\p{N}+])\\(?0\\d{1,3}\\)?${SEPARATED_DIGIT}{5,8}(?!\\p{N})`, 'gu');
const LOCAL_PHONE = new RegExp(`(?<![\\p{L}\\p{N}+])\\d{2,3}${SEPARATED_DIGIT}{5,6}(?!\\p{N})`, 'gu');

/** Phone numbers: +373 / 00373 international, national 0 + 8 digits, local 8 digits with context. */
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
    const digits = match[0].replace(/\D/gu, '');
    if (digits.length !== 9) continue;
    const context = PHONE_CONTEXT.test(contextBefore(text, match.index)) ? 0.1 : 0;
    const second = digits[1] ?? '';
    const base = second === '6' || second === '7' ? 0.9 : second === '2' || second === '3' ? 0.8 : 0.6;
    found.push(finding('phone', match.index, match.index + match[0].length, base + context));
  }
  for (const match of text.matchAll(LOCAL_PHONE)) {
    const digits = match[0].replace(/\D/gu, '');
    if (digits.length === 8 && !digits.startsWith('0') && PHONE_CONTEXT.test(contextBefore(text, match.index))) {
      found.push(finding('phone', match.index, match.index + match[0].length, 0.8));
    }
  }
  return found;
};

// Local parts start after a non-local character, so the scan stays linear in the text length.
const PLAIN_EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// "ion [at] mail [dot] md" and "ion (at) mail.md": obfuscated, still an address.
const OBFUSCATED_EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+\s*[[(]\s*(?:at|@|arond)\s*[\])]\s*[\p{L}\p{N}-]+\s*(?:[[(]\s*(?:dot|punct)\s*[\])]|\.)\s*\p{L}{2,}/giu;

const findEmails: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  if (text.includes('@')) {
    for (const match of text.matchAll(PLAIN_EMAIL)) found.push(finding('email', match.index, match.index + match[0].length, 0.95));
  }
  if (text.includes('[') || text.includes('(')) {
    for (const match of text.matchAll(OBFUSCATED_EMAIL)) found.push(finding('email', match.index, match.index + match[0].length, 0.8));
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
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Collects up to `count` alphanumerics from `start`, allowing one space or hyphen between groups. */
function collectAlnum(text: string, start: number, count: number): { value: string; end: number } {
  let value = '';
  let index = start;
  while (value.length < count && index < text.length) {
    const char = text[index] ?? '';
    if (/[A-Z0-9]/u.test(char)) value += char;
    else if (!((char === ' ' || char === '-') && /[A-Z0-9]/u.test(text[index + 1] ?? ''))) break;
    index += 1;
  }
  return { value, end: index };
}

const findIbans: Recogniser = (text) => {
  const found: PiiFinding[] = [];
  for (const match of text.matchAll(/(?<![A-Za-z0-9])([A-Z]{2})(\d{2})[ -]?(?=[A-Z0-9])/gu)) {
    const country = match[1] ?? '';
    const head = `${country}${match[2] ?? ''}`;
    const bodyStart = match.index + match[0].length;
    if (country === 'MD') {
      // MD + 2 check digits + 20 alphanumerics (SWIFT IBAN registry): IBAN-shaped even when
      // the checksum fails, which still has no place in a persona narrative.
      const body = collectAlnum(text, bodyStart, 20);
      if (body.value.length === 20 && !/[A-Z0-9]/u.test(text[body.end] ?? '')) {
        const valid = ibanMod97Valid(head + body.value);
        found.push(finding('iban', match.index, body.end, valid ? 0.99 : 0.6));
      }
      continue;
    }
    for (let length = 30; length >= 11; length -= 1) {
      const body = collectAlnum(text, bodyStart, length);
      if (body.value.length === length && ibanMod97Valid(head + body.value)) {
        found.push(finding('iban', match.index, body.end, 0.9));
        break;
      }
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
      const after = foldDiacritics(text.slice(end, end + 40)).toLowerCase();
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
 * Every PII-like span in `text`, in text order. Where spans overlap, the most confident one
 * wins (an e-mail's domain is not also reported as a URL; an IBAN's digits are not a card).
 * @example findPii('Sună-mă la +373 69 123 456.') // => [{ type: 'phone', start: 11, end: 26, confidence: 0.99 }]
 */
export function findPii(text: string): PiiFinding[] {
  const recognisers = /\d/u.test(text) ? [...NUMERIC_RECOGNISERS, ...TEXTUAL_RECOGNISERS] : TEXTUAL_RECOGNISERS;
  const candidates = recognisers.flatMap((recognise) => recognise(text)).sort(
    (a, b) => b.confidence - a.confidence || a.start - b.start || b.end - a.end,
  );
  const kept: PiiFinding[] = [];
  for (const candidate of candidates) {
    if (!kept.some((other) => candidate.start < other.end && other.start < candidate.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** The findings that withhold a narrative. */
export function withholdingPii(findings: readonly PiiFinding[]): PiiFinding[] {
  return findings.filter((f) => f.confidence >= PII_WITHHOLD_CONFIDENCE);
}
