/**
 * Small text tools the narrative checks share: diacritic folding, letters and word tokens, and
 * the word lists that mark a sentence as being about somebody else. Pure.
 */

const ROMANIAN_LETTERS = /[ăâîșşțţĂÂÎȘŞȚŢ]/gu;
const ROMANIAN_FOLDS: Readonly<Record<string, string>> = {
  ă: 'a', â: 'a', î: 'i', ș: 's', ş: 's', ț: 't', ţ: 't', Ă: 'A', Â: 'A', Î: 'I', Ș: 'S', Ş: 'S', Ț: 'T', Ţ: 'T',
};

/**
 * Folds Romanian (and any Latin) diacritics to ASCII letters: ă â → a, î → i, ș ş → s, ț ţ → t.
 * Romanian letters map by table; other accented letters (é, ü) take the slower NFD route (split
 * the mark off, drop it). One UTF-16 unit stays one unit, so offsets carry over.
 */
export function foldDiacritics(text: string): string {
  const romanian = text.replace(ROMANIAN_LETTERS, (letter) => ROMANIAN_FOLDS[letter] ?? letter);
  return /[\u00C0-\u024F]/u.test(romanian) ? romanian.normalize('NFD').replace(/\p{Mn}/gu, '') : romanian;
}

const OTHER_LETTER = /\p{L}/u;

/**
 * Whether the UTF-16 unit is a letter. Latin (with Romanian ă â î ș ț) and Cyrillic are decided
 * by range, which is much faster than a `\p{L}` regex on every character; anything else asks
 * the regex. Surrogate halves count as non-letters (no Romanian letter needs them).
 */
export function isLetterCode(code: number): boolean {
  if (code < 0x80) return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  if (code >= 0xc0 && code <= 0x24f) return code !== 0xd7 && code !== 0xf7;
  if (code >= 0x400 && code <= 0x52f) return code <= 0x481 || code >= 0x48a;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return OTHER_LETTER.test(String.fromCharCode(code));
}

/** Lower-cased letter runs. Hyphenated clitics split: "s-a" → "s", "a"; "într-un" → "într", "un". */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    if (isLetterCode(text.charCodeAt(i))) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      words.push(text.slice(start, i).toLowerCase());
      start = -1;
    }
  }
  if (start >= 0) words.push(text.slice(start).toLowerCase());
  return words;
}

/**
 * Words that put another person in the sentence (kin, friends, colleagues). Statements in such
 * a sentence may be about that person: "soțul ei este pensionar", "fiul ei are 12 ani".
 */
export const OTHER_PEOPLE: ReadonlySet<string> = new Set([
  'soț', 'soțul', 'soțului', 'soția', 'soție', 'soției', 'fiu', 'fiul', 'fiului', 'fiică', 'fiica', 'fiicei',
  'copil', 'copilul', 'copilului', 'copii', 'copiii', 'copiilor', 'tată', 'tatăl', 'tatălui', 'tata',
  'mamă', 'mama', 'mamei', 'frate', 'fratele', 'fratelui', 'frații', 'soră', 'sora', 'surorii', 'surorile',
  'bunic', 'bunici', 'bunicul', 'bunicului', 'bunica', 'bunicii', 'bunicilor', 'nepot', 'nepotul', 'nepoata',
  'nepoți', 'nepoții', 'nepoatele', 'nepoților', 'părinți', 'părinții', 'părinților', 'prieten', 'prietenul',
  'prietena', 'prietenii', 'prietenele', 'prietenilor', 'coleg', 'colegul', 'colega', 'colegii', 'colegele',
  'vecin', 'vecinul', 'vecina', 'vecinii', 'iubitul', 'iubita', 'logodnicul', 'logodnica', 'partenerul',
  'partenera', 'medicul', 'profesorul', 'profesoara', 'învățătorul', 'învățătoarea',
]);

/**
 * Nouns with their own grammatical gender that may describe the persona: "este un om harnic"
 * and "o persoană calmă" are correct Romanian for either sex, so gender checks skip them.
 */
export const GENERIC_GENDERED_NOUNS: ReadonlySet<string> = new Set([
  'om', 'omul', 'oameni', 'oamenii', 'persoană', 'persoana', 'persoanele', 'personalitate', 'fire',
]);
