/**
 * From a candidate narrative to what a persona carries: contract issues plus PII findings, then
 * the served status. PII above the threshold withholds the narrative whatever else is true; any
 * other issue fails it; only a clean narrative keeps its sections. Pure.
 */
import { type Narrative, NARRATIVE_SECTIONS, type NarrativeSections, type Persona } from '../domain/persona.js';
import { lengthIssues, mentionsGivenName, parseNarrativeJson, validateNarrative } from './contract.js';
import { findPii, withholdingPii, type PiiFinding } from './pii.js';
import { reasonCodesOf, type NarrativeIssue } from './reasons.js';

/** A PII finding located in a section (or in the raw answer, when it did not parse). */
export interface LocatedPiiFinding extends PiiFinding {
  readonly section: string;
}

export interface NarrativeAssessment {
  readonly sections: NarrativeSections | undefined;
  /** Contract issues and one `NARRATIVE_PII_DETECTED` issue per withholding finding. */
  readonly issues: readonly NarrativeIssue[];
  /** The withholding findings (offsets into their section's text). Never the matched text. */
  readonly pii: readonly LocatedPiiFinding[];
}

/** Every string in a parsed value with a label: top-level keys by name, anything deeper by path. */
function stringsOf(value: unknown, path: string, into: [string, string][]): void {
  if (typeof value === 'string') into.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, index) => stringsOf(item, `${path}[${index}]`, into));
  else if (typeof value === 'object' && value !== null) {
    // Contract keys first, in contract order; unknown keys after (sorted, not in input order).
    const record = value as Record<string, unknown>;
    const contractKeys: readonly string[] = NARRATIVE_SECTIONS.map((s) => s.key);
    const known = contractKeys.filter((key) => Object.hasOwn(record, key));
    const unknown = Object.keys(record).filter((key) => !contractKeys.includes(key)).sort();
    for (const key of [...known, ...unknown]) stringsOf(record[key], path === '' ? key : `${path}.${key}`, into);
  }
}

/**
 * Scans all labelled strings in one pass: joined with a separator no recogniser can span (a NUL
 * between line breaks), which costs one regex run per pattern instead of one per section.
 */
function scanPii(labelled: readonly [string, string][]): { pii: LocatedPiiFinding[]; issues: NarrativeIssue[] } {
  const separator = '\n\u0000\n';
  const starts: number[] = [];
  let offset = 0;
  for (const [, text] of labelled) {
    starts.push(offset);
    offset += text.length + separator.length;
  }
  const joined = labelled.map(([, text]) => text).join(separator);
  const pii: LocatedPiiFinding[] = [];
  for (const found of withholdingPii(findPii(joined))) {
    let index = starts.length - 1;
    while (index > 0 && (starts[index] ?? 0) > found.start) index -= 1;
    const start = starts[index] ?? 0;
    const section = labelled[index]?.[0] ?? '(response)';
    pii.push({ ...found, start: found.start - start, end: found.end - start, section });
  }
  const issues = pii.map((found): NarrativeIssue => {
    const known = NARRATIVE_SECTIONS.find((s) => s.key === found.section);
    return {
      code: 'NARRATIVE_PII_DETECTED',
      ...(known === undefined ? {} : { section: known.key }),
      detail: `${found.type} (confidence ${found.confidence}) in ${found.section}`,
      pii_type: found.type,
    };
  });
  return { pii, issues };
}

/** Assesses a parsed candidate (any JSON value) for a persona. */
export function assessNarrative(candidate: unknown, persona: Persona): NarrativeAssessment {
  const contract = validateNarrative(candidate, persona);
  const labelled: [string, string][] = [];
  stringsOf(candidate, '', labelled);
  const scanned = scanPii(labelled);
  return { sections: contract.sections, issues: [...contract.issues, ...scanned.issues], pii: scanned.pii };
}

/**
 * The checks that depend on more than the template's phrase tables: section lengths and the
 * given name (names come from the generator's tables) and PII over the whole text. Language,
 * agreement and contradictions of template text depend only on the phrase tables and the
 * persona's categories, which the template's property tests check across the SPEC §4 space.
 */
export function assessTemplateGuards(sections: NarrativeSections, persona: Persona): NarrativeAssessment {
  const issues: NarrativeIssue[] = lengthIssues(sections);
  if (!mentionsGivenName(sections.descriere_generala, persona.given_name) && !mentionsGivenName(sections.persona_summary, persona.given_name)) {
    issues.push({ code: 'NARRATIVE_NAME_MISSING', detail: 'the given name does not appear in the description or the summary' });
  }
  const labelled: [string, string][] = NARRATIVE_SECTIONS.map(({ key }) => [key, sections[key]]);
  const scanned = scanPii(labelled);
  return { sections, issues: [...issues, ...scanned.issues], pii: scanned.pii };
}

/** Assesses a model's raw answer: parse, then assess; an unparsable answer is still scanned for PII. */
export function assessNarrativeText(content: string, persona: Persona): NarrativeAssessment {
  const parsed = parseNarrativeJson(content);
  if (parsed.ok) return assessNarrative(parsed.value, persona);
  const scanned = scanPii([['(response)', content]]);
  return { sections: undefined, issues: [parsed.issue, ...scanned.issues], pii: scanned.pii };
}

export interface NarrativeLabel {
  readonly source: Narrative['source'];
  readonly prompt_version: string | null;
  /** The status a clean narrative is served with: `generated` (llm) or `template`. */
  readonly served_status: 'generated' | 'template';
}

/** The narrative a persona carries after assessment: served, withheld (PII) or failed. */
export function narrativeFromAssessment(assessment: NarrativeAssessment, label: NarrativeLabel): Narrative {
  const base = { source: label.source, prompt_version: label.prompt_version };
  if (assessment.pii.length > 0) return { status: 'withheld', ...base, reasons: reasonCodesOf(assessment.issues) };
  if (assessment.issues.length > 0 || assessment.sections === undefined) {
    return { status: 'failed', ...base, reasons: reasonCodesOf(assessment.issues) };
  }
  return { status: label.served_status, ...base, sections: assessment.sections };
}

/** A failed narrative for issues found outside an assessment (e.g. the provider could not answer). */
export function failedNarrative(issues: readonly NarrativeIssue[], label: NarrativeLabel): Narrative {
  return { status: 'failed', source: label.source, prompt_version: label.prompt_version, reasons: reasonCodesOf(issues) };
}
