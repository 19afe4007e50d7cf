import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NARRATIVE_SECTIONS } from '../../../../src/domain/persona.js';
import { validateNarrative } from '../../../../src/narratives/contract.js';
import { findPii, withholdingPii } from '../../../../src/narratives/pii.js';
import { generateNarratives } from '../../../../src/narratives/provider.js';
import {
  TEMPLATE_VERSION,
  composeTemplateSections,
  createTemplateProvider,
  templateNarrative,
} from '../../../../src/narratives/providers/template.js';
import { makePersona, personaArbitrary } from '../../../fixtures/personas.js';

const allText = (sections: Record<string, string>) => NARRATIVE_SECTIONS.map((s) => sections[s.key]).join('\n');
/** Whole-word match: JavaScript's \b is ASCII-only and breaks on ă, ș, ț. */
const word = (alternatives: string, flags = 'u') => new RegExp(`(?<![\\p{L}])(?:${alternatives})(?![\\p{L}])`, flags);

describe('template provider', () => {
  it('passes the whole contract for any persona the SPEC §4 rules allow', () => {
    fc.assert(
      fc.property(personaArbitrary(), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (persona, seed) => {
        const sections = composeTemplateSections(persona, seed);
        const { issues } = validateNarrative(sections, persona);
        expect(issues).toEqual([]);
        expect(withholdingPii(findPii(allText(sections)))).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });

  it('labels its narratives template/template with its version and keeps every section in bounds', () => {
    fc.assert(
      fc.property(personaArbitrary(), (persona) => {
        const { narrative, issues, attempts } = templateNarrative(persona, 11);
        expect(narrative.status).toBe('template');
        expect(narrative.source).toBe('template');
        expect(narrative.prompt_version).toBe(TEMPLATE_VERSION);
        expect(issues).toEqual([]);
        expect(attempts).toBe(0);
        for (const { key, min, max } of NARRATIVE_SECTIONS) {
          const text = narrative.sections?.[key] ?? '';
          expect(text.trim().length).toBeGreaterThanOrEqual(min);
          expect(text.length).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('writes the given name, and a summary that is not the description', () => {
    fc.assert(
      fc.property(personaArbitrary(), (persona) => {
        const sections = composeTemplateSections(persona, 5);
        expect(sections.descriere_generala).toContain(persona.given_name);
        expect(sections.persona_summary).toContain(persona.given_name);
        expect(sections.descriere_generala.startsWith(sections.persona_summary)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic in (seed, index) and varies with the index', () => {
    const persona = makePersona();
    expect(composeTemplateSections(persona, 42)).toEqual(composeTemplateSections(persona, 42));
    const texts = new Set(
      Array.from({ length: 30 }, (_, index) => JSON.stringify(composeTemplateSections({ ...persona, index }, 42))),
    );
    // 30 draws over several phrasings per sentence: collisions are possible, near-total ones are not.
    expect(texts.size).toBeGreaterThan(20);
    const otherSeed = Array.from({ length: 30 }, (_, index) => JSON.stringify(composeTemplateSections({ ...persona, index }, 43)));
    expect(otherSeed.filter((text) => texts.has(text)).length).toBeLessThan(10);
  });

  it('writes comma-below ș and ț, never the cedilla forms', () => {
    fc.assert(
      fc.property(personaArbitrary(), (persona) => {
        const text = allText(composeTemplateSections(persona, 3));
        expect(text).not.toMatch(/[şţŞŢ]/u);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with a female persona: ea, născută, căsătorită, pensionară', () => {
    const persona = makePersona({ age: 70, employment_status: 'inactive', inactivity_reason: 'pensioner', economic_sector: null, marital_status: 'married' });
    const texts = Array.from({ length: 40 }, (_, index) => allText(composeTemplateSections({ ...persona, index }, 1)));
    const joined = texts.join('\n');
    expect(joined).toMatch(word('căsătorită'));
    expect(joined).toMatch(word('pensionară'));
    expect(joined).toMatch(word('Născută'));
    expect(joined).not.toMatch(/(?<![\p{L}])(el|născut|căsătorit|pensionar|Născut)(?![\p{L}])/u);
  });

  it('agrees with a male persona: el, născut, căsătorit, pensionar', () => {
    const persona = makePersona({
      given_name: 'Ion',
      family_name: 'Ceban',
      sex: 'male',
      age: 70,
      employment_status: 'inactive',
      inactivity_reason: 'pensioner',
      economic_sector: null,
      marital_status: 'married',
    });
    const joined = Array.from({ length: 40 }, (_, index) => allText(composeTemplateSections({ ...persona, index }, 1))).join('\n');
    expect(joined).toMatch(word('căsătorit'));
    expect(joined).toMatch(word('pensionar'));
    expect(joined).toMatch(word('Născut'));
    expect(joined).not.toMatch(/(?<![\p{L}])(ea|născută|căsătorită|pensionară|Născută)(?![\p{L}])/u);
  });

  it('gives a 12-year-old school, not a career', () => {
    const child = makePersona({
      age: 12,
      marital_status: null,
      education_level: 'primary',
      employment_status: null,
      inactivity_reason: null,
      economic_sector: null,
    });
    for (let index = 0; index < 30; index += 1) {
      const sections = composeTemplateSections({ ...child, index }, 9);
      const text = allText(sections);
      expect(text).toMatch(/elevă|clasa a VI-a|școal/u);
      expect(text).not.toMatch(word('lucrează|căsătorită|pensionară|angajată|salariu|afacere|studii superioare', 'iu'));
    }
  });

  it("speaks of a pensioner's work in the past tense", () => {
    const pensioner = makePersona({ age: 68, employment_status: 'inactive', inactivity_reason: 'pensioner', economic_sector: null });
    for (let index = 0; index < 30; index += 1) {
      const { profil_profesional } = composeTemplateSections({ ...pensioner, index }, 4);
      expect(profil_profesional).toMatch(word('a (?:muncit|lucrat|ieșit la pensie)', 'iu'));
      expect(profil_profesional).not.toMatch(word('lucrează', 'iu'));
    }
  });

  it('places the persona in their own district and residence type', () => {
    const rural = composeTemplateSections(makePersona({ district: 'cahul', region: 'sud', residence: 'rural' }), 1);
    expect(rural.descriere_generala).toMatch(/(sat|comună) din raionul Cahul/u);
    const capital = composeTemplateSections(makePersona({ district: 'chisinau', region: 'chisinau', residence: 'urban' }), 1);
    expect(capital.descriere_generala).toMatch(/în (municipiul )?Chișinău/u);
  });

  it("gives the same narrative with checks: 'guards' as with the full contract for valid personas", () => {
    fc.assert(
      fc.property(personaArbitrary(), (persona) => {
        expect(templateNarrative(persona, 8, { checks: 'guards' })).toEqual(templateNarrative(persona, 8));
      }),
      { numRuns: 100 },
    );
  });

  it("still withholds PII and fails overlong sections with checks: 'guards'", () => {
    const withEmail = makePersona({ family_name: 'Rusu (maria.rusu@example.md)' });
    const guarded = templateNarrative(withEmail, 1, { checks: 'guards' });
    expect(guarded.narrative).toMatchObject({ status: 'withheld', reasons: ['NARRATIVE_PII_DETECTED'] });
    const longName = makePersona({ given_name: 'Maria'.repeat(90) });
    expect(templateNarrative(longName, 1, { checks: 'guards' }).narrative).toMatchObject({ status: 'failed', reasons: ['NARRATIVE_TOO_LONG'] });
  });

  it('serves the narrative through the provider interface and honours an aborted signal', async () => {
    const provider = createTemplateProvider();
    expect(provider.name).toBe('template');
    const persona = makePersona();
    await expect(provider.generateNarrative(persona, { seed: 42 })).resolves.toEqual(templateNarrative(persona, 42));
    const personas = [0, 1, 2].map((index) => makePersona({ index }));
    const results = await generateNarratives(personas, provider, { seed: 42 });
    expect(results).toEqual(personas.map((p) => templateNarrative(p, 42)));
    const controller = new AbortController();
    controller.abort();
    await expect(provider.generateNarrative(persona, { seed: 42, signal: controller.signal })).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
  });
});
