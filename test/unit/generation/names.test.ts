import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ETHNICITIES, SEXES } from '../../../src/domain/categories.js';
import { REPO_ROOT } from '../../helpers/census.js';
import { FAMILY_NAMES, MINORITY_GIVEN, MOLDOVAN_GIVEN, NEWBORNS_2024, NEWBORN_TAIL } from '../../../src/generation/name-lists.js';
import {
  GIVEN_NAMES_BY_SEX,
  MAX_NAME_AGE,
  familyNameFor,
  familyNamesOf,
  feminineFamilyName,
  givenNamesByAge,
  newbornWeights,
} from '../../../src/generation/names.js';

interface NewbornRecord {
  readonly name: string;
  readonly sex: 'F' | 'M';
  readonly rank: number | null;
  readonly count: number | null;
}
const newbornFile = JSON.parse(readFileSync(join(REPO_ROOT, 'data', 'names', 'given_names_newborns_2024.json'), 'utf8')) as {
  records: NewbornRecord[];
};

describe('feminine family names', () => {
  it('gives Slavic, Bulgarian and Gagauz -ov names and adjectival names their feminine form', () => {
    expect(feminineFamilyName('Ivanov')).toBe('Ivanova');
    expect(feminineFamilyName('Vasiliev')).toBe('Vasilieva');
    expect(feminineFamilyName('Nikitin')).toBe('Nikitina');
    expect(feminineFamilyName('Zelinski')).toBe('Zelinskaia');
    expect(feminineFamilyName('Covalschi')).toBe('Covalscaia');
    expect(feminineFamilyName('Hmelnițchi')).toBe('Hmelnițcaia');
    expect(familyNameFor('Petrov', 'female', 'bulgarian')).toBe('Petrova');
    expect(familyNameFor('Petrov', 'male', 'bulgarian')).toBe('Petrov');
    expect(familyNameFor('Dimitrov', 'female', 'gagauz')).toBe('Dimitrova');
  });

  it('leaves Romanian, Ukrainian -enco/-ciuc and Gagauz family names unchanged for women', () => {
    expect(familyNameFor('Ciobanu', 'female', 'moldovan')).toBe('Ciobanu');
    // A Moldovan -chi name (Mihalachi) is not an adjectival Slavic one.
    expect(familyNameFor('Mihalachi', 'female', 'moldovan')).toBe('Mihalachi');
    expect(familyNameFor('Covalenco', 'female', 'ukrainian')).toBe('Covalenco');
    expect(familyNameFor('Savciuc', 'female', 'ukrainian')).toBe('Savciuc');
    for (const name of ['Topal', 'Ceban', 'Uzun', 'Ianioglo', 'Caraman', 'Terzi']) expect(familyNameFor(name, 'female', 'gagauz')).toBe(name);
  });
});

describe('the name lists', () => {
  it('never list one given name for both sexes, nor one name twice in a list', () => {
    for (const name of GIVEN_NAMES_BY_SEX.female) expect(GIVEN_NAMES_BY_SEX.male.has(name), name).toBe(false);
    const lists = SEXES.flatMap((sex) => [
      ...MOLDOVAN_GIVEN[sex].map((cohort) => cohort.names),
      ...Object.values(MINORITY_GIVEN).flatMap((group) => group[sex].map((cohort) => cohort.names)),
      [...NEWBORNS_2024[sex].counted.map(([name]) => name as string), ...NEWBORNS_2024[sex].otherPopular, ...NEWBORN_TAIL[sex]],
    ]);
    for (const list of [...lists, ...Object.values(FAMILY_NAMES)]) expect(list.filter((name, i) => list.indexOf(name) !== i)).toEqual([]);
  });

  it('hold 80–150 given names per sex for the majority, 40+ for each minority, 60+ and 30+ family names', () => {
    for (const sex of SEXES) {
      const moldovan = givenNamesByAge('moldovan', sex).pool.length;
      expect(moldovan).toBeGreaterThanOrEqual(80);
      expect(moldovan).toBeLessThanOrEqual(200);
      for (const ethnicity of ['russian', 'ukrainian', 'gagauz', 'bulgarian'] as const) {
        expect(givenNamesByAge(ethnicity, sex).pool.length, ethnicity).toBeGreaterThanOrEqual(40);
      }
    }
    expect(FAMILY_NAMES.moldovan.length).toBeGreaterThanOrEqual(60);
    for (const group of ['russian', 'ukrainian', 'gagauz', 'bulgarian', 'other'] as const) expect(FAMILY_NAMES[group].length, group).toBeGreaterThanOrEqual(30);
  });

  it('carry the 2024 newborn counts as transcribed in data/names', () => {
    for (const sex of SEXES) {
      const code = sex === 'female' ? 'F' : 'M';
      const counted = newbornFile.records.filter((r) => r.sex === code && r.count !== null).map((r) => [r.name, r.count]);
      const unranked = newbornFile.records.filter((r) => r.sex === code && r.count === null).map((r) => r.name);
      expect(NEWBORNS_2024[sex].counted).toEqual(counted);
      expect([...NEWBORNS_2024[sex].otherPopular].sort()).toEqual(unranked.sort());
    }
  });
});

