/**
 * Does the narrative contradict the persona's age, home, occupation or marital status? Each rule
 * looks for an explicit statement in the sentences about the persona (sentences about kin and
 * friends are skipped; text is diacritic-folded, so "Chisinau" and "Chișinău" read alike):
 * - age: "are 34 de ani", "în vârstă de 34 de ani", "o femeie de 34 de ani", "Maria, 34 de ani,"
 *   must match the persona's age ±1 ("are 20 de ani de experiență" is a duration, not an age);
 * - children (< 15): no spouse status, pension, unemployment, salary or present occupation;
 * - home: after "locuiește/trăiește/s-a stabilit/s-a mutat…", the first Moldovan district or
 *   town named in that clause must be the persona's; "în nordul/sudul/centrul țării" must fit
 *   the region;
 * - occupation: an employed persona is not "șomer"; an unemployed or inactive one does not
 *   "lucrează ca …" or "este angajat"; a student or pensioner is not "șomer";
 * - marital status: "este căsătorit(ă)" only for the married; "nu a fost niciodată căsătorit(ă)"
 *   not for the married, widowed or divorced.
 * Limits: numbers written in words ("treizeci de ani") are not read; towns other than district
 * seats are unknown (a village name never contradicts); a contradiction phrased indirectly
 * ("își câștigă pâinea pe șantier" for a pensioner) passes.
 */
import { type District, DISTRICTS, type Region } from '../../domain/categories.js';
import type { Persona } from '../../domain/persona.js';
import type { NarrativeIssue } from '../reasons.js';
import { districtName } from '../romanian.js';
import { personaSentences, type AnalysedNarrative } from '../analysis.js';
import { foldDiacritics } from '../text.js';

function contradiction(detail: string, extra: { observed?: number; limit?: number } = {}): NarrativeIssue {
  return { code: 'NARRATIVE_CONTRADICTION', detail, ...extra };
}

// An age is a number before "(de) ani" that is introduced as one; most "N ani" are durations.
const AGE_MENTION = /(\d{1,3})\s+(?:de\s+)?ani\b/gu;
const AGE_VERB_BEFORE = /\b(?:are|am|avea|implineste|a implinit|in varsta de|varsta de|de varsta)\s+$/u;
const AGE_NOUN_BEFORE = /\b(?:femeie|barbat|tanar|tanara|fata|fetita|baiat|baietel|domn|doamna)\s+de\s+$/u;
const DURATION_AFTER = /^\s+de\s+(?:experienta|vechime|munca|activitate|casnicie|cariera|studi|practica|serviciu)/u;
const APPOSITION_BEFORE = /[,(\n]\s*$/u;
const APPOSITION_AFTER = /^\s*[,)]/u;

/** Whether the "N ani" at `index` states the persona's age: "are N ani", "o femeie de N ani", ", N ani,". */
function statesAge(text: string, index: number, length: number): boolean {
  const before = text.slice(Math.max(0, index - 24), index);
  const after = text.slice(index + length, index + length + 24);
  if (AGE_VERB_BEFORE.test(before)) return !DURATION_AFTER.test(after);
  if (AGE_NOUN_BEFORE.test(before)) return true;
  const opensApposition = APPOSITION_BEFORE.test(before) || text.slice(0, index).trim().length === 0;
  return opensApposition && APPOSITION_AFTER.test(after);
}

function ageIssues(text: string, age: number): NarrativeIssue[] {
  const issues: NarrativeIssue[] = [];
  for (const match of text.matchAll(AGE_MENTION)) {
    const stated = Number(match[1]);
    if (Math.abs(stated - age) > 1 && statesAge(text, match.index, match[0].length)) {
      issues.push(contradiction(`states an age of ${stated}, the persona is ${age}`, { observed: stated, limit: age }));
    }
  }
  return issues;
}

