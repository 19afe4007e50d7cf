import { describe, expect, it } from 'vitest';
import { NARRATIVE_SECTIONS } from '../../../src/domain/persona.js';
import { withholdingPii, findPii } from '../../../src/narratives/pii.js';
import { PROMPT_VERSION, buildNarrativePrompt, buildRepairMessages } from '../../../src/narratives/prompt.js';
import { makePersona } from '../../fixtures/personas.js';

const persona = makePersona({
  given_name: 'Olga',
  family_name: 'Ivanova',
  age: 47,
  region: 'gagauzia',
  district: 'gagauzia',
  residence: 'urban',
  ethnicity: 'gagauz',
  mother_tongue: 'gagauz',
  language_usually_spoken: 'russian',
  religion: 'orthodox',
  marital_status: 'divorced',
  education_level: 'vocational',
  employment_status: 'inactive',
  inactivity_reason: 'family_care',
  economic_sector: null,
  traits: { openness: 61, conscientiousness: 55, extraversion: 42, agreeableness: 50, neuroticism: 38 },
});
const userPrompt = (p = persona) => buildNarrativePrompt(p)[1]?.content ?? '';

describe('buildNarrativePrompt', () => {
  it('states its version and asks for JSON only in the system message', () => {
    const [system, user] = buildNarrativePrompt(persona);
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('obiect JSON');
    expect(user?.content).toContain(`Versiunea promptului: ${PROMPT_VERSION}`);
  });

  it('gives the model every relevant attribute, in Romanian and in the persona gender', () => {
    const prompt = userPrompt();
    for (const line of [
      '- Prenume: Olga',
      '- Nume de familie: Ivanova',
      '- Sex: feminin',
      '- Vârsta: 47 de ani',
      '- Regiunea de dezvoltare: UTA Găgăuzia',
      '- Raionul sau municipiul de reședință: UTA Găgăuzia',
      '- Mediul de reședință: urban (oraș)',
      '- Etnia declarată: găgăuză',
      '- Limba maternă: limba găgăuză',
      '- Limba vorbită de obicei: limba rusă',
      '- Religia: Ortodoxă',
      '- Starea civilă: Divorțată',
      '- Nivelul de educație absolvit: Profesional tehnic',
      '- Statutul pe piața muncii: Inactivă',
      '- Motivul inactivității: Îngrijirea familiei / gospodăriei',
      '- Sectorul economic: —',
      '- Trăsături de personalitate (scoruri T, media 50, abaterea standard 10): deschidere 61, conștiinciozitate 55, extraversie 42, agreabilitate 50, nevrotism 38',
    ]) {
      expect(prompt).toContain(line);
    }
  });

  it('leaves traits out when the persona has none', () => {
    const { traits: _traits, ...withoutTraits } = persona;
    expect(userPrompt(withoutTraits)).not.toContain('Trăsături');
  });

  it('lists the eight keys with their lengths', () => {
    const prompt = userPrompt();
    for (const { key, min, max } of NARRATIVE_SECTIONS) expect(prompt).toContain(`"${key}": text de ${min}–${max} caractere`);
  });

  it('forbids contact details, identifiers and real institutions, and itself contains no PII', () => {
    const prompt = userPrompt();
    expect(prompt).toContain('INTERZIS: numere de telefon, adrese de e-mail');
    expect(prompt).toContain('IDNP sau IDNO, conturi IBAN, numere de card');
    expect(prompt).toContain('nume de instituții, firme, școli, spitale sau persoane reale');
    expect(withholdingPii(findPii(prompt))).toEqual([]);
  });

  it('tells the model a child has no career and a pensioner speaks of work in the past', () => {
    const child = makePersona({ age: 9, marital_status: null, education_level: null, employment_status: null, inactivity_reason: null, economic_sector: null });
    expect(userPrompt(child)).toContain('Este copil');
    expect(userPrompt(child)).toContain('- Starea civilă: — (sub 15 ani)');
    const pensioner = makePersona({ age: 70, employment_status: 'inactive', inactivity_reason: 'pensioner', economic_sector: null });
    expect(userPrompt(pensioner)).toContain('la timpul trecut');
  });
});

describe('buildRepairMessages', () => {
  it('echoes the answer and says what to fix, once per distinct problem', () => {
    const original = buildNarrativePrompt(persona);
    const messages = buildRepairMessages(
      original,
      '{"descriere_generala": "…"}',
      [
        { code: 'NARRATIVE_TOO_SHORT', section: 'hobby_sport', detail: '4 characters, minimum 10', observed: 4, limit: 10 },
        { code: 'NARRATIVE_NAME_MISSING', detail: 'the given name does not appear in any section' },
        { code: 'NARRATIVE_NAME_MISSING', detail: 'the given name does not appear in any section' },
      ],
      persona,
    );
    expect(messages.slice(0, 2)).toEqual(original);
    expect(messages[2]).toEqual({ role: 'assistant', content: '{"descriere_generala": "…"}' });
    const repair = messages[3]?.content ?? '';
    expect(repair).toContain('secțiunea „hobby_sport” are 4 caractere; minimul este 10');
    expect(repair.match(/prenumele „Olga” nu apare în text/gu)).toHaveLength(1);
  });
});
