import { describe, expect, it } from 'vitest';
import { measureLanguage, romanianFailures } from '../../../../src/narratives/checks/language.js';

describe('measureLanguage', () => {
  it('counts shares by hand-checkable example', () => {
    // "Ana și Ion.": letters A n a ș i I o n (8), one diacritic (ș); tokens ana, și, ion (3),
    // one function word and one distinctive word ("și").
    const measures = measureLanguage('Ana și Ion.');
    expect(measures.diacritic_share).toBeCloseTo(1 / 8, 12);
    expect(measures.function_word_share).toBeCloseTo(1 / 3, 12);
    expect(measures.distinctive_share).toBeCloseTo(1 / 3, 12);
    expect(measures.cyrillic_share).toBe(0);
    expect(measures.foreign_share).toBe(0);
    expect(measures.tokens).toBe(3);
  });

  it('counts cedilla letters as diacritics and Cyrillic letters apart', () => {
    expect(measureLanguage('şţ').diacritic_share).toBe(1);
    expect(measureLanguage('да').cyrillic_share).toBe(1);
  });

  it('passes ordinary Romanian prose and fails Italian, which shares "o", "la", "pe"-style words', () => {
    const romanian =
      'Elena locuiește într-un oraș din nordul țării și lucrează la o fabrică. În timpul liber îi place să citească și să se plimbe prin parc.';
    const italian =
      'Elena abita in una città del nord del paese e lavora in una fabbrica. Nel tempo libero le piace leggere e passeggiare nel parco con la sua famiglia.';
    expect(romanianFailures(measureLanguage(romanian))).toEqual([]);
    expect(romanianFailures(measureLanguage(italian))).toEqual(expect.arrayContaining(['diacritics', 'distinctive_words']));
  });
});
