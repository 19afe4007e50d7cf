import { describe, expect, it } from 'vitest';
import type { NarrativeSections, Persona } from '../../../src/domain/persona.js';
import { mentionsGivenName, parseNarrativeJson, validateNarrative } from '../../../src/narratives/contract.js';
import type { NarrativeReasonCode } from '../../../src/narratives/reasons.js';
import { makePersona } from '../../fixtures/personas.js';

/** Maria Rusu, 34, married, tertiary education, employed in services, rural Orhei (centru). */
const maria = makePersona();

/** A hand-written narrative that meets the contract for `maria`. */
const GOOD: NarrativeSections = {
  descriere_generala:
    'Maria Rusu are 34 de ani și locuiește într-un sat din raionul Orhei, în centrul țării. Este căsătorită și ține mult la familia sa. Ea este harnică, curioasă și mereu gata să ajute.',
  profil_profesional: 'Are studii superioare și lucrează în sectorul serviciilor, unde este apreciată pentru seriozitatea ei.',
  hobby_sport: 'Îi place să alerge dimineața prin livadă.',
  hobby_arta_cultura: 'Citește romane și ascultă muzică populară.',
  hobby_calatorii: 'Visează să vadă marea și câteva orașe din Europa.',
  hobby_culinar: 'Gătește plăcinte cu brânză și sarmale.',
  career_goals_and_ambitions: 'Își dorește să avanseze în meseria sa și să învețe lucruri noi.',
  persona_summary: 'Pe scurt, Maria este o femeie calmă din raionul Orhei.',
};

const codes = (candidate: unknown, persona: Persona = maria): NarrativeReasonCode[] =>
  [...new Set(validateNarrative(candidate, persona).issues.map((issue) => issue.code))];
const withSection = (key: keyof NarrativeSections, text: string): NarrativeSections => ({ ...GOOD, [key]: text });
const appended = (text: string): NarrativeSections => withSection('descriere_generala', `${GOOD.descriere_generala} ${text}`);

