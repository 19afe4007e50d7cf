/**
 * Given names and family names by ethnicity and sex. Provenance: `modelled`. No official name
 * frequencies exist for Moldova (docs/data.md, "Known gaps"), so these are curated lists of names
 * common in each community, written as the Moldovan civil registry writes them (Latin script,
 * Romanian transliteration for Slavic names), drawn with equal probability. Slavic and Bulgarian
 * family names take their feminine form for women (Ivanov → Ivanova).
 *
 * This is a data table, which is why it runs past the usual module length.
 */
import type { Ethnicity, Sex } from '../domain/categories.js';

interface NameList {
  readonly female: readonly string[];
  readonly male: readonly string[];
  readonly family: readonly string[];
  /** Whether family names inflect for women (Slavic and Bulgarian -ov/-ev/-in names). */
  readonly inflects: boolean;
}

const MOLDOVAN_FAMILY = [
  'Rusu', 'Ceban', 'Ciobanu', 'Popa', 'Lungu', 'Cojocaru', 'Munteanu', 'Botnari', 'Rotari', 'Sîrbu',
  'Țurcanu', 'Moraru', 'Bivol', 'Cebotari', 'Croitoru', 'Guțu', 'Grosu', 'Balan', 'Cazacu', 'Ursu',
  'Mocanu', 'Lupu', 'Roman', 'Rusnac', 'Spînu', 'Ungureanu', 'Postică', 'Prodan', 'Railean', 'Zaharia',
];

const SLAVIC_FEMALE = [
  'Natalia', 'Elena', 'Olga', 'Tatiana', 'Svetlana', 'Irina', 'Anna', 'Ecaterina', 'Galina', 'Liudmila',
  'Marina', 'Iulia', 'Anastasia', 'Valentina', 'Nadejda', 'Larisa', 'Tamara', 'Vera', 'Liubov', 'Ksenia',
];
const SLAVIC_MALE = [
  'Serghei', 'Alexandr', 'Vladimir', 'Dmitrii', 'Andrei', 'Alexei', 'Nicolai', 'Mihail', 'Evghenii', 'Igor',
  'Oleg', 'Iurii', 'Victor', 'Pavel', 'Maxim', 'Artiom', 'Denis', 'Ivan', 'Roman', 'Valerii',
];

const MOLDOVAN: NameList = {
  female: [
    'Maria', 'Elena', 'Ana', 'Natalia', 'Tatiana', 'Olga', 'Svetlana', 'Irina', 'Valentina', 'Ecaterina',
    'Galina', 'Nadejda', 'Ludmila', 'Lilia', 'Victoria', 'Cristina', 'Alexandra', 'Diana', 'Daniela', 'Mariana',
    'Doina', 'Aurelia', 'Silvia', 'Angela', 'Veronica', 'Nicoleta', 'Sofia', 'Adriana', 'Corina', 'Eugenia',
  ],
  male: [
    'Ion', 'Vasile', 'Gheorghe', 'Nicolae', 'Mihai', 'Andrei', 'Alexandru', 'Sergiu', 'Vladimir', 'Dumitru',
    'Victor', 'Petru', 'Valeriu', 'Igor', 'Dorin', 'Vitalie', 'Ruslan', 'Oleg', 'Iurie', 'Constantin',
    'Tudor', 'Cristian', 'Maxim', 'Daniel', 'David', 'Matei', 'Eugen', 'Veaceslav', 'Anatol', 'Grigore',
  ],
  family: MOLDOVAN_FAMILY,
  inflects: false,
};

