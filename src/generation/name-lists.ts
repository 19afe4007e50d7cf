/**
 * The name lists the name model (names.ts) weights: per community, sex and birth cohort, given
 * names in modelled rank order (most common first); per community, family names in modelled rank
 * order. Provenance: `modelled`, except the 2024 newborn counts (NEWBORNS_2024, ASP via two press
 * reports, data/names/). No official frequencies of adult given names or of family names exist for
 * Moldova (docs/data.md, "Names"), so the lists are curated from the names typical of each
 * generation and community, written as the Moldovan civil registry writes them: Latin script,
 * Romanian transliteration of Russian, Ukrainian, Bulgarian and Gagauz names (Ecaterina, Liudmila,
 * Serghei, Gheorghii, Nadejda).
 *
 * Each cohort list is anchored at a birth year: a person born between two anchors gets a mix of
 * both lists (names.ts), so names change smoothly with age, not in steps at band edges.
 *
 * This is a data table, which is why it runs past the usual module length.
 */

/** A list of names in rank order, written space-separated (no name holds a space). */
const ranked = (names: string): readonly string[] => names.trim().split(/\s+/);

/** A cohort's given names: the birth year the list stands for, and the names in rank order. */
export interface CohortList {
  readonly born: number;
  readonly names: readonly string[];
}

/**
 * Newborns registered in 2024 (Agenția Servicii Publice, as reported by Stiri.md and TVR Moldova;
 * data/names/given_names_newborns_2024.json, trust B): the top three per sex with counts, and the
 * three "other popular names" per sex published without counts or order.
 */
export const NEWBORNS_2024 = {
  female: { counted: [['Sofia', 830], ['Amelia', 602], ['Eva', 485]], otherPopular: ['Maria', 'Victoria', 'Daria'] },
  male: { counted: [['David', 824], ['Matei', 604], ['Mark', 544]], otherPopular: ['Damir', 'Daniel', 'Alexandru'] },
} as const;

/**
 * The rest of the youngest Moldovan/Romanian cohort after the six published names (modelled: the
 * names of the 2020s in the registry's spelling; about 1,800 girls and 1,000 boys of 2024 got a
 * name nobody else got, which a list cannot hold and which these tail names stand in for).
 */
export const NEWBORN_TAIL = {
  female: ranked(`
    Anastasia Alexandra Emilia Mia Ana Evelina Valeria Alisa Olivia Elisa Milana Isabela Ariana Adelina
    Alesia Mira Melania Zlata Camila Nicole Ecaterina Teodora Medeea Sara Lia Ema Iris Ilinca Delia
    Carolina Gabriela Miruna Anabela Veronica Diana Arina Polina Elena Bianca Sabina Patricia Daniela
    Cristina Nicoleta Iulia Noemi Antonia Ștefania Clara Aurora Luiza Anais Maia Kira Irina Alina Laura
    Denisa Marta Adriana`),
  male: ranked(`
    Maxim Mihai Luca Tudor Andrei Leon Nicolae Gabriel Artiom Ion Damian Sebastian Teodor Ștefan Eric
    Adam Timur Nichita Cristian Dominic Emanuel Denis Vlad Iustin Robert Darius Eduard Ilie Lev Mihail
    Victor Antonio Marcel Milan Noah Rafael Samuel Petru Bogdan Radu Aron Alex Martin Elias Filip Iacob
    Serafim Dumitru Constantin Oliver Liam Matvei Chiril Vladislav Daniil Emil Arseni Iosif Moise`),
};

