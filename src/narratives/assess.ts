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

/** Path segments kept in a label; deeper strings share their ancestor's label (labels stay short). */
const MAX_LABEL_DEPTH = 8;

/**
 * Every string in a parsed value with a label: top-level keys by name, anything deeper by path.
 * Iterative (an explicit stack), so a model's answer nested thousands of levels deep cannot
 * overflow the call stack; labels stop growing below MAX_LABEL_DEPTH, so the work is linear in
 * the size of the answer however deep it is.
 */
function stringsOf(root: unknown): [string, string][] {
  const into: [string, string][] = [];
  const contractKeys: readonly string[] = NARRATIVE_SECTIONS.map((s) => s.key);
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      into.push([path, value]);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const label = (segment: string) => (depth >= MAX_LABEL_DEPTH ? path : path === '' ? segment : `${path}.${segment}`);
    const children: { value: unknown; path: string; depth: number }[] = [];
    if (Array.isArray(value)) {
      value.forEach((item, index) => children.push({ value: item, path: depth >= MAX_LABEL_DEPTH ? path : `${path}[${index}]`, depth: depth + 1 }));
    } else {
      // Contract keys first, in contract order; unknown keys after (sorted, not in input order).
      const record = value as Record<string, unknown>;
      const known = contractKeys.filter((key) => Object.hasOwn(record, key));
      const unknown = Object.keys(record).filter((key) => !contractKeys.includes(key)).sort();
      for (const key of [...known, ...unknown]) children.push({ value: record[key], path: label(key), depth: depth + 1 });
    }
    // Pushed in reverse, popped in order: the same order as a recursive walk.
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]!);
  }
  return into;
}

/** Findings located and reported per narrative: it is withheld at the first; thousands would only grow the issues. */
const MAX_LOCATED_FINDINGS = 64;

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
  for (const found of withholdingPii(findPii(joined)).slice(0, MAX_LOCATED_FINDINGS)) {
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
  const scanned = scanPii(stringsOf(candidate));
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

/**
 * Longest answer assessed as a narrative. The eight sections total at most 10,400 characters
 * (about 14,000 as JSON with every diacritic escaped), so a longer answer is no narrative, only
 * text to scan for PII: in one piece it would hold the event loop for the contract checks and the
 * scan (a 1.7 MB answer: over a second). At this size a hostile answer costs tens of ms.
 */
export const MAX_ASSESSED_ANSWER_CHARS = 24_576;
/** An oversized answer is scanned in windows this long, overlapping so no finding is cut in two. */
const PII_WINDOW_CHARS = 16_384;
const PII_WINDOW_OVERLAP = 1_024;
/** Findings kept of an oversized answer: enough to say what it held (it is withheld at the first). */
const MAX_OVERSIZED_FINDINGS = 16;

/**
 * Assesses an answer longer than MAX_ASSESSED_ANSWER_CHARS one window per step, so the caller can
 * yield between steps: NARRATIVE_TOO_LONG, and PII up to the first window that has any (the
 * answer is then withheld; scanning on would only count more of it, and a 1.7 MB answer of a
 * repeated postcode holds 200,000). Run it to the end; the generator returns the assessment.
 */
export function* assessOversizedAnswer(content: string): Generator<void, NarrativeAssessment> {
  let pii: LocatedPiiFinding[] = [];
  for (let start = 0; start < content.length && pii.length === 0; start += PII_WINDOW_CHARS) {
    const window = content.slice(start, start + PII_WINDOW_CHARS + PII_WINDOW_OVERLAP);
    pii = withholdingPii(findPii(window))
      .slice(0, MAX_OVERSIZED_FINDINGS)
      .map((f) => ({ ...f, start: start + f.start, end: start + f.end, section: '(response)' }));
    yield;
  }
  const tooLong: NarrativeIssue = {
    code: 'NARRATIVE_TOO_LONG',
    detail: `the answer has ${content.length} characters; a narrative has far fewer`,
    observed: content.length,
    limit: MAX_ASSESSED_ANSWER_CHARS,
  };
  const types = [...new Set(pii.map((f) => f.type))];
  const piiIssues = types.map((type): NarrativeIssue => ({ code: 'NARRATIVE_PII_DETECTED', detail: `${type} in (response)`, pii_type: type }));
  return { sections: undefined, issues: [tooLong, ...piiIssues], pii };
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