describe('validateNarrative', () => {
  it('accepts the hand-written narrative', () => {
    expect(validateNarrative(GOOD, maria)).toEqual({ sections: GOOD, issues: [] });
  });

  describe('JSON shape', () => {
    it('reports a missing key, an unknown key and a non-string value as NARRATIVE_SCHEMA_INVALID', () => {
      const { hobby_culinar: _dropped, ...missing } = GOOD;
      expect(codes(missing)).toEqual(['NARRATIVE_SCHEMA_INVALID']);
      expect(codes({ ...GOOD, telefon: 'nu' })).toEqual(['NARRATIVE_SCHEMA_INVALID']);
      expect(codes({ ...GOOD, hobby_sport: 42 })).toEqual(['NARRATIVE_SCHEMA_INVALID']);
      expect(codes(['not', 'an', 'object'])).toEqual(['NARRATIVE_SCHEMA_INVALID']);
    });

    it('still reports the lengths of the sections present when the shape is wrong', () => {
      expect(codes({ ...GOOD, hobby_sport: 'Da.', extra: 'x' })).toEqual(['NARRATIVE_SCHEMA_INVALID', 'NARRATIVE_TOO_SHORT']);
    });
  });

  describe('lengths', () => {
    it('reports a short section with its length and minimum, ignoring surrounding spaces', () => {
      const { issues } = validateNarrative(withSection('hobby_sport', '   Fotbal.       '), maria);
      expect(issues).toEqual([{ code: 'NARRATIVE_TOO_SHORT', section: 'hobby_sport', detail: '7 characters, minimum 10', observed: 7, limit: 10 }]);
    });

    it('reports a section over its maximum', () => {
      const long = `${GOOD.persona_summary} ${'Îi place să citească și să se plimbe. '.repeat(12)}`;
      expect(validateNarrative(withSection('persona_summary', long), maria).issues).toContainEqual(
        expect.objectContaining({ code: 'NARRATIVE_TOO_LONG', section: 'persona_summary', limit: 400 }),
      );
    });
  });

  it('reports a summary that copies the opening of the description', () => {
    const copy = withSection('persona_summary', 'Maria Rusu are 34 de ani și locuiește într-un sat din raionul Orhei.');
    expect(codes(copy)).toEqual(['NARRATIVE_SECTION_DUPLICATED']);
  });

  describe('Romanian', () => {
    const english: NarrativeSections = {
      descriere_generala: 'Maria Rusu is 34 years old and she lives in a village in the Orhei district, with her husband.',
      profil_profesional: 'She has a university degree and works in services, where she is known for her patience.',
      hobby_sport: 'She likes running in the morning.',
      hobby_arta_cultura: 'She reads novels and listens to folk music.',
      hobby_calatorii: 'She dreams of seeing the sea.',
      hobby_culinar: 'She cooks pies with cheese.',
      career_goals_and_ambitions: 'She wants to learn new things at work.',
      persona_summary: 'In short, Maria is a calm woman from Orhei.',
    };

    it('rejects English text', () => {
      expect(codes(english)).toContain('NARRATIVE_LANGUAGE_INVALID');
    });

    it('is not fooled by English padded with "o", "la", "pe" and a few diacritics', () => {
      const padded = Object.fromEntries(Object.entries(english).map(([key, text]) => [key, `${text} o la pe și în ă`])) as NarrativeSections;
      expect(codes(padded)).toContain('NARRATIVE_LANGUAGE_INVALID');
    });

    it('rejects Romanian written without diacritics (the contract asks for them)', () => {
      const plain = Object.fromEntries(
        Object.entries(GOOD).map(([key, text]) => [key, text.normalize('NFD').replace(/\p{Mn}/gu, '')]),
      ) as NarrativeSections;
      expect(codes(plain)).toEqual(['NARRATIVE_LANGUAGE_INVALID']);
    });

    it('rejects Russian text', () => {
      const russian = withSection(
        'descriere_generala',
        'Мария Русу, 34 года, живёт в селе Оргеевского района. Она замужем и очень любит свою семью, работает в сфере услуг.',
      );
      expect(codes(russian)).toContain('NARRATIVE_LANGUAGE_INVALID');
    });

    it('rejects one long English section hidden among Romanian ones, naming the section', () => {
      const mixed = withSection(
        'profil_profesional',
        'Maria works in the services sector and she is known for her patience with the customers of the shop where she has been for years.',
      );
      expect(validateNarrative(mixed, maria).issues).toContainEqual(expect.objectContaining({ code: 'NARRATIVE_LANGUAGE_INVALID', section: 'profil_profesional' }));
    });
  });

  describe('given name', () => {
    it('reports a narrative that never names the persona', () => {
      const nameless = Object.fromEntries(Object.entries(GOOD).map(([key, text]) => [key, text.replaceAll('Maria', 'Ea')])) as NarrativeSections;
      expect(codes(nameless)).toEqual(['NARRATIVE_NAME_MISSING']);
    });

    it('accepts the name without diacritics, in another case, or in the genitive', () => {
      expect(mentionsGivenName('Stefan locuiește la Soroca.', 'Ștefan')).toBe(true);
      expect(mentionsGivenName('Visul Mariei este să vadă marea.', 'Maria')).toBe(true);
      expect(mentionsGivenName('MARIA aleargă.', 'Maria')).toBe(true);
      expect(mentionsGivenName('Marian aleargă.', 'Maria')).toBe(false);
      expect(mentionsGivenName('Ana-Maria citește.', 'Ana-Maria')).toBe(true);
    });
  });

  describe('gender agreement', () => {
    it('reports a female persona described with "el", "născut" and "pensionar"', () => {
      const wrong = withSection(
        'descriere_generala',
        'Maria Rusu este născut în raionul Orhei și are 34 de ani. El este căsătorit și harnic. Este un pensionar liniștit.',
      );
      const { issues } = validateNarrative(wrong, maria);
      expect(issues).toContainEqual(expect.objectContaining({ code: 'NARRATIVE_PRONOUN_MISMATCH' }));
    });

    it('reports a male persona described in the feminine', () => {
      const ion = makePersona({ given_name: 'Ion', family_name: 'Ceban', sex: 'male' });
      const feminine = Object.fromEntries(Object.entries(GOOD).map(([key, text]) => [key, text.replaceAll('Maria', 'Ion')])) as NarrativeSections;
      expect(codes(feminine, ion)).toEqual(['NARRATIVE_PRONOUN_MISMATCH']);
    });

    it('does not count other people, quoted speech, generic nouns or invariant participles', () => {
      // Gendered words here are all masculine and none is about Maria; counted naively they would
      // outnumber the one feminine word ("spune ea") five to one.
      const others: NarrativeSections = {
        ...GOOD,
        descriere_generala:
          'Maria Rusu are 34 de ani și locuiește într-un sat din raionul Orhei. Soțul ei, Ion, este pensionar și el iubește pescuitul. El îi aduce mereu pește proaspăt. „El e omul meu”, spune ea. Maria s-a născut la Orhei și este un om deschis.',
        persona_summary: 'Pe scurt, Maria trăiește liniștit la Orhei.',
      };
      expect(codes(others)).toEqual([]);
      const sameWordsAboutHer = { ...others, descriere_generala: 'Maria Rusu are 34 de ani. Este pensionar și el iubește pescuitul. El e harnic. Spune ea multe.' };
      expect(codes(sameWordsAboutHer)).toEqual(['NARRATIVE_PRONOUN_MISMATCH']);
    });
  });

  describe('contradictions', () => {
    it.each([
      ['a stated age 6 years off', 'Maria are 40 de ani.'],
      ['an age in an apposition', 'Maria, 28 de ani, zâmbește.'],
      ['an age after "femeie de"', 'Este o femeie de 50 de ani.'],
      ['another district as home', 'Maria locuiește în Cahul.'],
      ['a Transnistrian town as home', 'De fapt, trăiește la Tiraspol.'],
      ['another region as home', 'Ea locuiește în nordul țării.'],
      ['unemployment for an employed persona', 'Acum este șomeră.'],
      ['divorce for a married persona', 'Este divorțată de doi ani.'],
    ])('reports %s', (_label, sentence) => {
      expect(codes(appended(sentence))).toEqual(['NARRATIVE_CONTRADICTION']);
    });

    it.each([
      ['an age within one year', 'Maria are 35 de ani.'],
      ['years of experience', 'Are 20 de ani de experiență în comerț.'],
      ['the age of a child', 'Fiul ei are 12 ani.'],
      ['a move from another district to her own', 'Maria s-a mutat din Cahul la Orhei.'],
      ['a trip elsewhere', 'Vara călătorește la Soroca și la Cahul.'],
      ['a negated marital status', 'Maria nu este divorțată.'],
    ])('accepts %s', (_label, sentence) => {
      expect(codes(appended(sentence))).toEqual([]);
    });

    const child = makePersona({ age: 12, marital_status: null, education_level: 'primary', employment_status: null, inactivity_reason: null, economic_sector: null });
    const childNarrative = (extra: string): NarrativeSections => ({
      ...GOOD,
      descriere_generala: `Maria are 12 ani și locuiește într-un sat din raionul Orhei. Ea este elevă în clasa a VI-a și este curioasă. ${extra}`,
      profil_profesional: 'Maria învață bine la școală și îi plac orele de desen.',
      career_goals_and_ambitions: 'Visează să devină inginer când va crește mare.',
    });

    it('lets a child dream of a job but not have one, nor a spouse or a pension', () => {
      expect(codes(childNarrative(''), child)).toEqual([]);
      expect(codes(childNarrative('Este inginer la o fabrică.'), child)).toEqual(['NARRATIVE_CONTRADICTION']);
      expect(codes(childNarrative('Ea lucrează ca vânzătoare.'), child)).toEqual(['NARRATIVE_CONTRADICTION']);
      expect(codes(childNarrative('Este căsătorită de un an.'), child)).toEqual(['NARRATIVE_CONTRADICTION']);
    });

    it('reports a pensioner who works now, not one who worked before', () => {
      const pensioner = makePersona({ age: 68, employment_status: 'inactive', inactivity_reason: 'pensioner', economic_sector: null });
      const base = { ...GOOD, descriere_generala: GOOD.descriere_generala.replace('34', '68'), profil_profesional: 'A lucrat o viață întreagă ca contabilă, iar acum este pensionară.' };
      expect(codes(base, pensioner)).toEqual([]);
      expect(codes({ ...base, profil_profesional: 'Lucrează ca contabilă la o firmă din oraș.' }, pensioner)).toEqual(['NARRATIVE_CONTRADICTION']);
      expect(codes({ ...base, profil_profesional: 'Este profesoară pensionară și își amintește cu drag de elevi.' }, pensioner)).toEqual([]);
    });

    it('lets an unemployed persona have a trade without working in it', () => {
      const unemployed = makePersona({ employment_status: 'unemployed', economic_sector: null });
      const base = { ...GOOD, profil_profesional: 'Maria este economistă de profesie, dar acum își caută un loc de muncă.' };
      expect(codes(base, unemployed)).toEqual([]);
      expect(codes({ ...base, profil_profesional: 'Maria este economistă la o bancă din oraș.' }, unemployed)).toEqual(['NARRATIVE_CONTRADICTION']);
    });

    it('reports a never-married persona said to be married', () => {
      const single = makePersona({ marital_status: 'never_married' });
      expect(codes(GOOD, single)).toEqual(['NARRATIVE_CONTRADICTION']);
      expect(codes({ ...GOOD, descriere_generala: GOOD.descriere_generala.replace('Este căsătorită', 'Nu a fost niciodată căsătorită') }, single)).toEqual([]);
    });
  });
});

describe('parseNarrativeJson', () => {
  it('parses a bare object and one inside a Markdown code fence', () => {
    expect(parseNarrativeJson(' {"a": "b"} ')).toEqual({ ok: true, value: { a: 'b' } });
    expect(parseNarrativeJson('```json\n{"a": "b"}\n```')).toEqual({ ok: true, value: { a: 'b' } });
  });

  it('refuses prose around the object and broken JSON as NARRATIVE_PARSE_FAILURE', () => {
    expect(parseNarrativeJson('Iată răspunsul: {"a": "b"}')).toMatchObject({ ok: false, issue: { code: 'NARRATIVE_PARSE_FAILURE' } });
    expect(parseNarrativeJson('{"a": "b",}')).toMatchObject({ ok: false, issue: { code: 'NARRATIVE_PARSE_FAILURE' } });
    expect(parseNarrativeJson('')).toMatchObject({ ok: false, issue: { code: 'NARRATIVE_PARSE_FAILURE' } });
  });
});