const CHILD_FORBIDDEN = new Set([
  'pensionar', 'pensionara', 'pensionat', 'pensionata', 'pensie', 'casatorit', 'casatorita', 'divortat',
  'divortata', 'vaduv', 'vaduva', 'somer', 'somera', 'somaj', 'salariu', 'salariul', 'angajat', 'angajata',
]);
/** Stems of common occupation nouns (both genders: inginer/inginera, profesor/profesoara). */
const OCCUPATION_WORDS = [
  'inginer', 'medic', 'contabil', 'director', 'directoare', 'manager', 'profesor', 'programator', 'sofer', 'vanzat',
  'economist', 'jurist', 'avocat', 'asistent', 'agricultor', 'muncitor', 'bucatar', 'constructor', 'mecanic',
  'functionar', 'antreprenor', 'croitor', 'electrician', 'zidar', 'tractorist',
];
const OCCUPATIONS = `(?:${OCCUPATION_WORDS.join('|')})\\w*`;
// "este economist de profesie" (a trade, not a job) and "este profesoară pensionară" are no claim of work.
const PRESENT_OCCUPATION = new RegExp(
  `\\b(?:este|e|lucreaza ca|lucreaza in calitate de|activeaza ca)\\s+(?:un |o )?${OCCUPATIONS}\\b(?!\\s+(?:de profesie|de meserie|de formatie|pensionar|la pensie|in pensie))`,
  'u',
);
const WORKS_NOW =
  /\b(?:lucreaza ca|lucreaza in prezent|lucreaza la o|lucreaza intr-o|lucreaza intr-un|lucreaza in domeniul|lucreaza in sectorul|este angajat|este angajata|e angajat|e angajata)\b/u;
const IS_UNEMPLOYED = /\b(?:este|e) (?:somer|somera|in somaj)\b|\bnu lucreaza\b|\b(?:fara|nu are)(?: un)? loc de munca\b/u;
const IS_PENSIONER = /\b(?:este|e) (?:pensionar|pensionara)\b/u;
const SEEKS_WORK = /\b(?:isi cauta|cauta)(?: un)? loc de munca\b/u;

const SAYS_MARRIED = /(?<!\bnu )\b(?:este|e) casatorit[a]?\b/u;
const SAYS_NEVER_MARRIED = /\bnu (?:a fost )?niciodata casatorit[a]?\b|\bnu s-a casatorit niciodata\b/u;
const SAYS_WIDOWED = /(?<!\bnu )\b(?:este|e|a ramas) vaduv[a]?\b/u;
const SAYS_DIVORCED = /(?<!\bnu )\b(?:este|e) divortat[a]?\b/u;

/**
 * A claim pattern with a hint: a plain alternation of the literal words the pattern needs,
 * tested first because it scans much faster than the full pattern with its lookarounds.
 */
interface Claim {
  readonly pattern: RegExp;
  readonly hint: RegExp;
}
const claim = (pattern: RegExp, words: readonly string[]): Claim => ({ pattern, hint: new RegExp(words.join('|'), 'u') });
const claimIn = (text: string, { pattern, hint }: Claim) => hint.test(text) && pattern.test(text);

const CLAIMS = {
  presentOccupation: claim(PRESENT_OCCUPATION, OCCUPATION_WORDS),
  worksNow: claim(WORKS_NOW, ['lucreaza', 'angajat']),
  unemployed: claim(IS_UNEMPLOYED, ['somer', 'somaj', 'nu lucreaza', 'loc de munca']),
  pensioner: claim(IS_PENSIONER, ['pensionar']),
  seeksWork: claim(SEEKS_WORK, ['loc de munca']),
  married: claim(SAYS_MARRIED, ['casatorit']),
  neverMarried: claim(SAYS_NEVER_MARRIED, ['niciodata']),
  widowed: claim(SAYS_WIDOWED, ['vaduv']),
  divorced: claim(SAYS_DIVORCED, ['divortat']),
} as const;

function occupationIssues(text: string, persona: Persona): NarrativeIssue[] {
  const found = (claimed: Claim) => claimIn(text, claimed);
  const issues: NarrativeIssue[] = [];
  if (persona.age < 15) {
    const words = text.split(/[^a-z]+/u);
    const adultWord = words.find((word) => CHILD_FORBIDDEN.has(word));
    if (adultWord !== undefined) issues.push(contradiction(`a child described with the adult status "${adultWord}"`));
    if (found(CLAIMS.presentOccupation) || found(CLAIMS.worksNow)) issues.push(contradiction('a child described as working'));
    return issues;
  }
  const status = persona.employment_status;
  if (status === 'employed' && found(CLAIMS.unemployed)) issues.push(contradiction('an employed persona described as unemployed'));
  if ((status === 'unemployed' || status === 'inactive') && (found(CLAIMS.worksNow) || found(CLAIMS.presentOccupation))) {
    issues.push(contradiction(`a persona who is ${status} described as working`));
  }
  const reason = persona.inactivity_reason;
  if ((reason === 'student' || reason === 'pensioner') && (found(CLAIMS.unemployed) || found(CLAIMS.seeksWork))) {
    issues.push(contradiction(`an inactive ${reason} described as unemployed`));
  }
  if (reason === 'student' && found(CLAIMS.pensioner)) issues.push(contradiction('a student described as a pensioner'));
  return issues;
}

