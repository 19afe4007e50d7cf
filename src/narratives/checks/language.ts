/**
 * Is this text Romanian? Five measures over the whole text, each with a threshold, instead of
 * the predecessor's "3 words like o/la/pe" (which any Italian, Spanish or padded English text
 * passes): the share of letters that are Romanian diacritics, the share of tokens that are
 * Romanian function words, the share that are function words found in no neighbouring Latin
 * language, the share of Cyrillic letters and the share of English/French/Spanish function
 * words. Long sections are checked on their own too, so one English section cannot hide in
 * Romanian ones. Limits (docs/narratives.md): Romanian written without diacritics fails by
 * design (the contract asks for them); a few Romanian sentences padded into a foreign text can
 * still pass if they dominate the counts.
 */
import { GENERIC_GENDERED_NOUNS, OTHER_PEOPLE, isLetterCode, wordsOf } from '../text.js';

/**
 * Thresholds, far below what Romanian text shows: over 3,000 template narratives (min / median)
 * diacritics are 7.5 % / 11 % of letters, function words 33 % / 42 % of tokens and distinctive
 * words 10 % / 17 % — and far above what English, Italian or Spanish reach on the last two.
 */
export const LANGUAGE_THRESHOLDS = {
  minDiacriticShare: 0.015,
  minFunctionWordShare: 0.2,
  minDistinctiveShare: 0.05,
  maxCyrillicShare: 0.02,
  maxForeignShare: 0.05,
  /** A section with at least this many tokens must pass on its own (looser bounds below). */
  sectionMinTokens: 15,
  sectionMinFunctionWordShare: 0.12,
  sectionMaxForeignShare: 0.1,
} as const;

const FUNCTION_WORDS = new Set([
  'a', 'al', 'ale', 'ai', 'am', 'ar', 'are', 'au', 'avea', 'ca', 'care', 'căci', 'că', 'când', 'ce', 'cel', 'cea',
  'cei', 'cele', 'cu', 'cum', 'da', 'dacă', 'dar', 'de', 'decât', 'deja', 'deși', 'despre', 'din', 'dintre', 'dintr',
  'doar', 'după', 'e', 'ea', 'ei', 'el', 'ele', 'este', 'era', 'fără', 'fi', 'fie', 'fiind', 'foarte', 'fost', 'i',
  'iar', 'îi', 'îl', 'îm', 'împreună', 'în', 'încă', 'înainte', 'între', 'într', 'însă', 'își', 'îşi', 'la', 'le',
  'li', 'lor', 'lui', 'mai', 'mult', 'multe', 'multă', 'mereu', 'ne', 'nici', 'nu', 'o', 'ori', 'pe', 'pentru',
  'până', 'prin', 'printr', 'sa', 'sau', 'se', 'său', 'sale', 'sunt', 'spre', 'să', 'și', 'şi', 'tot', 'toate',
  'toți', 'un', 'una', 'unde', 'unei', 'unor', 'unui', 'va', 'vor', 'acest', 'această', 'acesta', 'aceasta', 'acum',
  'apoi', 'astfel', 'atunci', 'atât', 'aproape', 'chiar', 'către', 'fiecare', 'alte', 'alt', 'altă', 'asupra', 's',
]);

/** Function words that Italian, Spanish, French, Portuguese and English do not share. */
const DISTINCTIVE_WORDS = new Set([
  'și', 'şi', 'în', 'să', 'că', 'este', 'sunt', 'pentru', 'care', 'își', 'îşi', 'îi', 'îl', 'fost', 'după', 'până',
  'această', 'acest', 'foarte', 'iar', 'însă', 'fiind', 'când', 'dintr', 'într', 'printr', 'despre', 'către', 'decât',
  'fără', 'încă', 'deși', 'împreună', 'său', 'sale', 'lui', 'unui', 'unei', 'atât', 'dacă',
]);

/** Common function words of English, French and Spanish that Romanian does not use. */
const FOREIGN_WORDS = new Set([
  // Not "are", "an", "le", "des", "est", "una": those are Romanian words too.
  'the', 'and', 'of', 'is', 'was', 'were', 'with', 'to', 'for', 'that', 'this', 'his', 'her', 'she', 'he', 'they',
  'has', 'have', 'from', 'by', 'on', 'at', 'it', 'les', 'une', 'avec', 'pour', 'dans', 'qui', 'los', 'las', 'y',
  'para', 'con', 'por', 'del', 'que', 'es',
]);

export interface LanguageMeasures {
  readonly diacritic_share: number;
  readonly function_word_share: number;
  readonly distinctive_share: number;
  readonly cyrillic_share: number;
  readonly foreign_share: number;
  readonly tokens: number;
}

/** Raw counts behind the measures; counts of several texts add up to those of their concatenation. */
export interface LanguageCounts {
  letters: number;
  diacritics: number;
  cyrillic: number;
  tokens: number;
  functionWords: number;
  distinctive: number;
  foreign: number;
}