/** Moldovan (and, sharing their naming, Romanian and Roma) given names by birth cohort. */
export const MOLDOVAN_GIVEN: { readonly female: readonly CohortList[]; readonly male: readonly CohortList[] } = {
  female: [
    { born: 1940, names: ranked(`
      Maria Ana Elena Eudochia Ecaterina Nadejda Valentina Vera Tatiana Alexandra Parascovia Zinaida Eugenia
      Olga Nina Raisa Anastasia Teodora Efrosinia Antonina Lidia Galina Vasilisa Agafia Natalia Zenovia
      Domnica Xenia Haritina Tamara Sofia Marfa Irina Liubovi Aculina Alexandrina Claudia Varvara Melania
      Pelaghia Smaranda Frăsina Catinca Profira Feodosia Ileana Lucreția Axenia`) },
    { born: 1960, names: ranked(`
      Maria Valentina Ana Elena Galina Nina Tatiana Ludmila Nadejda Raisa Lidia Svetlana Vera Zinaida
      Natalia Lilia Larisa Olga Eudochia Ecaterina Parascovia Antonina Alexandra Tamara Zoia Eugenia Aurelia
      Silvia Liubovi Veronica Lucia Emilia Angela Domnica Claudia Stela Iraida Rodica Maia Valeria Ileana
      Doina Vasilisa Teodora`) },
    { born: 1980, names: ranked(`
      Natalia Elena Tatiana Svetlana Olga Irina Angela Lilia Mariana Ludmila Maria Rodica Veronica Victoria
      Oxana Larisa Galina Silvia Ana Diana Aurelia Liliana Corina Doina Stela Valentina Viorica Tamara
      Violeta Nadejda Ala Inga Iulia Marina Cristina Snejana Lucia Mihaela Ina Aliona Nina Ecaterina Emilia
      Eugenia Jana Carolina Maia`) },
    { born: 2000, names: ranked(`
      Cristina Ana Alexandra Mariana Diana Maria Victoria Irina Ecaterina Daniela Natalia Elena Olga Tatiana
      Alina Nicoleta Veronica Iulia Anastasia Adriana Corina Gabriela Mihaela Valeria Carolina Liliana
      Cătălina Dumitrița Valentina Violeta Loredana Marcela Andreea Ionela Felicia Marina Iuliana Olesea
      Dorina Camelia Lilia Cornelia Sorina Doina Ludmila`) },
    { born: 2015, names: ranked(`
      Sofia Maria Anastasia Alexandra Victoria Daria Ana Valeria Eva Amelia Evelina Emilia Alina Nicoleta
      Cristina Ecaterina Diana Gabriela Adriana Sabina Mihaela Daniela Iulia Carolina Cătălina Elena Elisa
      Isabela Ariana Bianca Delia Andreea Alesia Milena Patricia Lavinia Olivia Mia Marta Irina Laura Alisa
      Polina Anabela Denisa Miruna Medeea Teodora Ilinca`) },
  ],
  male: [
    { born: 1940, names: ranked(`
      Ion Vasile Gheorghe Nicolae Petru Mihail Dumitru Grigore Constantin Ilie Teodor Alexandru Andrei Simion
      Pavel Efim Ștefan Iacob Vladimir Victor Mihai Chiril Tudor Fiodor Trofim Filip Isai Zaharia Toma
      Anatol Valentin Afanasie Luca Serghei Pantelei Ivan Leonid Timofei Axenti Emilian Eremei Onisim
      Porfirie Ignat Matei Gavril Damian`) },
    { born: 1960, names: ranked(`
      Ion Vasile Gheorghe Nicolae Mihail Petru Vladimir Valeriu Victor Dumitru Anatol Grigore Alexandru
      Constantin Valentin Boris Serghei Iurie Tudor Andrei Ilie Eugen Leonid Pavel Simion Vitalie Mihai
      Arcadie Teodor Efim Filip Ștefan Veaceslav Iacob Emil Viorel Fiodor Ivan Zaharia Semion Ghenadie`) },
    { born: 1980, names: ranked(`
      Sergiu Ion Andrei Vitalie Alexandru Igor Oleg Dumitru Ruslan Vasile Victor Valeriu Iurie Gheorghe
      Nicolae Veaceslav Dorin Eugen Vladimir Mihai Constantin Ghenadie Roman Radu Corneliu Marin Octavian
      Vadim Maxim Petru Adrian Viorel Denis Stanislav Pavel Iulian Artur Valentin Tudor Liviu Lilian Vlad
      Grigore Leonid Mihail Aurel Dan`) },
    { born: 2000, names: ranked(`
      Alexandru Ion Andrei Mihai Nicolae Cristian Daniel Vladislav Maxim Dumitru Sergiu Victor Vlad Eugen
      Denis Gheorghe Vasile Dan Dorin Radu Artur Adrian Petru Constantin Marcel Octavian Valentin Iulian
      Nichita Mihail Gabriel Cătălin Stanislav Tudor Vitalie Igor Ruslan Pavel Valeriu Roman Ștefan Bogdan
      Alin Florin Marin Vadim Corneliu`) },
    { born: 2015, names: ranked(`
      Alexandru David Daniel Maxim Matei Mihai Andrei Ion Nichita Cristian Gabriel Artiom Tudor Nicolae
      Denis Ștefan Vlad Eduard Adrian Mark Luca Sebastian Damian Iustin Victor Dumitru Dan Teodor Vladislav
      Iulian Petru Bogdan Robert Eric Emanuel Ilie Mihail Leon Dominic Constantin Radu Sergiu Valentin
      Darius Timur Damir Chiril`) },
  ],
};

