/**
 * The template provider's sentences, section by section. Each composer reads the persona and
 * draws among alternative phrasings with the persona's seeded stream, so wording varies across
 * personas but is fixed for (seed, index). Grammar is explicit: masculine/feminine forms through
 * `g`, numeral agreement through `agePhrase`, places through `romanian.ts`.
 *
 * This file is mostly phrase tables, which is why it runs past the usual module length.
 */
import { nextInt, type Rng } from '../../rng.js';
import type { Persona, Traits } from '../../domain/persona.js';
import {
  agePhrase,
  bySex,
  districtPhrase,
  ethnicAdjective,
  ethnicGenitive,
  ethnicNoun,
  fromPhrase,
  languagePhrase,
  regionPhrase,
  schoolGradePhrase,
} from '../romanian.js';

/** What every composer needs: the persona, its stream, and shorthands for choice and gender. */
export interface Composer {
  readonly persona: Persona;
  readonly name: string;
  /** One of the alternatives, drawn from the persona's stream. */
  pick<T>(options: readonly T[]): T;
  /** True with probability `share`, drawn from the persona's stream. */
  chance(share: number): boolean;
  /** Masculine or feminine form by the persona's sex. */
  g(masculine: string, feminine: string): string;
}

export function createComposer(persona: Persona, rng: Rng): Composer {
  return {
    persona,
    name: persona.given_name,
    pick: <T>(options: readonly T[]): T => {
      const choice = options[nextInt(rng, options.length)];
      if (choice === undefined) throw new RangeError('pick requires at least one option');
      return choice;
    },
    chance: (share) => rng.next() < share,
    g: (masculine, feminine) => bySex(persona.sex, masculine, feminine),
  };
}

/** Life stages that decide what a section may talk about. */
export type LifeStage = 'infant' | 'preschool' | 'pupil' | 'student' | 'employed' | 'unemployed' | 'pensioner' | 'carer' | 'inactive_other';