const ROMANIAN_DIACRITIC_CODES = new Set([...'ăâîșțşţĂÂÎȘȚŞŢ'].map((letter) => letter.charCodeAt(0)));

/** Whether the UTF-16 unit is a Romanian diacritic letter (comma-below or cedilla forms). */
export const isDiacriticCode = (code: number): boolean => ROMANIAN_DIACRITIC_CODES.has(code);

export function emptyLanguageCounts(): LanguageCounts {
  return { letters: 0, diacritics: 0, cyrillic: 0, tokens: 0, functionWords: 0, distinctive: 0, foreign: 0 };
}

/** Word classes as bits, so one map lookup per token answers every class. */
export const WORD_CLASS = { function: 1, distinctive: 2, foreign: 4, otherPerson: 8, genericNoun: 16 } as const;
const CLASS_OF = new Map<string, number>();
const mark = (words: Iterable<string>, bit: number) => {
  for (const word of words) CLASS_OF.set(word, (CLASS_OF.get(word) ?? 0) | bit);
};
mark(FUNCTION_WORDS, WORD_CLASS.function);
mark(DISTINCTIVE_WORDS, WORD_CLASS.distinctive);
mark(FOREIGN_WORDS, WORD_CLASS.foreign);
mark(OTHER_PEOPLE, WORD_CLASS.otherPerson);
mark(GENERIC_GENDERED_NOUNS, WORD_CLASS.genericNoun);

/** The class bits of a lower-cased token (0 for an ordinary word). */
export const wordClassOf = (token: string): number => CLASS_OF.get(token) ?? 0;

/** Adds one token, with its class bits, to the word-class counts. */
export function classifyToken(classBits: number, counts: LanguageCounts): void {
  counts.tokens += 1;
  if ((classBits & WORD_CLASS.function) !== 0) counts.functionWords += 1;
  if ((classBits & WORD_CLASS.distinctive) !== 0) counts.distinctive += 1;
  if ((classBits & WORD_CLASS.foreign) !== 0) counts.foreign += 1;
}

/** Counts letters, diacritics, Cyrillic letters and word classes of one text. */
export function countLanguage(text: string): LanguageCounts {
  const counts = emptyLanguageCounts();
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (!isLetterCode(code)) continue;
    counts.letters += 1;
    if (code >= 0x80 && isDiacriticCode(code)) counts.diacritics += 1;
    else if (code >= 0x400 && code <= 0x52f) counts.cyrillic += 1;
  }
  for (const token of wordsOf(text)) classifyToken(wordClassOf(token), counts);
  return counts;
}

export function addLanguageCounts(a: LanguageCounts, b: LanguageCounts): LanguageCounts {
  return {
    letters: a.letters + b.letters,
    diacritics: a.diacritics + b.diacritics,
    cyrillic: a.cyrillic + b.cyrillic,
    tokens: a.tokens + b.tokens,
    functionWords: a.functionWords + b.functionWords,
    distinctive: a.distinctive + b.distinctive,
    foreign: a.foreign + b.foreign,
  };
}

/** Shares from counts; 0 when there is nothing to count. */
export function languageMeasures(counts: LanguageCounts): LanguageMeasures {
  const share = (count: number, total: number) => (total === 0 ? 0 : count / total);
  return {
    diacritic_share: share(counts.diacritics, counts.letters),
    function_word_share: share(counts.functionWords, counts.tokens),
    distinctive_share: share(counts.distinctive, counts.tokens),
    cyrillic_share: share(counts.cyrillic, counts.letters),
    foreign_share: share(counts.foreign, counts.tokens),
    tokens: counts.tokens,
  };
}

/** The five measures for one text. */
export function measureLanguage(text: string): LanguageMeasures {
  return languageMeasures(countLanguage(text));
}

/** Names of the whole-text thresholds a text fails; empty when it reads as Romanian. */
export function romanianFailures(measures: LanguageMeasures): string[] {
  const t = LANGUAGE_THRESHOLDS;
  const failures: string[] = [];
  if (measures.diacritic_share < t.minDiacriticShare) failures.push('diacritics');
  if (measures.function_word_share < t.minFunctionWordShare) failures.push('function_words');
  if (measures.distinctive_share < t.minDistinctiveShare) failures.push('distinctive_words');
  if (measures.cyrillic_share > t.maxCyrillicShare) failures.push('cyrillic');
  if (measures.foreign_share > t.maxForeignShare) failures.push('foreign_words');
  return failures;
}

/** Names of the per-section thresholds a long section fails (short sections are not judged alone). */
export function sectionLanguageFailures(measures: LanguageMeasures): string[] {
  const t = LANGUAGE_THRESHOLDS;
  if (measures.tokens < t.sectionMinTokens) return [];
  const failures: string[] = [];
  if (measures.function_word_share < t.sectionMinFunctionWordShare) failures.push('function_words');
  if (measures.cyrillic_share > t.maxCyrillicShare) failures.push('cyrillic');
  if (measures.foreign_share > t.sectionMaxForeignShare) failures.push('foreign_words');
  return failures;
}
