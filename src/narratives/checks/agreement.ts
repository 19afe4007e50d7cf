/**
 * Does the narrative speak of the persona in the grammatical gender of their sex? Counts
 * gendered words — the pronouns "el"/"ea" and a lexicon of participles, adjectives and nouns
 * with distinct masculine/feminine forms (născut/născută, pensionar/pensionară, …) — in the
 * sentences that describe the persona, and reports a mismatch when the wrong gender's words
 * outnumber the right one's.
 *
 * Heuristic limits (docs/narratives.md): sentences naming another person or a noun with its own
 * gender (soțul, fiica, colega, om, persoană, …) are skipped, as is an "El …"/"Ea …" sentence
 * right after one; quoted speech is ignored; a participle after an auxiliary ("s-a născut",
 * "a lucrat") is invariant and not counted. A wrong form in a skipped sentence goes unseen, and
 * a pronoun that refers to someone introduced two sentences earlier can still be miscounted.
 */
import type { Sex } from '../../domain/categories.js';
import { personaSentences, type SentenceInfo } from '../analysis.js';

/** Masculine and feminine forms; any of them is read as a statement about the persona's gender. */
const GENDERED_PAIRS: readonly (readonly [string, string])[] = [
  ['el', 'ea'],
  ['născut', 'născută'],
  ['crescut', 'crescută'],
  ['căsătorit', 'căsătorită'],
  ['divorțat', 'divorțată'],
  ['văduv', 'văduvă'],
  ['pensionar', 'pensionară'],
  ['pensionat', 'pensionată'],
  ['angajat', 'angajată'],
  ['elev', 'elevă'],
  ['student', 'studentă'],
  ['absolvent', 'absolventă'],
  ['șomer', 'șomeră'],
  ['pasionat', 'pasionată'],
  ['interesat', 'interesată'],
  ['atras', 'atrasă'],
  ['mândru', 'mândră'],
  ['bucuros', 'bucuroasă'],
  ['harnic', 'harnică'],
  ['curios', 'curioasă'],
  ['stabilit', 'stabilită'],
  ['mutat', 'mutată'],
  ['dedicat', 'dedicată'],
  ['implicat', 'implicată'],
  ['hotărât', 'hotărâtă'],
  ['fericit', 'fericită'],
  ['mulțumit', 'mulțumită'],
  ['convins', 'convinsă'],
  ['muncitor', 'muncitoare'],
  ['lucrător', 'lucrătoare'],
  ['agricultor', 'agricultoare'],
  ['profesor', 'profesoară'],
  ['învățător', 'învățătoare'],
  ['vânzător', 'vânzătoare'],
  ['casnic', 'casnică'],
  ['sociabil', 'sociabilă'],
  ['organizat', 'organizată'],
  ['calm', 'calmă'],
  ['retras', 'retrasă'],
  ['bărbat', 'femeie'],
  ['băiat', 'fată'],
  ['domnul', 'doamna'],
  ['tânăr', 'tânără'],
];

const GENDER_OF = new Map<string, Sex>();
for (const [masculine, feminine] of GENDERED_PAIRS) {
  GENDER_OF.set(masculine, 'male');
  GENDER_OF.set(feminine, 'female');
  // Texts written with cedilla letters (ş ţ) are common; read them as the comma-below forms.
  GENDER_OF.set(masculine.replace(/ș/gu, 'ş').replace(/ț/gu, 'ţ'), 'male');
  GENDER_OF.set(feminine.replace(/ș/gu, 'ş').replace(/ț/gu, 'ţ'), 'female');
}

/** Auxiliaries before an invariant past participle ("a născut", "s-a căsătorit", "au mutat"). */
const AUXILIARIES = new Set(['a', 'am', 'ai', 'au', 'ați', 'aţi', 'aș', 'ar']);

export interface AgreementCount {
  /** Gendered words agreeing with the persona's sex. */
  readonly agreeing: number;
  /** Gendered words of the other sex, with the first few found (for the issue detail). */
  readonly disagreeing: number;
  readonly examples: readonly string[];
}

/** Counts agreeing and disagreeing gendered words in the sentences about the persona. */
export function countAgreement(sentences: readonly SentenceInfo[], sex: Sex): AgreementCount {
  let agreeing = 0;
  let disagreeing = 0;
  const examples: string[] = [];
  for (const { words } of personaSentences(sentences, 'other_people_and_generic_nouns')) {
    for (let i = 0; i < words.length; i += 1) {
      const word = words[i] ?? '';
      const gender = GENDER_OF.get(word);
      if (gender === undefined || AUXILIARIES.has(words[i - 1] ?? '')) continue;
      if (gender === sex) agreeing += 1;
      else {
        disagreeing += 1;
        if (examples.length < 3 && !examples.includes(word)) examples.push(word);
      }
    }
  }
  return { agreeing, disagreeing, examples };
}

/** The mismatch rule: the other gender's words outnumber the persona's. */
export function isAgreementMismatch(count: AgreementCount): boolean {
  return count.disagreeing > count.agreeing;
}
