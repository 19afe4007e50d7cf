import { describe, expect, it } from 'vitest';
import {
  agePhrase,
  districtPhrase,
  ethnicNoun,
  fromPhrase,
  genderedLabel,
  homePhrases,
  languagePhrase,
  regionPhrase,
  schoolGradePhrase,
} from '../../../src/narratives/romanian.js';

describe('Romanian wording', () => {
  it('agrees numerals with "ani": "de" for 20..99 and round hundreds', () => {
    expect(agePhrase(34)).toBe('34 de ani'); // the @example
    expect([0, 1, 2, 19, 20, 100, 101].map(agePhrase)).toEqual([
      'mai puțin de un an',
      'un an',
      '2 ani',
      '19 ani',
      '20 de ani',
      '100 de ani',
      '101 ani',
    ]);
  });

  it('resolves the (ă) ending of catalogue labels by sex', () => {
    expect(genderedLabel('Căsătorit(ă)', 'female')).toBe('Căsătorită');
    expect(genderedLabel('Elev(ă) sau student(ă)', 'male')).toBe('Elev sau student');
  });

  it('names districts, homes and regions', () => {
    expect(districtPhrase('balti')).toBe('municipiul Bălți');
    expect(districtPhrase('stefan_voda')).toBe('raionul Ștefan Vodă');
    expect(districtPhrase('gagauzia')).toBe('UTA Găgăuzia');
    expect(homePhrases('orhei', 'rural')).toContain('într-un sat din raionul Orhei');
    expect(homePhrases('chisinau', 'urban')).toContain('în Chișinău');
    expect(fromPhrase('într-un sat din raionul Orhei')).toBe('dintr-un sat din raionul Orhei');
    expect(fromPhrase('în Chișinău')).toBe('din Chișinău');
    expect(regionPhrase('gagauzia')).toBe('în sudul țării');
    expect(regionPhrase('chisinau')).toBeNull();
  });

  it('names languages, ethnicities and school grades', () => {
    expect(languagePhrase('romanian')).toBe('limba română');
    expect(languagePhrase('romani')).toBe('limba romani');
    expect(languagePhrase('not_declared')).toBeNull();
    expect(ethnicNoun('bulgarian', 'female')).toBe('bulgăroaică');
    expect(ethnicNoun('russian', 'male')).toBe('rus');
    expect(ethnicNoun('other', 'male')).toBeNull();
    expect(schoolGradePhrase(1)).toBe('clasa I');
    expect(schoolGradePhrase(6)).toBe('clasa a VI-a');
  });
});