function maritalIssues(text: string, persona: Persona): NarrativeIssue[] {
  const status = persona.marital_status;
  if (status === null) return [];
  const claims: [Claim, string, boolean][] = [
    [CLAIMS.married, 'married', status !== 'married'],
    [CLAIMS.neverMarried, 'never married', status !== 'never_married'],
    [CLAIMS.widowed, 'widowed', status !== 'widowed'],
    [CLAIMS.divorced, 'divorced', status !== 'divorced'],
  ];
  return claims
    .filter(([claimed, , contradicts]) => contradicts && claimIn(text, claimed))
    .map(([, claim]) => contradiction(`described as ${claim}, the persona is ${status}`));
}

/** Folded place names → district; Transnistrian towns map to a unit no persona lives in. */
const PLACES: ReadonlyMap<string, District | 'left_bank'> = new Map<string, District | 'left_bank'>([
  ...DISTRICTS.map((district): [string, District] => [foldDiacritics(districtName(district)).toLowerCase(), district]),
  ['comrat', 'gagauzia'],
  ['ceadir-lunga', 'gagauzia'],
  ['ceadir lunga', 'gagauzia'],
  ['vulcanesti', 'gagauzia'],
  ['tiraspol', 'left_bank'],
  ['tighina', 'left_bank'],
  ['bender', 'left_bank'],
  ['ribnita', 'left_bank'],
  ['rabnita', 'left_bank'],
  ['camenca', 'left_bank'],
  ['grigoriopol', 'left_bank'],
  ['transnistria', 'left_bank'],
]);
const PLACE_PATTERN = new RegExp(
  `\\b(${[...PLACES.keys()].sort((a, b) => b.length - a.length).join('|')})(?:ului)?\\b`,
  'u',
);
const RESIDENCE_VERB_WORDS = ['locuieste', 'traieste', 's-a stabilit', 's-a mutat', 'isi duce traiul', 'domiciliaza', 'locuind', 'traind', 's-a asezat'];
const RESIDENCE_VERB = new RegExp(`\\b(?:${RESIDENCE_VERB_WORDS.join('|')})\\b`, 'gu');
const REGION_WORDS: Record<string, readonly Region[]> = {
  nordul: ['nord'],
  sudul: ['sud', 'gagauzia'],
  centrul: ['centru', 'chisinau'],
};

/** `text`: the persona's sentences, folded, one per line. */
function residenceIssues(text: string, persona: Persona): NarrativeIssue[] {
  const issues: NarrativeIssue[] = [];
  if (!RESIDENCE_VERB_WORDS.some((word) => text.includes(word))) return issues;
  for (const verb of text.matchAll(RESIDENCE_VERB)) {
    let rest = text.slice(verb.index + verb[0].length);
    // "s-a mutat din Orhei la Chișinău": the destination is the home, not the origin.
    if (verb[0] === 's-a mutat') rest = rest.slice(/\b(?:la|in|intr-un|intr-o)\b/u.exec(rest)?.index ?? 0);
    const clause = rest.split(/[,;:\n]| dar | iar | si | insa /u, 1)[0] ?? '';
    const place = PLACE_PATTERN.exec(clause)?.[1];
    const district = place === undefined ? undefined : PLACES.get(place);
    if (district !== undefined && district !== persona.district) {
      issues.push(contradiction(`said to live in ${place}, the persona lives in district ${persona.district}`));
    }
    const span = rest.split(/[;\n]| dar | iar | insa /u, 1)[0] ?? '';
    const region = /\b(nordul|sudul|centrul)\s+(?:tarii|moldovei|republicii)\b/u.exec(span)?.[1];
    const regions = region === undefined ? undefined : REGION_WORDS[region];
    if (regions !== undefined && !regions.includes(persona.region)) {
      issues.push(contradiction(`said to live in "${region}" of the country, the persona's region is ${persona.region}`));
    }
  }
  return issues;
}

/** Every contradiction between the narrative's sentences and the persona's attributes. */
export function contradictionIssues(analysed: AnalysedNarrative, persona: Persona): NarrativeIssue[] {
  // One folded, lower-cased line per sentence about the persona: patterns never cross sentences.
  const text = personaSentences(analysed.sentences, 'other_people')
    .map((sentence) => analysed.folded.slice(sentence.start, sentence.end))
    .join('\n');
  return [
    ...ageIssues(text, persona.age),
    ...occupationIssues(text, persona),
    ...maritalIssues(text, persona),
    ...residenceIssues(text, persona),
  ];
}
