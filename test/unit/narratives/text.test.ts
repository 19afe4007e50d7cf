import { describe, expect, it } from 'vitest';
import { analyseNarrative, blankQuotedSpeech, personaSentences } from '../../../src/narratives/analysis.js';
import { foldDiacritics, wordsOf } from '../../../src/narratives/text.js';

const sections = {
  descriere_generala: 'Maria are 34 de ani. Soțul ei e pensionar! „El e bun”, spune ea.',
  profil_profesional: 'Lucrează în servicii; îi place munca.',
  hobby_sport: 'Aleargă.',
  hobby_arta_cultura: 'Citește.',
  hobby_calatorii: 'Călătorește.',
  hobby_culinar: 'Gătește.',
  career_goals_and_ambitions: 'Speră.',
  persona_summary: 'Maria, pe scurt.',
};

describe('text tools', () => {
  it('folds comma-below, cedilla and other Latin accents, one unit per letter', () => {
    const text = 'Ștefan, Ţăruş, îți, café';
    expect(foldDiacritics(text)).toBe('Stefan, Tarus, iti, cafe');
    expect(foldDiacritics(text)).toHaveLength(text.length);
  });

  it('splits words on anything but letters, lower-cased', () => {
    expect(wordsOf('S-a mutat într-un SAT.')).toEqual(['s', 'a', 'mutat', 'într', 'un', 'sat']);
  });

  it('blanks quoted speech without moving offsets', () => {
    const text = 'A spus „El e bun” ieri.';
    expect(blankQuotedSpeech(text)).toBe('A spus            ieri.');
  });

  it('splits sentences within and between sections and marks other people', () => {
    const analysed = analyseNarrative(sections);
    const sentences = analysed.sentences.map((s) => analysed.text.slice(s.start, s.end));
    expect(sentences.slice(0, 5)).toEqual([
      'Maria are 34 de ani.',
      'Soțul ei e pensionar!',
      ', spune ea.', // the quoted speech is blanked before the split
      'Lucrează în servicii;',
      'îi place munca.',
    ]);
    expect(analysed.sentences[1]?.mentionsOtherPerson).toBe(true);
    expect(analysed.sentences[2]?.words).toEqual(['spune', 'ea']);
    expect(personaSentences(analysed.sentences, 'other_people').map((s) => s.words[0])).not.toContain('soțul');
    expect(analysed.folded.slice(0, 20)).toBe('maria are 34 de ani.');
  });
});
