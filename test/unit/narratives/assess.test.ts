/**
 * Assessing untrusted model answers of any shape: a deeply nested answer is assessed (and scanned
 * for PII at every depth) without a recursive walk that overflows the stack (issue #14, item 7).
 */
import { describe, expect, it } from 'vitest';
import { assessNarrativeText } from '../../../src/narratives/assess.js';
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