/** Russian given names as the Moldovan registry writes them, by birth cohort. */
const RUSSIAN_GIVEN = {
  female: [
    { born: 1940, names: ranked(`
      Maria Anna Valentina Nina Galina Zinaida Antonina Clavdia Evdochia Raisa Tamara Lidia Ecaterina
      Alexandra Vera Liubovi Nadejda Praskovia Taisia Polina Zoia Anastasia Olga Elena Tatiana Serafima
      Evghenia Matriona Agripina Varvara Marfa Xenia Efrosinia Uliana Natalia Alevtina Margarita Sofia
      Irina Faina`) },
    { born: 1965, names: ranked(`
      Liudmila Galina Tatiana Natalia Valentina Nina Larisa Svetlana Olga Irina Nadejda Liubovi Lidia Vera
      Elena Tamara Raisa Alla Zinaida Antonina Lilia Marina Inna Ecaterina Maria Anna Zoia Evghenia
      Margarita Rimma Nelli Jana Alevtina Victoria Alexandra Taisia Elvira Iraida Angelina Emilia`) },
    { born: 1990, names: ranked(`
      Natalia Elena Olga Tatiana Irina Iulia Oxana Svetlana Marina Inna Ecaterina Anna Victoria Anastasia
      Alina Cristina Maria Alexandra Daria Xenia Valeria Diana Evghenia Liudmila Larisa Nadejda Alla Jana
      Angela Veronica Elizaveta Polina Vladislava Galina Liliana Snejana Eleonora Carina Margarita Ianina
      Viorica Nelli`) },
    { born: 2015, names: ranked(`
      Sofia Anastasia Maria Daria Alisa Eva Victoria Polina Varvara Alexandra Elizaveta Valeria Veronica
      Arina Milana Amelia Emilia Alina Ecaterina Kira Uliana Vasilisa Miroslava Zlata Anna Diana Xenia
      Evelina Vlada Taisia Margarita Alesia Camila Mia Vera Esenia Ștefania Anghelina Nicole Iana Sabina
      Agata Olivia Lia`) },
  ],
  male: [
    { born: 1940, names: ranked(`
      Ivan Nicolai Vasilii Mihail Alexandr Piotr Grigorii Fiodor Serghei Vladimir Alexei Dmitrii Pavel Stepan
      Iacov Semion Boris Leonid Anatolii Gheorghii Andrei Victor Constantin Valentin Efim Afanasii Trofim
      Filipp Timofei Egor Ilia Matvei Prohor Arcadii Gavriil Iosif Zahar Nichita Roman Evghenii Iurii Lev
      Ignat Valerii`) },
    { born: 1965, names: ranked(`
      Alexandr Serghei Vladimir Nicolai Victor Anatolii Valerii Iurii Mihail Vasilii Ivan Alexei Evghenii
      Piotr Gheorghii Boris Leonid Valentin Igor Oleg Dmitrii Andrei Vitalii Stanislav Ghenadii Viaceslav
      Pavel Constantin Grigorii Arcadii Eduard Fiodor Stepan Semion Vadim Roman Lev Ilia Rostislav Vsevolod
      Vladislav`) },
    { born: 1990, names: ranked(`
      Alexandr Serghei Dmitrii Andrei Alexei Denis Maxim Artiom Vladimir Evghenii Igor Oleg Roman Ivan
      Nicolai Mihail Pavel Vitalii Vladislav Vadim Stanislav Iurii Victor Anton Ruslan Eduard Constantin
      Egor Chiril Nichita Ilia Daniil Artur Valerii Viaceslav Anatolii Gleb Bogdan Timur Vasilii Gheorghii
      Arsenii`) },
    { born: 2015, names: ranked(`
      Alexandr Maxim Artiom Mihail Daniil Ivan Dmitrii Matvei Chiril Egor Timofei Mark Lev Nichita Andrei
      Ilia Alexei Roman Serghei Vladimir Arsenii Gleb Platon Macar Iaroslav Miroslav Fiodor Stepan David
      Damir Timur Bogdan Denis Nicolai Artur Daniel Leon Vladislav Pavel Savelii Ian Vsevolod Eric`) },
  ],
} satisfies { readonly female: readonly CohortList[]; readonly male: readonly CohortList[] };