const NAMES: Readonly<Record<Ethnicity, NameList>> = {
  moldovan: MOLDOVAN,
  romanian: {
    female: [
      'Andreea', 'Ioana', 'Alina', 'Mihaela', 'Elena', 'Maria', 'Ana', 'Cristina', 'Gabriela', 'Raluca',
      'Daniela', 'Roxana', 'Bianca', 'Irina', 'Diana', 'Larisa', 'Adriana', 'Corina', 'Simona', 'Lavinia',
    ],
    male: [
      'Andrei', 'Alexandru', 'Mihai', 'Ion', 'Ștefan', 'Radu', 'Cristian', 'Bogdan', 'Adrian', 'Florin',
      'Gabriel', 'Vlad', 'Tudor', 'Mircea', 'Dan', 'Sorin', 'Victor', 'Nicolae', 'Marius', 'Lucian',
    ],
    family: MOLDOVAN_FAMILY,
    inflects: false,
  },
  ukrainian: {
    female: [
      'Natalia', 'Olga', 'Tatiana', 'Svetlana', 'Galina', 'Ludmila', 'Irina', 'Valentina', 'Nadejda', 'Oxana',
      'Larisa', 'Nina', 'Alla', 'Iulia', 'Anna', 'Lesea', 'Zoia', 'Liubov', 'Vera', 'Tamara',
    ],
    male: [
      'Ivan', 'Vasilii', 'Nicolai', 'Serghei', 'Vladimir', 'Victor', 'Oleg', 'Igor', 'Anatolii', 'Alexandr',
      'Iurii', 'Petro', 'Mihail', 'Valerii', 'Bogdan', 'Taras', 'Andrii', 'Stepan', 'Dmitrii', 'Roman',
    ],
    family: [
      'Covalenco', 'Bondarenco', 'Tcacenco', 'Șevcenco', 'Lisenco', 'Marcenco', 'Ostapenco', 'Savciuc', 'Cravciuc',
      'Polișciuc', 'Moroz', 'Boico', 'Cușnir', 'Babiuc', 'Romaniuc', 'Melnicenco', 'Kirilenco', 'Procopenco',
      'Demcenco', 'Onișcenco',
    ],
    inflects: false,
  },
  russian: {
    female: SLAVIC_FEMALE,
    male: SLAVIC_MALE,
    family: [
      'Ivanov', 'Smirnov', 'Popov', 'Petrov', 'Volkov', 'Sokolov', 'Kuznețov', 'Vasiliev', 'Morozov', 'Novikov',
      'Fiodorov', 'Mihailov', 'Pavlov', 'Semionov', 'Egorov', 'Nikitin', 'Orlov', 'Makarov', 'Lebedev', 'Kozlov',
    ],
    inflects: true,
  },
  gagauz: {
    female: [
      'Maria', 'Elena', 'Tatiana', 'Natalia', 'Olga', 'Svetlana', 'Irina', 'Valentina', 'Galina', 'Anna',
      'Nadejda', 'Ecaterina', 'Liudmila', 'Vera', 'Zinaida', 'Tamara', 'Cristina', 'Diana', 'Victoria', 'Nina',
    ],
    male: [
      'Ivan', 'Gheorghii', 'Dmitrii', 'Nicolai', 'Serghei', 'Piotr', 'Vasilii', 'Fiodor', 'Mihail', 'Constantin',
      'Alexandr', 'Victor', 'Stepan', 'Vladimir', 'Andrei', 'Pavel', 'Valentin', 'Ilia', 'Anatolii', 'Dionis',
    ],
    family: [
      'Topal', 'Uzun', 'Caraman', 'Ianioglo', 'Mitioglo', 'Gaidarji', 'Cazmali', 'Chior', 'Curdoglo', 'Cristioglo',
      'Terzi', 'Buzadji', 'Kuroglo', 'Stoianoglo', 'Pașalî', 'Formuzal', 'Bodur', 'Arnaut', 'Tanasoglo', 'Dimitrov',
    ],
    inflects: true,
  },
  bulgarian: {
    female: [
      'Maria', 'Elena', 'Natalia', 'Tatiana', 'Galina', 'Svetlana', 'Olga', 'Irina', 'Valentina', 'Liudmila',
      'Nadejda', 'Anna', 'Vera', 'Tamara', 'Zinaida', 'Raisa', 'Stefania', 'Ivanca', 'Petrana', 'Vasilca',
    ],
    male: [
      'Ivan', 'Gheorghii', 'Dmitrii', 'Nicolai', 'Piotr', 'Vasilii', 'Serghei', 'Stepan', 'Anatolii', 'Victor',
      'Alexandr', 'Vladimir', 'Mihail', 'Todor', 'Dimitar', 'Hristo', 'Stoian', 'Iordan', 'Petar', 'Gheorghi',
    ],
    family: [
      'Petrov', 'Ivanov', 'Gheorghiev', 'Dimitrov', 'Stoianov', 'Todorov', 'Nikolov', 'Kolev', 'Marinov', 'Stoicev',
      'Iordanov', 'Mancev', 'Ganev', 'Zlatev', 'Dobrev', 'Stanev', 'Hristov', 'Angelov', 'Kirov', 'Radev',
    ],
    inflects: true,
  },
  // Roma in Moldova mostly carry Romanian-language names; no separate list was found.
  roma: MOLDOVAN,
  // "Other" groups are many and small; their Russian-language naming is the common denominator.
  other: { female: SLAVIC_FEMALE, male: SLAVIC_MALE, family: ['Grigorian', 'Petrosian', 'Zelinski', 'Novak', 'Abramov', 'Melikian', 'Levin', 'Goldberg', 'Aliev', 'Mamedov'], inflects: true },
  not_declared: MOLDOVAN,
};

/**
 * The feminine form of a family name where the language inflects it:
 * -ov/-ev/-in → -ova/-eva/-ina, -ski → -skaia; other endings do not change.
 * @example feminineFamilyName('Ivanov') // => 'Ivanova'
 */
export function feminineFamilyName(familyName: string): string {
  if (/(ov|ev|iov|in)$/.test(familyName)) return `${familyName}a`;
  if (familyName.endsWith('ski')) return `${familyName.slice(0, -1)}aia`;
  return familyName;
}

export function namesFor(ethnicity: Ethnicity): NameList {
  return NAMES[ethnicity];
}

/** Every given name of each sex, across ethnicities (for the name–sex consistency rule). */
export const GIVEN_NAMES_BY_SEX: Readonly<Record<Sex, ReadonlySet<string>>> = {
  female: new Set(Object.values(NAMES).flatMap((list) => list.female)),
  male: new Set(Object.values(NAMES).flatMap((list) => list.male)),
};

/** The family name as written for a person of this sex and ethnicity. */
export function familyNameFor(base: string, sex: Sex, ethnicity: Ethnicity): string {
  return sex === 'female' && NAMES[ethnicity].inflects ? feminineFamilyName(base) : base;
}