describe('given names by age', () => {
  const share = (ethnicity: (typeof ETHNICITIES)[number], sex: 'female' | 'male', age: number, name: string) => {
    const table = givenNamesByAge(ethnicity, sex);
    return table.rows[age]![table.pool.indexOf(name)] ?? 0;
  };

  it('gives each age one row of weights summing to 1', () => {
    for (const ethnicity of ETHNICITIES) {
      for (const sex of SEXES) {
        const table = givenNamesByAge(ethnicity, sex);
        expect(table.rows).toHaveLength(MAX_NAME_AGE + 1);
        for (const row of table.rows) expect(row.reduce((sum, w) => sum + w, 0)).toBeCloseTo(1, 9);
      }
    }
  });

  it('gives the youngest Moldovans the 2024 shares: Sofia 830 of the estimated 10,838 girls, David 824 of 11,488 boys', () => {
    // 22,326 children aged 0 on 1 Jan 2024, 100 girls : 106 boys (docs/data.md, "Names").
    expect(share('moldovan', 'female', 0, 'Sofia')).toBeCloseTo(830 / ((22_326 * 100) / 206), 6);
    expect(share('romanian', 'male', 1, 'David')).toBeCloseTo(824 / ((22_326 * 106) / 206), 6);
    expect(share('moldovan', 'female', 0, 'Svetlana')).toBe(0);
  });

  it('gives older people cohort names: Svetlana for women born 1960–80, Ion for old men, nothing of the 2020s', () => {
    expect(share('moldovan', 'female', 44, 'Svetlana')).toBeGreaterThan(0.03);
    expect(share('moldovan', 'female', 5, 'Svetlana')).toBe(0);
    expect(share('russian', 'female', 8, 'Svetlana')).toBe(0);
    expect(share('moldovan', 'male', 80, 'Ion')).toBeGreaterThan(0.05);
    expect(share('moldovan', 'male', 80, 'Mark')).toBe(0);
    expect(share('moldovan', 'female', 80, 'Amelia')).toBe(0);
  });

  it('changes smoothly with age (no jump above the largest step between adjacent cohort lists over one year)', () => {
    for (const sex of SEXES) {
      const { rows } = givenNamesByAge('moldovan', sex);
      for (let age = 1; age <= MAX_NAME_AGE; age += 1) {
        const tvd = rows[age]!.reduce((sum, w, k) => sum + Math.abs(w - rows[age - 1]![k]!), 0) / 2;
        expect(tvd, `${sex} ${age}`).toBeLessThan(0.2);
      }
    }
  });

  it('weights the newborn list so its six published names lead and the tail totals the rest of the births', () => {
    for (const sex of SEXES) {
      const { weights } = newbornWeights(sex);
      expect(weights.reduce((sum, w) => sum + w, 0)).toBeCloseTo(sex === 'female' ? (22_326 * 100) / 206 : (22_326 * 106) / 206, 6);
      expect(Math.max(...weights.slice(6))).toBeLessThan(weights[5]!);
    }
  });

  it('weights family names: the first most, all positive', () => {
    const { names, weights } = familyNamesOf('moldovan');
    expect(names[0]).toBe('Rusu');
    expect(weights[0]).toBe(Math.max(...weights));
    expect(Math.min(...weights)).toBeGreaterThan(0);
  });
});
