/**
 * The versioned Romanian prompt of the llm provider. It gives the model every relevant persona
 * attribute (the predecessor left out ethnicity, religion, region and marital status), the JSON
 * keys with their lengths, and the rules the contract will check — plus the bans on contact
 * details, identifiers and real institutions. The repair message turns contract issues into
 * instructions. Pure; bump `PROMPT_VERSION` whenever the wording changes.
 */
import {
  type Category,
  ECONOMIC_SECTOR_CATEGORIES,
  EDUCATION_LEVEL_CATEGORIES,
  EMPLOYMENT_STATUS_CATEGORIES,
  INACTIVITY_REASON_CATEGORIES,
  MARITAL_STATUS_CATEGORIES,
  REGION_CATEGORIES,
  RELIGION_CATEGORIES,
} from '../domain/categories.js';
import { NARRATIVE_SECTIONS, type NarrativeSectionKey, type Persona } from '../domain/persona.js';
import type { NarrativeIssue } from './reasons.js';
import { agePhrase, bySex, districtPhrase, ethnicNoun, genderedLabel, languagePhrase } from './romanian.js';

export const PROMPT_VERSION = 'ro-v1';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

const SYSTEM_PROMPT =
  'Ești un autor care scrie descrieri realiste și respectuoase ale unor persoane fictive (sintetice) din Republica Moldova. ' +
  'Scrii numai în limba română corectă, cu diacritice (ș și ț cu virgulă dedesubt; ă, â, î). ' +
  'Răspunzi întotdeauna cu un singur obiect JSON valid, fără alt text înainte sau după el.';

/** What each section should contain (the keys are the predecessor's contract). */
const SECTION_GUIDANCE: Record<NarrativeSectionKey, string> = {
  descriere_generala: 'o prezentare generală a persoanei: cine este, unde locuiește, familia și viața de zi cu zi (3–5 propoziții)',
  profil_profesional: 'școala, studiile sau munca persoanei, potrivit statutului ei de mai jos (2–4 propoziții)',
  hobby_sport: 'activitățile sportive sau de mișcare (1–3 propoziții)',
  hobby_arta_cultura: 'interesele pentru muzică, lectură, tradiții, artă (1–3 propoziții)',
  hobby_calatorii: 'călătoriile făcute sau dorite (1–3 propoziții)',
  hobby_culinar: 'mâncărurile preferate și obiceiurile culinare (1–3 propoziții)',
  career_goals_and_ambitions: 'planurile și aspirațiile, potrivite vârstei și statutului (1–3 propoziții)',
  persona_summary: 'un rezumat nou, de o singură propoziție, care NU copiază descrierea generală',
};

const labelOf = (table: readonly Category[], code: string | null): string | null =>
  code === null ? null : (table.find((entry) => entry.code === code)?.label_ro ?? code);