/**
 * A community's lists: the Russian-language cohort lists most of Moldova's Ukrainians, Gagauz and
 * Bulgarians are registered with, and the community's own names placed among them (every third
 * rank from the fourth on), as the Soviet-era registry mixed them.
 */
function withOwnNames(base: readonly CohortList[], own: Readonly<Record<number, string>>): readonly CohortList[] {
  return base.map((cohort) => {
    const extra = ranked(own[cohort.born] ?? '');
    const names = cohort.names.filter((name) => !extra.includes(name));
    extra.forEach((name, k) => names.splice(Math.min(names.length, 3 + 3 * k), 0, name));
    return { born: cohort.born, names };
  });
}

export const MINORITY_GIVEN = {
  russian: RUSSIAN_GIVEN,
  ukrainian: {
    female: withOwnNames(RUSSIAN_GIVEN.female, { 1940: 'Ganna Paraschiva Odarca Motrona', 1965: 'Oxana Ganna Lesea', 1990: 'Oxana Olesea Lesea', 2015: 'Solomia Bogdana Iaroslava Zlata' }),
    male: withOwnNames(RUSSIAN_GIVEN.male, { 1940: 'Petro Taras Ostap Vasili', 1965: 'Taras Bogdan Petro', 1990: 'Taras Bogdan Iaroslav Nazar', 2015: 'Bogdan Nazar Iaroslav Taras' }),
  },
  gagauz: {
    female: withOwnNames(RUSSIAN_GIVEN.female, { 1940: 'Todora Stepanida Marina Domnica', 1965: 'Todora Stepanida Domnica', 1990: 'Dina Todora', 2015: 'Milena Melisa' }),
    male: withOwnNames(RUSSIAN_GIVEN.male, { 1940: 'Todor Dionis Savva Panteleimon', 1965: 'Dionis Todor Savva', 1990: 'Dionis Todor', 2015: 'Emir Dionis' }),
  },
  bulgarian: {
    female: withOwnNames(RUSSIAN_GIVEN.female, { 1940: 'Ivanca Petrana Vasilca Stefana', 1965: 'Ivanca Stefana Petrana', 1990: 'Stefana Ivanna', 2015: 'Milena Zlata Stefana' }),
    male: withOwnNames(RUSSIAN_GIVEN.male, { 1940: 'Todor Stoian Hristo Dimitar', 1965: 'Todor Stoian Hristo', 1990: 'Todor Hristo', 2015: 'Todor Stoian' }),
  },
} as const;

