/**
 * Assessing untrusted model answers of any shape: a deeply nested answer is assessed (and scanned
 * for PII at every depth) without a recursive walk that overflows the stack (issue #14, item 7),
 * and an answer too long to be a narrative is scanned piecewise, in bounded steps.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ASSESSED_ANSWER_CHARS, assessNarrativeText, assessOversizedAnswer, type NarrativeAssessment } from '../../../src/narratives/assess.js';
import { makePersona } from '../../fixtures/personas.js';
import { deepAnswer } from '../../servers/hostile-llm.js';

const maria = makePersona();

describe('assessNarrativeText on deeply nested answers', () => {
  it('assesses a 6,000-level answer (12 KB) as a schema failure instead of overflowing the stack', () => {
    const answer = deepAnswer(6_000);
    expect(answer.length).toBeLessThan(13_000);
    const assessed = assessNarrativeText(answer, maria);
    expect(assessed.sections).toBeUndefined();
    expect(assessed.issues.map((issue) => issue.code)).toContain('NARRATIVE_SCHEMA_INVALID');
    expect(assessed.pii).toEqual([]);
  });

  it('still finds PII at any depth, in arrays and objects', () => {
    const nested = (depth: number, leaf: string) => `${'{"a":['.repeat(depth)}${JSON.stringify(leaf)}${']}'.repeat(depth)}`;
    const assessed = assessNarrativeText(`{"descriere_generala":${nested(5_000, 'Sunați la +373 69 123 456.')}}`, maria);
    expect(assessed.pii).toEqual([expect.objectContaining({ type: 'phone' })]);
    // The label names the top of the path and stays short however deep the string was.
    expect(assessed.pii[0]!.section.startsWith('descriere_generala')).toBe(true);
    expect(assessed.pii[0]!.section.length).toBeLessThan(200);
  });

  it('assesses a 400,000-level answer (the deepest a 2 MB response can hold, roughly) in bounded time', () => {
    const started = performance.now();
    const assessed = assessNarrativeText(deepAnswer(400_000), maria);
    expect(assessed.issues.map((issue) => issue.code)).toContain('NARRATIVE_SCHEMA_INVALID');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

/** Runs the steps of an oversized assessment, measuring the longest one. */
function runSteps(content: string): { assessment: NarrativeAssessment; longestStepMs: number; steps: number } {
  const steps = assessOversizedAnswer(content);
  let longestStepMs = 0;
  for (let count = 1; ; count += 1) {
    const started = performance.now();
    const step = steps.next();
    longestStepMs = Math.max(longestStepMs, performance.now() - started);
    if (step.done === true) return { assessment: step.value, longestStepMs, steps: count };
  }
}

describe('assessOversizedAnswer', () => {
  it('withholds 1.7 MB of a repeated postcode in short steps, keeping a handful of findings', () => {
    const answer = 'MD-2001 '.repeat(212_500);
    const { assessment, longestStepMs } = runSteps(answer);
    expect(assessment.sections).toBeUndefined();
    expect(assessment.issues.map((issue) => issue.code)).toEqual(['NARRATIVE_TOO_LONG', 'NARRATIVE_PII_DETECTED']);
    expect(assessment.pii.length).toBeGreaterThan(0);
    expect(assessment.pii.length).toBeLessThanOrEqual(16);
    // One piece took over a second; a step is one 17 KB window.
    expect(longestStepMs).toBeLessThan(250);
  });

  it('finds PII a megabyte into an otherwise harmless oversized answer, at its offset', () => {
    const filler = 'Maria este harnică. '.repeat(50_000);
    const answer = `${filler}Sunați la +373 69 123 456.${filler}`;
    expect(answer.length).toBeGreaterThan(MAX_ASSESSED_ANSWER_CHARS);
    const { assessment, steps } = runSteps(answer);
    expect(steps).toBeGreaterThan(10);
    expect(assessment.pii).toEqual([expect.objectContaining({ type: 'phone', section: '(response)' })]);
    expect(answer.slice(assessment.pii[0]!.start, assessment.pii[0]!.end)).toBe('+373 69 123 456');
  });

  it('fails a long answer without PII as too long', () => {
    const { assessment } = runSteps('a'.repeat(100_000));
    expect(assessment).toMatchObject({ sections: undefined, pii: [], issues: [{ code: 'NARRATIVE_TOO_LONG', observed: 100_000 }] });
  });
});