function factLines(persona: Persona): string[] {
  const sex = persona.sex;
  const orDash = (value: string | null) => value ?? '—';
  const lines = [
    `- Prenume: ${persona.given_name}`,
    `- Nume de familie: ${persona.family_name}`,
    `- Sex: ${bySex(sex, 'masculin', 'feminin')}`,
    `- Vârsta: ${agePhrase(persona.age)}`,
    `- Regiunea de dezvoltare: ${orDash(labelOf(REGION_CATEGORIES, persona.region))}`,
    `- Raionul sau municipiul de reședință: ${districtPhrase(persona.district)}`,
    `- Mediul de reședință: ${persona.residence === 'urban' ? 'urban (oraș)' : 'rural (sat)'}`,
    `- Etnia declarată: ${ethnicNoun(persona.ethnicity, sex) ?? (persona.ethnicity === 'other' ? 'altă etnie' : 'nedeclarată')}`,
    `- Limba maternă: ${languagePhrase(persona.mother_tongue) ?? 'nedeclarată'}`,
    `- Limba vorbită de obicei: ${languagePhrase(persona.language_usually_spoken) ?? 'nedeclarată'}`,
    `- Religia: ${orDash(labelOf(RELIGION_CATEGORIES, persona.religion))}`,
    `- Starea civilă: ${persona.marital_status === null ? '— (sub 15 ani)' : genderedLabel(labelOf(MARITAL_STATUS_CATEGORIES, persona.marital_status) ?? '', sex)}`,
    `- Nivelul de educație absolvit: ${persona.education_level === null ? '— (sub 10 ani)' : orDash(labelOf(EDUCATION_LEVEL_CATEGORIES, persona.education_level))}`,
    `- Statutul pe piața muncii: ${persona.employment_status === null ? '— (sub 15 ani)' : genderedLabel(labelOf(EMPLOYMENT_STATUS_CATEGORIES, persona.employment_status) ?? '', sex)}`,
    `- Motivul inactivității: ${persona.inactivity_reason === null ? '—' : genderedLabel(labelOf(INACTIVITY_REASON_CATEGORIES, persona.inactivity_reason) ?? '', sex)}`,
    `- Sectorul economic: ${orDash(labelOf(ECONOMIC_SECTOR_CATEGORIES, persona.economic_sector))}`,
  ];
  const traits = persona.traits;
  if (traits !== undefined) {
    lines.push(
      `- Trăsături de personalitate (scoruri T, media 50, abaterea standard 10): deschidere ${traits.openness}, conștiinciozitate ${traits.conscientiousness}, extraversie ${traits.extraversion}, agreabilitate ${traits.agreeableness}, nevrotism ${traits.neuroticism}`,
    );
  }
  return lines;
}

/** Age- and status-specific guidance, so the model does not give a child a career. */
function situationLines(persona: Persona): string[] {
  const pronoun = bySex(persona.sex, '„el”', '„ea”');
  const lines = [
    `- Persoana este de sex ${bySex(persona.sex, 'masculin', 'feminin')}: folosește pronumele ${pronoun} și acordul la ${bySex(persona.sex, 'masculin (născut, căsătorit, pensionar)', 'feminin (născută, căsătorită, pensionară)')}.`,
  ];
  if (persona.age < 15) {
    lines.push('- Este copil: descrie viața de familie, grădinița sau școala; fără loc de muncă, fără carieră, fără căsătorie.');
  } else if (persona.inactivity_reason === 'pensioner') {
    lines.push('- Este pensionar(ă): vorbește despre munca de altădată la timpul trecut; acum nu lucrează.');
  } else if (persona.inactivity_reason === 'student') {
    lines.push('- Învață (elev sau student): nu are un loc de muncă.');
  } else if (persona.employment_status === 'unemployed') {
    lines.push('- Este în căutarea unui loc de muncă: acum nu lucrează.');
  } else if (persona.employment_status === 'inactive') {
    lines.push('- Nu lucrează și nu își caută un loc de muncă.');
  } else if (persona.employment_status === 'employed') {
    lines.push('- Lucrează în sectorul economic indicat; nu inventa un nume de firmă sau de instituție.');
  }
  return lines;
}