/** Family names per community in modelled rank order (the base, masculine form). */
export const FAMILY_NAMES = {
  moldovan: ranked(`
    Rusu Ceban Ciobanu Popa Lungu Cojocaru Munteanu Sîrbu Rotari Botnari Țurcanu Moraru Bivol Cebotari Guțu
    Croitoru Grosu Balan Cazacu Ursu Mocanu Lupu Roman Rusnac Spînu Ungureanu Postică Prodan Railean Zaharia
    Bejenari Găină Melnic Rotaru Pascari Cazac Plămădeală Cucu Stratan Negru Crudu Onu Vrabie Bodiu
    Mihalachi Gherman Cojocari Grama Donciu Ciubotaru Surdu Rață Toma Codreanu Lozan Ciorba Jitari Florea
    Chiriac Cernei Gheorghiță Dodon Ghimpu Diaconu Pînzari Buzu Ciocan Ciumac Paraschiv Morari Mîrza Oprea
    Russu Vasilache Botezatu Păduraru Dumitrașcu Cotruță Bulat Stoica Manole Nistor Scutelnic Gavriliță
    Sandu Bordian Hîncu Tofan Gîrlea Frunză Muntean Leahu Cozma Tănase Golban Barbă Olaru Ursachi Popovici
    Bostan Ciolacu Bîrcă Gorincioi Tcaci Lisnic Cașu Ciuntu Carp Vieru Moldovan Cucoș Dragan Iovu Lazăr
    Stici Vîrlan Zgardan Zubcu Pleșca Darie`),
  russian: ranked(`
    Ivanov Smirnov Popov Petrov Volkov Sokolov Kuznețov Vasiliev Morozov Novikov Fiodorov Mihailov Pavlov
    Semionov Egorov Nikitin Orlov Makarov Lebedev Kozlov Stepanov Nikolaev Zaițev Soloviov Borisov Romanov
    Gusev Chiselev Belov Medvedev Tarasov Belousov Ilin Frolov Gromov Zaharov Antonov Sidorov Grigoriev
    Filippov Davîdov Kovaliov Maximov Titov Golubev Sergheev`),
  ukrainian: ranked(`
    Covalenco Bondarenco Tcacenco Șevcenco Lisenco Marcenco Ostapenco Savciuc Cravciuc Polișciuc Moroz Boico
    Cușnir Babiuc Romaniuc Melnicenco Kirilenco Procopenco Demcenco Onișcenco Pavlenco Ivanenco Nazarenco
    Cozaciuc Martiniuc Savcenco Levcenco Gonciaruc Tcaciuc Ponomarenco Kovalciuc Panciuc Grițenco Vasilenco
    Zaharciuc Covalschi Hmelnițchi Litvinenco`),
  gagauz: ranked(`
    Topal Uzun Caraman Ianioglo Mitioglo Gaidarji Cazmali Chior Curdoglo Cristioglo Terzi Buzadji Kuroglo
    Stoianoglo Pașalî Formuzal Bodur Arnaut Tanasoglo Ceban Manol Capsamun Duluglo Jelezoglo Marinoglo
    Ivanoglo Sircheli Gaiduc Dimitrov Konstantinov Radov Cara Ormanji Celebi Tatar Iovcev Semioglo`),
  bulgarian: ranked(`
    Petrov Ivanov Gheorghiev Dimitrov Stoianov Todorov Nikolov Kolev Marinov Stoicev Iordanov Mancev Ganev
    Zlatev Dobrev Stanev Hristov Angelov Kirov Radev Popov Atanasov Vasilev Iliev Mitev Tanasov Neicev
    Nedelcev Kostov Penev Gancev Stoev Mihailov Dragnev Cristev Slavov Dimov Manolov`),
  other: ranked(`
    Grigorian Petrosian Zelinski Novak Abramov Melikian Levin Goldberg Aliev Mamedov Sarkisian Avakian Kogan
    Rabinovici Kaplan Gurevici Kowalski Lewandowski Hasanov Guseinov Kerimov Ismailov Muradian Papazian
    Beridze Kapanadze Nazarian Babaian Galstian Frenkel Șapiro Weiss`),
} as const;
