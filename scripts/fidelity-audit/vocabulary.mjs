// How the reference files' labels map to the output's wire codes. Written here from the labels
// the reference files print, not imported from the project: the audit is an independent oracle,
// so a wrong mapping in the engine shows up as a drift instead of being shared.

/** ASCII slug of a unit or region label: "Mun. Chișinău" → "chisinau", "Ștefan Vodă" → "stefan_voda". */
export function slugOf(label) {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/^(mun\.|uta)\s+/, '')
    .trim()
    .replace(/[^a-z0-9]+/g, '_');
}

function lookup(table, label, what) {
  const code = table[label];
  if (code === undefined) throw new Error(`fidelity-audit: no output code for ${what} label ${JSON.stringify(label)}`);
  return code;
}

const ETHNICITY = {
  Moldoveni: 'moldovan',
  Moldovean: 'moldovan',
  Români: 'romanian',
  Român: 'romanian',
  Ucraineni: 'ukrainian',
  Ucrainean: 'ukrainian',
  Ruși: 'russian',
  Rus: 'russian',
  Găgăuzi: 'gagauz',
  Găgăuz: 'gagauz',
  Bulgari: 'bulgarian',
  Bulgar: 'bulgarian',
  'Romi/Țigani': 'roma',
  Rrom: 'roma',
  'Alte etnii': 'other',
  Altele: 'other',
  'Nu au declarat etnia': 'not_declared',
};
export const ethnicityCode = (label) => lookup(ETHNICITY, label, 'ethnicity');

const LANGUAGE = {
  Moldovenească: 'moldovan',
  Română: 'romanian',
  Rusă: 'russian',
  Găgăuză: 'gagauz',
  Ucraineană: 'ukrainian',
  Bulgară: 'bulgarian',
  'Romani (Țigănească)': 'romani',
  Rromani: 'romani',
  'Alte limbi': 'other',
  'Altă limbă': 'other',
  Alta: 'other',
  'Nu au declarat limba maternă': 'not_declared',
};
export const languageCode = (label) => lookup(LANGUAGE, label, 'language');

const RELIGION = {
  Ortodoxă: 'orthodox',
  Ortodox: 'orthodox',
  Baptistă: 'baptist',
  Baptist: 'baptist',
  'Martorii lui Iehova': 'jehovahs_witness',
  'Martor al lui Iehova': 'jehovahs_witness',
  Penticostală: 'pentecostal',
  Penticostal: 'pentecostal',
  Adventistă: 'adventist',
  Adventist: 'adventist',
  'Creștină după Evanghelie': 'evangelical',
  'Staroveri (Ortodoxă Rusă de rit vechi)': 'old_believer',
  Islam: 'islam',
  'Romano-catolică': 'catholic',
  Catolic: 'catholic',
  'Alte religii': 'other',
  'Altă religie': 'other',
  'Liber cugetător + Agnostic + Ateu (combined)': 'atheist_agnostic',
  'Liber cugetător': 'atheist_agnostic',
  Agnostic: 'atheist_agnostic',
  Ateu: 'atheist_agnostic',
  'Fără religie': 'none',
  'Nu au declarat religia': 'not_declared',
};
export const religionCode = (label) => lookup(RELIGION, label, 'religion');

const MARITAL = {
  'Căsătorit(ă)': 'married',
  'Niciodată căsătorit(ă)': 'never_married',
  'Văduv(ă)': 'widowed',
  'Divorțat(ă)': 'divorced',
};
export const maritalCode = (label) => lookup(MARITAL, label, 'marital status');

/** Education labels start with the Romanian level name. */
export function educationCode(label) {
  const prefixes = [
    ['Superior', 'tertiary'],
    ['Profesional tehnic', 'vocational'],
    ['Gimnazial', 'lower_secondary'],
    ['Liceal', 'upper_secondary'],
    ['Primar', 'primary'],
    ['Fără școală', 'no_schooling'],
  ];
  const found = prefixes.find(([prefix]) => label.startsWith(prefix));
  if (!found) throw new Error(`fidelity-audit: no output code for education label ${JSON.stringify(label)}`);
  return found[1];
}

const LABOUR = { Employed: 'employed', 'Unemployed (ILO)': 'unemployed', 'Outside the labour force': 'inactive' };
export const labourCode = (label) => lookup(LABOUR, label, 'labour status');

const SECTOR = { Services: 'services', Agriculture: 'agriculture', Industry: 'industry', Construction: 'construction' };
export const sectorCode = (label) => lookup(SECTOR, label, 'sector');

const INACTIVITY = {
  Pensioners: 'pensioner',
  'Pupils and students': 'student',
  'Caring for family/household': 'family_care',
  'Other (residual)': 'other',
};
export const inactivityCode = (label) => lookup(INACTIVITY, label, 'inactivity reason');

/** The five languages the usual-language table names; everything else is its residual. */
export function usualLanguageCode(label) {
  return label.startsWith('Other') ? 'other_residual' : languageCode(label);
}

/** "15-24" → [15, 24]; "65+" → [65, Infinity]; "80+" → [80, Infinity]. */
export function ageBounds(label) {
  const open = /^(\d+)\+$/.exec(label);
  if (open) return [Number(open[1]), Infinity];
  const closed = /^(\d+)-(\d+)$/.exec(label);
  if (!closed) throw new Error(`fidelity-audit: not an age band ${JSON.stringify(label)}`);
  return [Number(closed[1]), Number(closed[2])];
}
