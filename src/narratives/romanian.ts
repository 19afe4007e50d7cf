/**
 * Romanian wording of persona attributes, shared by the template provider, the LLM prompt and
 * the contract checks: gender agreement, age phrases, place names, languages and ethnicities.
 * Labels come from `categories.ts`; this module adds only grammar. Pure.
 */
import {
  type District,
  DISTRICT_CATEGORIES,
  type Ethnicity,
  type Language,
  LANGUAGE_CATEGORIES,
  type Region,
  type Residence,
  type Sex,
} from '../domain/categories.js';

/** Picks the masculine or feminine form: `bySex('female', 'născut', 'născută')` → "născută". */
export function bySex(sex: Sex, masculine: string, feminine: string): string {
  return sex === 'male' ? masculine : feminine;
}

/** Resolves a catalogue label with an optional feminine ending: "Căsătorit(ă)" → "Căsătorită". */
export function genderedLabel(label: string, sex: Sex): string {
  return label.replace(/\(ă\)/gu, sex === 'male' ? '' : 'ă');
}

/**
 * An age in Romanian with the numeral agreement of the language: "un an", "5 ani", "20 de ani",
 * "101 ani" — "de" follows numbers whose last two digits are 00 or 20..99.
 * @example agePhrase(34) // => "34 de ani"
 */
export function agePhrase(age: number): string {
  if (age === 0) return 'mai puțin de un an';
  if (age === 1) return 'un an';
  const lastTwo = age % 100;
  return lastTwo === 0 || lastTwo >= 20 ? `${age} de ani` : `${age} ani`;
}

/** Whether a district is a municipality (Chișinău, Bălți), the autonomous unit or a raion. */
function districtKind(district: District): 'municipality' | 'uta' | 'raion' {
  if (district === 'chisinau' || district === 'balti') return 'municipality';
  if (district === 'gagauzia') return 'uta';
  return 'raion';
}

/** The bare place name of a district: "Chișinău", "Bălți", "Găgăuzia", "Ștefan Vodă". */
export function districtName(district: District): string {
  const label = DISTRICT_CATEGORIES.find((entry) => entry.code === district)?.label_ro ?? district;
  return label.replace(/^(Mun\.|UTA)\s+/u, '');
}

/** The district as an administrative phrase: "municipiul Bălți", "raionul Orhei", "UTA Găgăuzia". */
export function districtPhrase(district: District): string {
  const name = districtName(district);
  switch (districtKind(district)) {
    case 'municipality':
      return `municipiul ${name}`;
    case 'uta':
      return `UTA ${name}`;
    default:
      return `raionul ${name}`;
  }
}

/** Where the persona lives, as a locative phrase: "într-un sat din raionul Orhei", "în Chișinău". */
export function homePhrases(district: District, residence: Residence): readonly string[] {
  const phrase = districtPhrase(district);
  if (districtKind(district) === 'municipality') {
    return residence === 'urban'
      ? [`în ${districtName(district)}`, `în ${phrase}`]
      : [`într-o localitate rurală din ${phrase}`, `într-o comună din ${phrase}`];
  }
  return residence === 'urban'
    ? [`într-un oraș din ${phrase}`, `într-o localitate urbană din ${phrase}`]
    : [`într-un sat din ${phrase}`, `într-o comună din ${phrase}`];
}

/** The region as a geographic phrase ("în nordul țării"), or null for the capital. */
export function regionPhrase(region: Region): string | null {
  switch (region) {
    case 'nord':
      return 'în nordul țării';
    case 'centru':
      return 'în centrul țării';
    case 'sud':
    case 'gagauzia':
      return 'în sudul țării';
    default:
      return null;
  }
}

/** The language as it is named in a sentence: "limba română", "limba moldovenească". */
export function languagePhrase(language: Language): string | null {
  switch (language) {
    case 'not_declared':
      return null;
    case 'other':
      return 'o altă limbă';
    case 'romani':
      return 'limba romani';
    default: {
      const label = LANGUAGE_CATEGORIES.find((entry) => entry.code === language)?.label_ro ?? language;
      return `limba ${label.toLowerCase()}`;
    }
  }
}

/**
 * Ethnic nouns (masculine, feminine), the feminine adjective used in "de etnie …" and its
 * genitive-dative ("tradițiile comunității găgăuze").
 */
const ETHNIC_FORMS: Record<Exclude<Ethnicity, 'other' | 'not_declared'>, readonly [string, string, string, string]> = {
  moldovan: ['moldovean', 'moldoveancă', 'moldovenească', 'moldovenești'],
  romanian: ['român', 'româncă', 'română', 'române'],
  ukrainian: ['ucrainean', 'ucraineancă', 'ucraineană', 'ucrainene'],
  russian: ['rus', 'rusoaică', 'rusă', 'ruse'],
  gagauz: ['găgăuz', 'găgăuză', 'găgăuză', 'găgăuze'],
  bulgarian: ['bulgar', 'bulgăroaică', 'bulgară', 'bulgare'],
  roma: ['rrom', 'rromă', 'rromă', 'rrome'],
};

/** "moldoveancă" / "moldovean" for a declared ethnicity; null for other or undeclared. */
export function ethnicNoun(ethnicity: Ethnicity, sex: Sex): string | null {
  if (ethnicity === 'other' || ethnicity === 'not_declared') return null;
  const [masculine, feminine] = ETHNIC_FORMS[ethnicity];
  return bySex(sex, masculine, feminine);
}

/** The adjective for "de etnie …" / "comunitatea …": "găgăuză", "ucraineană"; null when not declared. */
export function ethnicAdjective(ethnicity: Ethnicity): string | null {
  if (ethnicity === 'other' || ethnicity === 'not_declared') return null;
  return ETHNIC_FORMS[ethnicity][2];
}

/** The genitive-dative feminine adjective: "comunității găgăuze"; null when not declared. */
export function ethnicGenitive(ethnicity: Ethnicity): string | null {
  if (ethnicity === 'other' || ethnicity === 'not_declared') return null;
  return ETHNIC_FORMS[ethnicity][3];
}

/** "din …" from a locative home phrase: "într-un sat …" → "dintr-un sat …", "în Chișinău" → "din Chișinău". */
export function fromPhrase(home: string): string {
  return home.replace(/^într-/u, 'dintr-').replace(/^în /u, 'din ');
}

/** Roman numerals for school grades I..XII ("clasa I", "clasa a V-a"). */
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'] as const;

/** "clasa I", "clasa a II-a" … "clasa a XII-a". */
export function schoolGradePhrase(grade: number): string {
  const numeral = ROMAN[Math.min(Math.max(grade, 1), ROMAN.length) - 1] ?? 'I';
  return numeral === 'I' ? 'clasa I' : `clasa a ${numeral}-a`;
}