export function lifeStageOf(persona: Persona): LifeStage {
  if (persona.age <= 2) return 'infant';
  if (persona.age <= 6) return 'preschool';
  if (persona.age <= 14) return 'pupil';
  if (persona.employment_status === 'employed') return 'employed';
  if (persona.employment_status === 'unemployed') return 'unemployed';
  switch (persona.inactivity_reason) {
    case 'pensioner':
      return 'pensioner';
    case 'student':
      return 'student';
    case 'family_care':
      return 'carer';
    default:
      return 'inactive_other';
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

// ——— descriere_generala ———

function introSentence(c: Composer, home: string): string {
  const { persona, name } = c;
  const full = `${name} ${persona.family_name}`;
  const age = agePhrase(persona.age);
  const region = regionPhrase(persona.region);
  const where = region !== null && c.chance(0.5) ? `${home}, ${region}` : home;
  const options = [`${full} are ${age} și locuiește ${where}.`, `${c.g('Născut', 'Născută')} acum ${age}, ${full} locuiește ${where}.`];
  if (persona.age >= 18) {
    const who =
      persona.age < 30 ? c.g('un tânăr', 'o tânără') : persona.age < 65 ? c.g('un bărbat', 'o femeie') : c.g('un bărbat în vârstă', 'o femeie în vârstă');
    options.push(`${full} este ${who} de ${age} care locuiește ${where}.`);
  }
  return c.pick(options);
}

function originSentence(c: Composer): string | null {
  const { persona } = c;
  const noun = ethnicNoun(persona.ethnicity, persona.sex);
  const adjective = ethnicAdjective(persona.ethnicity);
  const mother = languagePhrase(persona.mother_tongue);
  const spoken = languagePhrase(persona.language_usually_spoken);
  const sentences: string[] = [];
  if (persona.age <= 2) {
    if (spoken !== null) sentences.push(c.pick([`În familie se vorbește ${spoken}.`, `Acasă aude mai ales ${spoken}.`]));
    return sentences.length > 0 ? sentences.join(' ') : null;
  }
  if (noun !== null && adjective !== null && mother !== null) {
    sentences.push(
      c.pick([
        `Se declară ${noun}, iar limba sa maternă este ${mother}.`,
        `Este de etnie ${adjective} și are ca limbă maternă ${mother}.`,
        `${capitalise(mother)} este limba sa maternă; ca etnie, se declară ${noun}.`,
      ]),
    );
  } else if (noun !== null && adjective !== null) {
    sentences.push(c.pick([`Se declară ${noun}.`, `Este de etnie ${adjective}.`]));
  } else if (persona.ethnicity === 'other') {
    sentences.push(mother !== null ? `Aparține unei alte etnii, iar limba sa maternă este ${mother}.` : 'Aparține unei alte etnii.');
  } else if (mother !== null) {
    sentences.push(`Limba sa maternă este ${mother}.`);
  }
  if (spoken !== null && persona.language_usually_spoken !== persona.mother_tongue) {
    sentences.push(c.pick([`În viața de zi cu zi vorbește mai des ${spoken}.`, `Acasă și printre prieteni folosește mai ales ${spoken}.`]));
  } else if (spoken !== null && c.chance(0.3)) {
    sentences.push(`Vorbește ${spoken} și acasă, și în viața de zi cu zi.`);
  }
  return sentences.length > 0 ? sentences.join(' ') : null;
}

function maritalSentence(c: Composer): string | null {
  const { persona } = c;
  switch (persona.marital_status) {
    case 'married':
      return c.pick([`Este ${c.g('căsătorit', 'căsătorită')}.`, `Este ${c.g('căsătorit', 'căsătorită')} și ține mult la familia sa.`]);
    case 'widowed':
      return c.pick([`Este ${c.g('văduv', 'văduvă')}.`, `A rămas ${c.g('văduv', 'văduvă')} și își găsește sprijin în familie.`]);
    case 'divorced':
      return `Este ${c.g('divorțat', 'divorțată')}.`;
    case 'never_married':
      if (persona.age < 25) return null;
      return c.pick([`Nu a fost niciodată ${c.g('căsătorit', 'căsătorită')}.`, `Nu s-a căsătorit niciodată.`]);
    default:
      return null;
  }
}

/** Religion is mentioned in about two narratives out of five, in neutral words. */
function religionSentence(c: Composer): string | null {
  const { persona } = c;
  if (persona.age < 15 || persona.religion === 'not_declared' || !c.chance(0.4)) return null;
  switch (persona.religion) {
    case 'orthodox':
      return c.pick([
        `Este ${c.g('creștin ortodox', 'creștină ortodoxă')} și respectă sărbătorile de peste an.`,
        'Ține la tradițiile ortodoxe, mai ales de Paște și de Crăciun.',
      ]);
    case 'baptist':
      return 'Face parte dintr-o comunitate baptistă.';
    case 'jehovahs_witness':
      return 'Face parte din comunitatea Martorilor lui Iehova.';
    case 'pentecostal':
      return 'Aparține unei comunități penticostale.';
    case 'adventist':
      return 'Frecventează o comunitate adventistă.';
    case 'evangelical':
      return 'Face parte dintr-o comunitate creștină după Evanghelie.';
    case 'old_believer':
      return 'Aparține comunității ortodoxe de rit vechi.';
    case 'islam':
      return `Se declară ${c.g('musulman', 'musulmană')}.`;
    case 'catholic':
      return `Este ${c.g('romano-catolic', 'romano-catolică')}.`;
    case 'other':
      return 'Aparține unei alte confesiuni religioase.';
    case 'atheist_agnostic':
      return 'Privește viața dintr-o perspectivă laică, fără o credință religioasă anume.';
    case 'none':
      return 'Nu aparține niciunei religii.';
    default:
      return null;
  }
}

/** The most pronounced Big Five trait (|T − 50| ≥ 10), in words. */
function traitSentence(c: Composer, traits: Traits | undefined): string | null {
  // Personality words about a toddler read oddly; traits speak from school age on.
  if (traits === undefined || c.persona.age < 7) return null;
  const entries = [
    ['openness', traits.openness],
    ['conscientiousness', traits.conscientiousness],
    ['extraversion', traits.extraversion],
    ['agreeableness', traits.agreeableness],
    ['neuroticism', traits.neuroticism],
  ] as const;
  let strongest: (typeof entries)[number] | undefined;
  for (const entry of entries) {
    if (Math.abs(entry[1] - 50) >= 10 && (strongest === undefined || Math.abs(entry[1] - 50) > Math.abs(strongest[1] - 50))) {
      strongest = entry;
    }
  }
  if (strongest === undefined) return null;
  const high = strongest[1] > 50;
  const descriptions: Record<(typeof entries)[number][0], readonly [string, string]> = {
    openness: [`este ${c.g('curios', 'curioasă')} și ${c.g('deschis', 'deschisă')} la idei noi`, 'preferă lucrurile cunoscute și obiceiurile statornice'],
    conscientiousness: [`este ${c.g('organizat', 'organizată')} și ține la cuvântul dat`, 'nu se împacă ușor cu rutina și cu planurile stricte'],
    extraversion: [`este ${c.g('sociabil', 'sociabilă')} și prinde ușor prieteni`, `este mai ${c.g('retras', 'retrasă')} și preferă un cerc restrâns de apropiați`],
    agreeableness: [`este ${c.g('săritor', 'săritoare')} și ${c.g('răbdător', 'răbdătoare')}`, `vorbește deschis, chiar dacă uneori pare ${c.g('direct', 'directă')}`],
    neuroticism: ['se îngrijorează ușor când lucrurile nu merg după plan', `rămâne ${c.g('calm', 'calmă')} chiar și în situații dificile`],
  };
  const text = descriptions[strongest[0]][high ? 0 : 1];
  return c.pick([`Cei care ${c.g('îl', 'o')} cunosc spun că ${text}.`, `${capitalise(text)}.`]);
}

function closingSentence(c: Composer): string | null {
  const { persona } = c;
  if (persona.age <= 6) return null;
  if (persona.residence === 'rural') {
    return c.pick(['Îi place liniștea satului și viața în mijlocul naturii.', 'Prețuiește viața de la țară, cu ritmul ei liniștit.', null]);
  }
  return c.pick(['Se simte bine în ritmul orașului.', 'Apreciază comoditățile vieții de oraș.', null]);
}

export function descriereGenerala(c: Composer, home: string): string {
  const parts = [
    introSentence(c, home),
    originSentence(c),
    maritalSentence(c),
    religionSentence(c),
    traitSentence(c, c.persona.traits),
    closingSentence(c),
  ];
  return parts.filter((part): part is string => part !== null).join(' ');
}

// ——— profil_profesional ———

function educationSentence(c: Composer): string | null {
  switch (c.persona.education_level) {
    case 'no_schooling':
      return 'Nu a absolvit nicio școală.';
    case 'primary':
      return 'A absolvit școala primară.';
    case 'lower_secondary':
      return c.pick(['A absolvit gimnaziul.', 'Are studii gimnaziale.']);
    case 'upper_secondary':
      return c.pick(['A absolvit liceul.', 'Are studii medii generale.']);
    case 'vocational':
      return c.pick(['A absolvit o școală profesională.', 'Are studii profesional tehnice.']);
    case 'tertiary':
      return c.pick(['Are studii superioare.', 'A absolvit o universitate.']);
    default:
      return null;
  }
}

const SECTOR_WORK: Record<string, readonly string[]> = {
  agriculture: ['Lucrează în agricultură', 'Își câștigă existența din agricultură', 'Lucrează în sectorul agricol'],
  industry: ['Lucrează în industrie, la o fabrică din zonă', 'Are un loc de muncă în industrie, în producție', 'Lucrează în industrie'],
  construction: ['Lucrează în construcții', 'Lucrează pe șantiere, în construcții', 'Are un loc de muncă în construcții'],
  services: ['Lucrează în sectorul serviciilor', 'Lucrează în domeniul serviciilor', 'Are un loc de muncă în servicii'],
};

function workSentence(c: Composer): string {
  const { persona } = c;
  const base = c.pick(SECTOR_WORK[persona.economic_sector ?? 'services'] ?? ['Lucrează']);
  const education = persona.education_level;
  const detail =
    education === 'tertiary'
      ? c.pick([', unde își folosește pregătirea din facultate', ', iar studiile universitare îi sunt de folos'])
      : education === 'vocational'
        ? c.pick([', iar meseria învățată îi este de mare folos', ', unde aplică ce a învățat la școala profesională'])
        : '';
  const senior = persona.age >= 65 ? ' Deși a trecut de vârsta pensionării, continuă să muncească.' : '';
  return `${base}${detail}.${senior}`;
}

export function profilProfesional(c: Composer): string {
  const { persona, name } = c;
  const education = educationSentence(c);
  const withEducation = (text: string) => (education === null ? text : `${education} ${text}`);
  switch (lifeStageOf(persona)) {
    case 'infant':
      return c.pick([
        `${name} este încă ${c.g('prea mic', 'prea mică')} pentru grădiniță și își petrece zilele acasă, alături de familie.`,
        `Deocamdată ${name} crește acasă, iar grădinița va veni peste câțiva ani.`,
      ]);
    case 'preschool':
      return c.pick([
        `${name} merge la grădiniță, unde învață cântece, jocuri și primele litere.`,
        `În fiecare dimineață, ${name} merge la grădiniță, unde are mulți prieteni de joacă.`,
      ]);
    case 'pupil': {
      const grade = schoolGradePhrase(persona.age - 6);
      return c.pick([
        `${name} este ${c.g('elev', 'elevă')} în ${grade} și învață la școala din localitate.`,
        `${name} învață în ${grade}; cel mai mult îi plac orele de matematică și de desen.`,
        `Este ${c.g('elev', 'elevă')} în ${grade} și își face temele conștiincios în fiecare seară.`,
      ]);
    }
    case 'student':
      return withEducation(
        persona.age <= 18
          ? c.pick([`Este ${c.g('elev', 'elevă')} la liceu și se pregătește pentru examenele de bacalaureat.`, 'Învață la o școală profesională, unde deprinde o meserie.'])
          : c.pick([`Este ${c.g('student', 'studentă')} la o universitate și își dedică cea mai mare parte a timpului studiilor.`, `Își continuă studiile și este ${c.g('student', 'studentă')} cu normă întreagă.`]),
      );
    case 'employed':
      return withEducation(workSentence(c));
    case 'unemployed':
      return withEducation(
        c.pick([
          'Momentan nu are un loc de muncă și își caută activ unul.',
          'În prezent este în căutarea unui loc de muncă potrivit pregătirii sale.',
          'A rămas fără serviciu și caută de lucru, de preferință aproape de casă.',
        ]),
      );
    case 'pensioner':
      if (persona.age < 50) return withEducation(`Este ${c.g('pensionar', 'pensionară')} și nu mai lucrează.`);
      return withEducation(
        c.pick([
          `Este ${c.g('pensionar', 'pensionară')}: a muncit mulți ani, iar acum se bucură de odihna binemeritată.`,
          `A lucrat o viață întreagă, iar acum este ${c.g('pensionar', 'pensionară')}.`,
          `După zeci de ani în care a muncit din greu, a ieșit la pensie.`,
        ]),
      );
    case 'carer':
      return withEducation(c.pick(['Nu lucrează în afara casei: se ocupă de gospodărie și de îngrijirea familiei.', 'Își dedică timpul gospodăriei și celor dragi, de care are grijă zi de zi.']));
    default:
      return withEducation(c.pick(['În prezent nu lucrează și nici nu își caută un loc de muncă.', 'Deocamdată nu are o activitate profesională.']));
  }
}

// ——— hobbies ———

export function hobbySport(c: Composer): string {
  const { persona, name } = c;
  if (persona.age <= 6) return c.pick(['Îi plac jocurile în aer liber și plimbările prin parc.', 'Cel mai mult îi place să alerge prin curte.']);
  if (persona.age <= 14) {
    return c.pick([
      'Îi place să joace fotbal și să meargă cu bicicleta după ore.',
      `${name} merge la un cerc de dans și îi place să alerge.`,
      'Vara înoată, iar iarna se dă cu sania.',
    ]);
  }
  if (persona.age < 35) {
    return c.pick([
      'Joacă fotbal în weekend și merge la sală de două ori pe săptămână.',
      `${name} aleargă dimineața și îi place voleiul.`,
      'Îi place să meargă cu bicicleta și să facă drumeții.',
      'Merge regulat la sală și înoată ori de câte ori are ocazia.',
    ]);
  }
  if (persona.age < 65) {
    return c.pick([
      'Face plimbări lungi și merge cu bicicleta când vremea e frumoasă.',
      `${name} joacă șah și face drumeții în zilele libere.`,
      persona.residence === 'rural' ? `Munca în grădină și la vie ${c.g('îl', 'o')} ține în formă.` : 'Merge la înot de câteva ori pe lună.',
      'Urmărește meciurile de fotbal și merge zilnic pe jos.',
    ]);
  }
  return c.pick([
    'Face în fiecare dimineață câteva exerciții ușoare.',
    `${name} iese zilnic la plimbare, ca să rămână în formă.`,
    'Urmărește cu plăcere meciurile la televizor și merge mult pe jos.',
  ]);
}

export function hobbyArtaCultura(c: Composer): string {
  const { persona, name } = c;
  if (persona.age <= 6) return c.pick(['Îi place să asculte povești și să deseneze.', 'Ascultă cântece pentru copii și îi plac cărțile cu poze.']);
  if (persona.age <= 14) return c.pick(['Îi place să deseneze și să citească povești.', `${name} cântă în corul școlii.`, 'Ia lecții de pian și îi plac filmele de animație.']);
  const community = ethnicGenitive(persona.ethnicity);
  const options = [
    'Ascultă cu plăcere muzică populară și merge la concerte când are ocazia.',
    `${name} citește romane și cărți de istorie.`,
    'Îi plac meșteșugurile tradiționale, precum broderia și sculptura în lemn.',
    'Îi plac dansurile populare și sărbătorile cu muzică lăutărească.',
    persona.residence === 'urban' ? 'Merge din când în când la teatru și la expoziții.' : 'Participă cu drag la hramul satului și la serbările locale.',
  ];
  if (community !== null && persona.ethnicity !== 'moldovan' && persona.ethnicity !== 'romanian') {
    options.push(`Ține la tradițiile comunității ${community} și participă la sărbătorile acesteia.`);
  }
  const reading = languagePhrase(persona.mother_tongue);
  if (reading !== null && persona.mother_tongue !== 'moldovan' && persona.mother_tongue !== 'romanian' && persona.mother_tongue !== 'other') {
    options.push(`Citește cu plăcere cărți în ${reading}.`);
  }
  return c.pick(options);
}

export function hobbyCalatorii(c: Composer): string {
  const { persona, name } = c;
  if (persona.age <= 14) return c.pick(['Abia așteaptă vacanțele de vară și excursiile cu familia.', 'Îi plac excursiile și drumurile lungi cu mașina.']);
  if (persona.age >= 70) {
    return c.pick(['Nu mai călătorește mult, dar își amintește cu drag de excursiile din tinerețe.', 'Preferă drumurile scurte, prin împrejurimi.']);
  }
  return c.pick([
    `${name} visează să vadă marea și câteva capitale europene.`,
    'Îi place să descopere colțuri noi ale Moldovei, de la Codri până la Nistru.',
    'Călătorește rar, dar îi plac excursiile de o zi prin împrejurimi.',
    'A vizitat mai multe mănăstiri din țară și și-ar dori să vadă și munții Carpați.',
    'Vara merge la mare, iar în restul anului face mici excursii prin țară.',
  ]);
}

export function hobbyCulinar(c: Composer): string {
  const { persona, name } = c;
  if (persona.age <= 2) return 'Descoperă primele gusturi: piureuri de legume și de fructe.';
  if (persona.age <= 14) return c.pick(['Îi plac clătitele și plăcintele făcute în casă.', 'Cel mai mult îi plac plăcintele cu brânză.']);
  const options = [
    'Îi plac sarmalele și mămăliga cu brânză și smântână.',
    `${name} gătește cu plăcere zeamă de găină și plăcinte.`,
    'Preferă mâncarea făcută în casă, mai ales plăcintele cu varză și cu brânză.',
    persona.residence === 'rural' ? 'Toamna pregătește conserve și murături pentru iarnă.' : 'Îi place să încerce rețete noi în weekend.',
  ];
  const community = ethnicGenitive(persona.ethnicity);
  if (community !== null && (persona.ethnicity === 'gagauz' || persona.ethnicity === 'bulgarian' || persona.ethnicity === 'ukrainian' || persona.ethnicity === 'russian')) {
    options.push(`Gătește cu drag rețete din bucătăria tradițională a comunității ${community}.`);
  }
  return c.pick(options);
}

// ——— career_goals_and_ambitions ———

export function careerGoals(c: Composer): string {
  const { persona, name } = c;
  switch (lifeStageOf(persona)) {
    case 'infant':
    case 'preschool':
      return c.pick([`Deocamdată, cel mai important lucru pentru ${name} este să crească ${c.g('sănătos', 'sănătoasă')} și să descopere lumea.`, 'Are tot timpul înainte; acum se bucură de joacă.']);
    case 'pupil':
      return c.pick([
        'Visează ca într-o zi să aibă o meserie care să-i placă; până atunci, vrea să învețe bine.',
        `${name} nu știe încă ce meserie va alege, dar vrea să ia note bune la școală.`,
      ]);
    case 'student':
      return c.pick([
        'Își dorește să termine studiile cu rezultate bune și să găsească apoi un loc de muncă în domeniul care îi place.',
        `${name} speră ca pregătirea de acum să-i deschidă drumul spre o meserie bine plătită.`,
      ]);
    case 'employed':
      return persona.age >= 60
        ? c.pick([
            'Vrea să mai muncească o vreme și să-și transmită experiența celor mai tineri.',
            `Își dorește să rămână ${c.g('activ', 'activă')} în meseria sa cât îi permite sănătatea.`,
          ])
        : c.pick([
            'Își dorește să avanseze în meseria sa și să învețe lucruri noi.',
            `${name} speră să-și deschidă într-o zi propria afacere.`,
            'Vrea un loc de muncă stabil, mai bine plătit, fără să fie nevoie să plece din țară.',
          ]);
    case 'unemployed':
      return c.pick([
        'Obiectivul principal este să găsească un loc de muncă stabil, cât mai aproape de casă.',
        `${name} ar vrea să învețe o meserie nouă, căutată pe piața muncii.`,
      ]);
    case 'pensioner':
      return c.pick([
        'Nu mai are planuri de carieră; își dorește o bătrânețe liniștită și timp petrecut cu cei dragi.',
        `După anii de muncă, ${name} vrea mai ales sănătate și liniște.`,
      ]);
    case 'carer':
      return persona.age >= 60
        ? 'Își dorește mai ales ca cei dragi să fie sănătoși și să poată avea grijă de ei cât mai mult timp.'
        : `Speră ca, atunci când familia va avea mai puțin nevoie de ${c.g('el', 'ea')}, să se poată întoarce la muncă.`;
    default:
      if (persona.age >= 60) return c.pick(['Nu mai are planuri profesionale; se bucură de timpul liber.', `${name} își dorește mai ales sănătate și liniște.`]);
      return c.pick(['Deocamdată nu are planuri profesionale precise, dar nu exclude să se angajeze.', `${name} se gândește să urmeze un curs de calificare.`]);
  }
}

// ——— persona_summary ———

/** What the persona does, as a predicate: "lucrează în agricultură", "este pensionară". */
function rolePredicate(c: Composer): string {
  const { persona } = c;
  switch (lifeStageOf(persona)) {
    case 'infant':
      return 'crește în sânul familiei';
    case 'preschool':
      return 'merge la grădiniță';
    case 'pupil':
      return `este ${c.g('elev', 'elevă')} în ${schoolGradePhrase(persona.age - 6)}`;
    case 'student':
      return persona.age <= 18 ? `este ${c.g('elev', 'elevă')}` : `este ${c.g('student', 'studentă')}`;
    case 'employed': {
      const sector = persona.economic_sector ?? 'services';
      const field = { agriculture: 'agricultură', industry: 'industrie', construction: 'construcții', services: 'servicii' }[sector];
      return `lucrează în ${field}`;
    }
    case 'unemployed':
      return 'își caută un loc de muncă';
    case 'pensioner':
      return `este ${c.g('pensionar', 'pensionară')}`;
    case 'carer':
      return 'se ocupă de familie și de gospodărie';
    default:
      return 'în prezent nu lucrează';
  }
}

/** A short summary, worded apart from the description (never its opening sentence). */
export function personaSummary(c: Composer, home: string): string {
  const { persona, name } = c;
  const role = rolePredicate(c);
  const age = agePhrase(persona.age);
  return c.pick([
    `${name}, ${age}, ${fromPhrase(home)}, ${role}.`,
    `Pe scurt: ${name} are ${age}, trăiește în ${districtPhrase(persona.district)} și ${role}.`,
  ]);
}
