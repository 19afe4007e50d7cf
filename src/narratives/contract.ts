/**
 * The narrative contract (SPEC §7), enforced: JSON shape, section lengths, no duplicated
 * sections, Romanian, the given name present, gender agreement and no contradiction of the
 * persona. Every check returns structured issues whose codes are gate codes. Pure.
 */
import { z } from 'zod';
import type { Persona } from '../domain/persona.js';
import { NARRATIVE_SECTIONS, type NarrativeSectionKey, type NarrativeSections } from '../domain/persona.js';
import { countAgreement, isAgreementMismatch } from './checks/agreement.js';
import { contradictionIssues } from './checks/consistency.js';
import {
  addLanguageCounts,
  emptyLanguageCounts,
  languageMeasures,
  romanianFailures,
  sectionLanguageFailures,
} from './checks/language.js';
import { analyseNarrative, type AnalysedNarrative } from './analysis.js';
import type { NarrativeIssue } from './reasons.js';
import { foldDiacritics, isLetterCode } from './text.js';

/** The contract's shape without lengths: lengths get their own codes (too short / too long). */
const NarrativeShapeSchema = z.strictObject(
  Object.fromEntries(NARRATIVE_SECTIONS.map((section) => [section.key, z.string()])) as {
    [K in NarrativeSectionKey]: z.ZodString;
  },
);

export type ParsedResponse = { ok: true; value: unknown } | { ok: false; issue: NarrativeIssue };

/**
 * Parses a model's answer as one JSON object. Tolerates surrounding whitespace and one Markdown
 * code fence (```json … ```), which local models often add; anything else is a parse failure —
 * no greedy "first {…} block" extraction that would accept prose around the object.
 */
export function parseNarrativeJson(content: string): ParsedResponse {
  const fenced = /^```(?:json)?\s*\n?([\s\S]*?)\n?```$/u.exec(content.trim());
  const body = (fenced?.[1] ?? content).trim();
  if (!body.startsWith('{') || !body.endsWith('}')) {
    return { ok: false, issue: { code: 'NARRATIVE_PARSE_FAILURE', detail: 'the answer is not a JSON object' } };
  }
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid JSON';
    return { ok: false, issue: { code: 'NARRATIVE_PARSE_FAILURE', detail: `invalid JSON: ${reason}` } };
  }
}

function shapeIssues(error: z.ZodError): NarrativeIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')}` : '';
    return { code: 'NARRATIVE_SCHEMA_INVALID', detail: `${path || '(root)'}: ${issue.message}${keys}` };
  });
}

/** The known sections present as strings, whatever else is wrong with the object. */
function stringSections(candidate: unknown): Partial<Record<NarrativeSectionKey, string>> {
  const present: Partial<Record<NarrativeSectionKey, string>> = {};
  if (typeof candidate !== 'object' || candidate === null) return present;
  for (const { key } of NARRATIVE_SECTIONS) {
    const value: unknown = (candidate as Record<string, unknown>)[key];
    if (typeof value === 'string') present[key] = value;
  }
  return present;
}

/** Too-short and too-long sections among those present. */
export function lengthIssues(sections: Partial<Record<NarrativeSectionKey, string>>): NarrativeIssue[] {
  const issues: NarrativeIssue[] = [];
  for (const { key, min, max } of NARRATIVE_SECTIONS) {
    const value = sections[key];
    if (value === undefined) continue;
    // Whitespace does not count towards the minimum; the maximum is the schema's, on raw length.
    const trimmed = value.trim().length;
    if (trimmed < min) {
      issues.push({ code: 'NARRATIVE_TOO_SHORT', section: key, detail: `${trimmed} characters, minimum ${min}`, observed: trimmed, limit: min });
    } else if (value.length > max) {
      issues.push({ code: 'NARRATIVE_TOO_LONG', section: key, detail: `${value.length} characters, maximum ${max}`, observed: value.length, limit: max });
    }
  }
  return issues;
}

/**
 * A section repeating another one verbatim, or a summary that is the description's opening.
 * Case, diacritics and surrounding white space are ignored (the analysis' folded sections).
 */
function duplicationIssues(analysed: AnalysedNarrative): NarrativeIssue[] {
  const issues: NarrativeIssue[] = [];
  const folded = (key: NarrativeSectionKey) => (analysed.sectionFolded.get(key) ?? '').trim();
  // Trailing punctuation aside: "…raionul Orhei." copies "…raionul Orhei, în centrul țării."
  const summary = folded('persona_summary').replace(/[\s.!?…;,]+$/u, '');
  if (summary.length > 0 && folded('descriere_generala').startsWith(summary)) {
    issues.push({ code: 'NARRATIVE_SECTION_DUPLICATED', section: 'persona_summary', detail: 'copies the opening of descriere_generala' });
  }
  const seen = new Map<string, NarrativeSectionKey>();
  for (const { key } of NARRATIVE_SECTIONS) {
    const text = folded(key);
    const first = seen.get(text);
    if (first !== undefined && key !== 'persona_summary') {
      issues.push({ code: 'NARRATIVE_SECTION_DUPLICATED', section: key, detail: `repeats ${first}` });
    }
    if (first === undefined) seen.set(text, key);
  }
  return issues;
}

