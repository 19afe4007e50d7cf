/**
 * One pass over a narrative's text that every contract check reads: the sections joined, the
 * same text lower-cased and diacritic-folded (same offsets), its sentences with their words, and
 * per-section language counts. Tokenising once keeps the template provider fast enough to check
 * every narrative it writes (SPEC §7: every narrative is validated). Pure.
 */
import { NARRATIVE_SECTIONS, type NarrativeSectionKey, type NarrativeSections } from '../domain/persona.js';
import {
  WORD_CLASS,
  classifyToken,
  emptyLanguageCounts,
  isDiacriticCode,
  wordClassOf,
  type LanguageCounts,
} from './checks/language.js';
import { foldDiacritics, isLetterCode } from './text.js';

export interface SentenceInfo {
  /** Offsets into `AnalysedNarrative.text` (end exclusive). */
  readonly start: number;
  readonly end: number;
  /** Lower-cased words, quoted speech excluded. */
  readonly words: readonly string[];
  readonly mentionsOtherPerson: boolean;
  readonly mentionsGenericNoun: boolean;
}

export interface AnalysedNarrative {
  /** The sections in contract order, one per line. */
  readonly text: string;
  /** `text` with quoted speech blanked, lower-cased and folded to ASCII letters; same offsets. */
  readonly folded: string;
  readonly sentences: readonly SentenceInfo[];
  readonly sectionCounts: ReadonlyMap<NarrativeSectionKey, LanguageCounts>;
  /** Each section lower-cased and folded (quoted speech blanked). */
  readonly sectionFolded: ReadonlyMap<NarrativeSectionKey, string>;
}

/**
 * Replaces quoted spans („…”, “…”, «…», "…") with spaces of the same length: what another person
 * says in quotes does not describe the persona ("„El e un om bun”, spune ea").
 */
export function blankQuotedSpeech(text: string): string {
  if (!/[„“«"]/u.test(text)) return text;
  return text.replace(/„[^”"\n]*[”"]|“[^”\n]*”|«[^»\n]*»|"[^"\n]*"/gu, (quoted) => ' '.repeat(quoted.length));
}

const SENTENCE_END = new Set([...'.!?;…'].map((char) => char.charCodeAt(0)));
const isBreakAfterEnd = (code: number) => code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d || code === 0xa0;

/**
 * Lower-cases keeping offsets: `toLowerCase` is fast, but a few letters (İ) grow when
 * lower-cased; then each character is lowered alone, keeping the ones that would grow.
 */
function lowerKeepingOffsets(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  return [...text].map((char) => (char.toLowerCase().length === char.length ? char.toLowerCase() : char)).join('');
}

/**
 * Tokenises once: each word goes to the current sentence and to the current section's language
 * counts. Sentences end after . ! ? ; … followed by white space, and at every line break (so
 * never across sections).
 */
function tokenise(text: string, lower: string, sectionStarts: readonly number[], counts: readonly LanguageCounts[]): SentenceInfo[] {
  const sentences: SentenceInfo[] = [];
  let words: string[] = [];
  let sentenceStart = 0;
  let sentenceClasses = 0;
  let section = 0;
  let sectionCounts = counts[0] ?? emptyLanguageCounts();
  let nextSectionStart = sectionStarts[1] ?? Infinity;
  const closeSentence = (end: number, next: number) => {
    if (words.length > 0) {
      sentences.push({
        start: sentenceStart,
        end,
        words,
        mentionsOtherPerson: (sentenceClasses & WORD_CLASS.otherPerson) !== 0,
        mentionsGenericNoun: (sentenceClasses & WORD_CLASS.genericNoun) !== 0,
      });
      words = [];
    }
    sentenceStart = next;
    sentenceClasses = 0;
  };
  const addWord = (word: string) => {
    const classes = wordClassOf(word);
    words.push(word);
    sentenceClasses |= classes;
    classifyToken(classes, sectionCounts);
  };
  let wordStart = -1;
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i);
    if (i >= nextSectionStart) {
      section += 1;
      sectionCounts = counts[section] ?? sectionCounts;
      nextSectionStart = sectionStarts[section + 1] ?? Infinity;
    }
    if (i === sentenceStart && code !== 0x0a && isBreakAfterEnd(code)) {
      sentenceStart += 1;
      continue;
    }
    if (isLetterCode(code)) {
      if (wordStart < 0) wordStart = i;
      sectionCounts.letters += 1;
      if (code >= 0x80 && isDiacriticCode(code)) sectionCounts.diacritics += 1;
      else if (code >= 0x400 && code <= 0x52f) sectionCounts.cyrillic += 1;
      continue;
    }
    if (wordStart >= 0) {
      addWord(lower.slice(wordStart, i));
      wordStart = -1;
    }
    if (code === 0x0a) closeSentence(i, i + 1);
    else if (SENTENCE_END.has(code) && (i + 1 >= length || isBreakAfterEnd(text.charCodeAt(i + 1)))) closeSentence(i + 1, i + 1);
  }
  if (wordStart >= 0) addWord(lower.slice(wordStart, length));
  closeSentence(length, length);
  return sentences;
}