/** The system and user messages for one persona. */
export function buildNarrativePrompt(persona: Persona): ChatMessage[] {
  const keys = NARRATIVE_SECTIONS.map(
    ({ key, min, max }) => `  "${key}": text de ${min}–${max} caractere — ${SECTION_GUIDANCE[key]}`,
  );
  const user = [
    `Versiunea promptului: ${PROMPT_VERSION}`,
    'Scrie profilul narativ al persoanei fictive de mai jos. Folosește exact aceste date și nu inventa alte date demografice.',
    '',
    'Date:',
    ...factLines(persona),
    '',
    'Situația persoanei:',
    ...situationLines(persona),
    '',
    'Cerințe:',
    '- Răspunde DOAR cu un obiect JSON cu exact aceste opt chei, toate cu valori text:',
    ...keys,
    `- Menționează prenumele „${persona.given_name}” cel puțin în „descriere_generala” și în „persona_summary”.`,
    `- Dacă menționezi vârsta, aceasta este ${agePhrase(persona.age)}. Persoana locuiește în ${districtPhrase(persona.district)}; nu o muta în altă localitate.`,
    '- Statutul profesional și starea civilă trebuie să corespundă datelor de mai sus.',
    '- Scrie totul în limba română, cu diacritice corecte. Nu folosi alte limbi.',
    '- Religia și etnia se menționează doar dacă vin natural, cu respect, fără stereotipuri.',
    '- Alte persoane (familie, prieteni) pot apărea doar pe scurt, fără detalii.',
    '- INTERZIS: numere de telefon, adrese de e-mail, adrese poștale, nume de străzi cu numere, coduri poștale, coduri IDNP sau IDNO, conturi IBAN, numere de card, site-uri web sau conturi de rețele sociale; nume de instituții, firme, școli, spitale sau persoane reale. Descrie-le generic (de exemplu „o școală din localitate”).',
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

/** One repair instruction in Romanian, rendered from an issue's data. */
export function describeIssueRo(issue: NarrativeIssue, persona: Persona): string {
  const section = issue.section === undefined ? '' : ` în secțiunea „${issue.section}”`;
  switch (issue.code) {
    case 'NARRATIVE_PARSE_FAILURE':
      return 'răspunsul nu este un singur obiect JSON valid';
    case 'NARRATIVE_SCHEMA_INVALID':
      return `structura JSON este greșită (chei lipsă, chei în plus sau valori care nu sunt text): ${issue.detail}`;
    case 'NARRATIVE_TOO_SHORT':
      return `secțiunea „${issue.section ?? ''}” are ${issue.observed ?? 0} caractere; minimul este ${issue.limit ?? 0}`;
    case 'NARRATIVE_TOO_LONG':
      return `secțiunea „${issue.section ?? ''}” are ${issue.observed ?? 0} caractere; maximul este ${issue.limit ?? 0}`;
    case 'NARRATIVE_LANGUAGE_INVALID':
      return `textul${section} nu este scris în limba română corectă, cu diacritice`;
    case 'NARRATIVE_PRONOUN_MISMATCH':
      return `acordul nu corespunde sexului persoanei: folosește ${bySex(persona.sex, '„el” și formele de masculin', '„ea” și formele de feminin')}`;
    case 'NARRATIVE_NAME_MISSING':
      return `prenumele „${persona.given_name}” nu apare în text`;
    case 'NARRATIVE_CONTRADICTION':
      return `textul contrazice datele persoanei (vârsta, localitatea, ocupația sau starea civilă): ${issue.detail}`;
    case 'NARRATIVE_SECTION_DUPLICATED':
      return `secțiunea „${issue.section ?? ''}” repetă altă secțiune; scrie un text nou`;
    case 'NARRATIVE_PII_DETECTED':
      return `textul${section} conține date de contact sau de identificare; elimină-le`;
    default:
      return issue.detail;
  }
}

/** The longest previous answer echoed back in a repair request. */
const MAX_ECHOED_ANSWER_CHARS = 12_000;

/** The original messages, the model's answer and one message saying what to fix. */
export function buildRepairMessages(
  original: readonly ChatMessage[],
  answer: string,
  issues: readonly NarrativeIssue[],
  persona: Persona,
): ChatMessage[] {
  const problems = [...new Set(issues.map((issue) => `- ${describeIssueRo(issue, persona)}`))];
  return [
    ...original,
    { role: 'assistant', content: answer.slice(0, MAX_ECHOED_ANSWER_CHARS) },
    {
      role: 'user',
      content: ['Răspunsul nu respectă cerințele:', ...problems, 'Trimite din nou DOAR obiectul JSON complet și corectat, cu toate cele opt chei.'].join('\n'),
    },
  ];
}