function formatShare(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function languageIssues(analysed: AnalysedNarrative): NarrativeIssue[] {
  const issues: NarrativeIssue[] = [];
  const perSection = NARRATIVE_SECTIONS.map(({ key }) => [key, analysed.sectionCounts.get(key) ?? emptyLanguageCounts()] as const);
  const whole = languageMeasures(perSection.map(([, counts]) => counts).reduce(addLanguageCounts));
  const failures = romanianFailures(whole);
  if (failures.length > 0) {
    const measured = `diacritics ${formatShare(whole.diacritic_share)}, function words ${formatShare(whole.function_word_share)}, distinctive ${formatShare(whole.distinctive_share)}, cyrillic ${formatShare(whole.cyrillic_share)}, foreign ${formatShare(whole.foreign_share)}`;
    issues.push({ code: 'NARRATIVE_LANGUAGE_INVALID', detail: `not Romanian (${failures.join(', ')}): ${measured}` });
  }
  for (const [key, counts] of perSection) {
    const sectionFailures = sectionLanguageFailures(languageMeasures(counts));
    if (sectionFailures.length > 0) {
      issues.push({ code: 'NARRATIVE_LANGUAGE_INVALID', section: key, detail: `section not Romanian (${sectionFailures.join(', ')})` });
    }
  }
  return issues;
}

/** Whether `form` occurs in `haystack` as a whole word. */
function containsWord(haystack: string, form: string): boolean {
  for (let at = haystack.indexOf(form); at >= 0; at = haystack.indexOf(form, at + 1)) {
    const end = at + form.length;
    const startsWord = at === 0 || !isLetterCode(haystack.charCodeAt(at - 1));
    if (startsWord && (end >= haystack.length || !isLetterCode(haystack.charCodeAt(end)))) return true;
  }
  return false;
}

/**
 * The given name as a whole word, diacritics folded and in any case; a name ending in -a also
 * counts in its genitive-dative form (Maria → Mariei, Elena → Elenei).
 */
export function mentionsGivenName(text: string, givenName: string): boolean {
  return mentionsGivenNameFolded(foldDiacritics(text).toLowerCase(), givenName);
}

/** As `mentionsGivenName`, on text already folded and lower-cased. */
function mentionsGivenNameFolded(haystack: string, givenName: string): boolean {
  const name = foldDiacritics(givenName).toLowerCase().trim();
  if (name.length === 0) return false;
  const forms = name.endsWith('a') ? [name, `${name.slice(0, -1)}ei`] : [name];
  return forms.some((form) => containsWord(haystack, form));
}

function personaIssues(analysed: AnalysedNarrative, persona: Persona): NarrativeIssue[] {
  const issues: NarrativeIssue[] = [];
  // `folded` has quoted speech blanked; a name said only inside quotes is found in the raw text.
  if (!mentionsGivenNameFolded(analysed.folded, persona.given_name) && !mentionsGivenName(analysed.text, persona.given_name)) {
    issues.push({ code: 'NARRATIVE_NAME_MISSING', detail: 'the given name does not appear in any section' });
  }
  const agreement = countAgreement(analysed.sentences, persona.sex);
  if (isAgreementMismatch(agreement)) {
    issues.push({
      code: 'NARRATIVE_PRONOUN_MISMATCH',
      detail: `${agreement.disagreeing} word(s) of the other gender (${agreement.examples.join(', ')}) against ${agreement.agreeing} agreeing with a ${persona.sex} persona`,
      observed: agreement.disagreeing,
      limit: agreement.agreeing,
    });
  }
  return [...issues, ...contradictionIssues(analysed, persona)];
}

export interface ContractResult {
  /** The sections, when the shape is right (even if other checks failed). */
  readonly sections: NarrativeSections | undefined;
  readonly issues: readonly NarrativeIssue[];
}

/**
 * Checks a candidate narrative (parsed JSON) against the contract for its persona. A wrong
 * shape reports the shape and the lengths of the sections present; the text checks need all
 * eight sections. An empty issue list means the narrative may be served (PII is checked apart).
 */
export function validateNarrative(candidate: unknown, persona: Persona): ContractResult {
  const parsed = NarrativeShapeSchema.safeParse(candidate);
  if (!parsed.success) {
    return { sections: undefined, issues: [...shapeIssues(parsed.error), ...lengthIssues(stringSections(candidate))] };
  }
  const sections: NarrativeSections = parsed.data;
  const analysed = analyseNarrative(sections);
  return {
    sections,
    issues: [...lengthIssues(sections), ...duplicationIssues(analysed), ...languageIssues(analysed), ...personaIssues(analysed, persona)],
  };
}