/** Analyses the eight sections (all present) in contract order. */
export function analyseNarrative(sections: NarrativeSections): AnalysedNarrative {
  const sectionStarts: number[] = [];
  let offset = 0;
  for (const { key } of NARRATIVE_SECTIONS) {
    sectionStarts.push(offset);
    offset += sections[key].length + 1;
  }
  const text = NARRATIVE_SECTIONS.map(({ key }) => sections[key]).join('\n');
  const unquoted = blankQuotedSpeech(text);
  const lower = lowerKeepingOffsets(unquoted);
  const folded = foldDiacritics(lower);
  const counts = NARRATIVE_SECTIONS.map(() => emptyLanguageCounts());
  const sentences = tokenise(unquoted, lower, sectionStarts, counts);
  const sectionCounts = new Map<NarrativeSectionKey, LanguageCounts>();
  const sectionFolded = new Map<NarrativeSectionKey, string>();
  NARRATIVE_SECTIONS.forEach(({ key }, index) => {
    sectionCounts.set(key, counts[index] ?? emptyLanguageCounts());
    const start = sectionStarts[index] ?? 0;
    sectionFolded.set(key, folded.slice(start, start + sections[key].length));
  });
  return { text, folded, sentences, sectionCounts, sectionFolded };
}

/** What a sentence filter skips: other people only, or also gendered generic nouns. */
export type SentenceFilter = 'other_people' | 'other_people_and_generic_nouns';

/** Sentence openers that continue talking about the person named in the previous sentence. */
const ANAPHORIC_OPENERS = new Set(['el', 'ea', 'acesta', 'aceasta', 'dânsul', 'dânsa']);

/**
 * The sentences that plausibly describe the persona: drops a sentence naming another person
 * (and, with `other_people_and_generic_nouns`, one built on "om"/"persoană"), and a sentence
 * opening with "El"/"Ea" right after a dropped one ("Soția lui lucrează la școală. Ea este
 * profesoară.").
 */
export function personaSentences(sentences: readonly SentenceInfo[], filter: SentenceFilter): SentenceInfo[] {
  const kept: SentenceInfo[] = [];
  let previousDropped = false;
  for (const sentence of sentences) {
    const aboutOther = sentence.mentionsOtherPerson || (filter === 'other_people_and_generic_nouns' && sentence.mentionsGenericNoun);
    const continuesOther: boolean = previousDropped && ANAPHORIC_OPENERS.has(sentence.words[0] ?? '');
    if (!aboutOther && !continuesOther) kept.push(sentence);
    previousDropped = aboutOther || continuesOther;
  }
  return kept;
}
