// Writes data/census/modelled/*.json: the model assumptions for the documented data gaps
// (SPEC §3.4). Every figure here is an assumption, labelled `modelled` with its method; none is
// presented as official. The engine rakes each conditional table to the official margin of its
// universe before sampling (docs/method.md), so these shapes set only the age/sex structure.
// Run: node scripts/modelled-tables.mjs  (reads the single-age estimate from the reference copy in
// test/reference only to solve the one free parameter of the sex-by-age model).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const OUT = new URL('../data/census/modelled/', import.meta.url);
mkdirSync(OUT, { recursive: true });

const AGE_GROUPS = ['0-4', '5-9', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54',
  '55-59', '60-64', '65-69', '70-74', '75-79', '80-84', '85+'];
const SOURCE = (title, reference) => ({
  publisher: 'moldova-personas (model assumption, not an NBS figure)',
  title,
  table_id: 'modelled',
  url: 'docs/data.md#modelled-tables',
  reference_date: reference,
});

function write(table) {
  // Rows outside the table's universe (e.g. marital status under 15) are null: not applicable.
  if (table.values.includes(null)) {
    table.partial = true;
    table.notes = 'null cells are rows outside the universe (not applicable), not missing figures';
  }
  writeFileSync(new URL(`${table.id}.json`, OUT), `${JSON.stringify(table, null, 2)}\n`);
}

function round(value) {
  return Math.round(value * 1e6) / 1e6;
}

function common(id, title, method, reference, universeMinAge, universe) {
  return {
    id,
    title,
    universe,
    universe_min_age: universeMinAge,
    source: SOURCE(title, reference),
    retrieved: '2026-11-24',
    trust: 'C',
    provenance: 'modelled',
    periodic: false,
    transform: 'none (model output)',
    method,
  };
}

// --- sex by age: female share flat at 100/206 (sex ratio at birth ~106) up to 30-34, then rising
// linearly to an 85+ value solved so the national female share equals the census 52.8%.
const ageSingle = JSON.parse(
  readFileSync(new URL('../test/reference/census/age_single_year_2024-01-01_estimate.json', import.meta.url), 'utf8'),
).values;
const bandMass = AGE_GROUPS.map((_, b) => ageSingle.reduce((sum, v, a) => sum + (Math.min(17, Math.floor(a / 5)) === b ? v : 0), 0));
const totalMass = bandMass.reduce((a, b) => a + b, 0);
const birth = 100 / 206;
const femaleShareAt = (b, top) => (b <= 6 ? birth : birth + ((top - birth) * (b - 6)) / 11);
let lo = birth;
let hi = 0.95;
for (let i = 0; i < 100; i += 1) {
  const mid = (lo + hi) / 2;
  const share = bandMass.reduce((sum, m, b) => sum + m * femaleShareAt(b, mid), 0) / totalMass;
  if (share < 0.528) lo = mid;
  else hi = mid;
}
const top = (lo + hi) / 2;
write({
  ...common(
    'sex_by_age_modelled',
    'Female and male shares by five-year age group (model)',
    `Female share 100/206 (sex ratio at birth about 106) through age 34, rising linearly to ${round(top)} at 85+, the one free parameter solved so that the age structure of the 1 Jan 2024 estimate gives the census female share of 52.8%.`,
    '2024-04-08',
    0,
    'usual residents, all ages',
  ),
  variables: ['age_group', 'sex'],
  categories: [AGE_GROUPS, ['female', 'male']],
  values: AGE_GROUPS.flatMap((_, b) => [round(femaleShareAt(b, top)), round(1 - femaleShareAt(b, top))]),
  measure: 'row_share',
});

// --- single ages inside 85+: geometric decline by a factor 0.8 per year of age, to age 100.
const ratio = 0.8;
const weights = Array.from({ length: 16 }, (_, k) => ratio ** k);
const weightSum = weights.reduce((a, b) => a + b, 0);
write({
  ...common(
    'age_85_plus_modelled',
    'Single ages within the open group 85+ (model)',
    'Persons aged 85+ spread over ages 85..100 with each year of age 0.8 times the previous one (a geometric survivorship assumption; no official single-age figures above 84).',
    '2024-01-01',
    85,
    'usual residents aged 85 and over',
  ),
  variables: ['age_85_plus'],
  categories: [Array.from({ length: 16 }, (_, k) => String(85 + k))],
  values: weights.map((w) => round(w / weightSum)),
  measure: 'share',
});

// --- marital status by sex and age: ever-married E, widowed W and divorced V shares of the
// ever-married, by age group (assumed schedules; raked to the census 15+ margin at run time).
// Assumption: nobody under 20 is widowed. W is 0 in 15-19 (for both sexes, the male schedule being
// a third of the female one), so the ever-married of that band are married or divorced; raking
// multiplies cells and keeps that zero, so no persona aged 15-19 is drawn widowed.
const ever = {
  female: [0, 0, 0, 0.04, 0.35, 0.65, 0.8, 0.86, 0.89, 0.92, 0.92, 0.92, 0.92, 0.92, 0.92, 0.92, 0.92, 0.92],
  male: [0, 0, 0, 0.005, 0.13, 0.45, 0.68, 0.8, 0.85, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89],
};
const widowedFemale = [0, 0, 0, 0, 0.003, 0.004, 0.005, 0.008, 0.02, 0.04, 0.07, 0.12, 0.19, 0.28, 0.4, 0.55, 0.68, 0.8];
const divorcedFemale = [0, 0, 0, 0.02, 0.05, 0.1, 0.14, 0.17, 0.17, 0.17, 0.17, 0.17, 0.14, 0.14, 0.12, 0.1, 0.1, 0.1];
const marital = [];
for (const sex of ['female', 'male']) {
  AGE_GROUPS.forEach((_, b) => {
    if (b < 3) {
      marital.push(null, null, null, null);
      return;
    }
    const e = ever[sex][b];
    const w = sex === 'female' ? widowedFemale[b] : widowedFemale[b] / 3;
    const v = sex === 'female' ? divorcedFemale[b] : divorcedFemale[b] * 0.75;
    // never married 1 − E, married E(1 − W)(1 − V), widowed E·W, divorced E(1 − W)V: the row sums
    // to 1 for any W, so W = 0 moves its share to married and divorced in proportion (renormalised).
    const row = [1 - e, e * (1 - w) * (1 - v), e * w, e * (1 - w) * v];
    const sum = row.reduce((a, x) => a + x, 0);
    marital.push(...row.map((x) => round(x / sum)));
  });
}
write({
  ...common(
    'marital_by_sex_age_modelled',
    'Legal marital status by sex and five-year age group (model)',
    'Assumed age schedules of ever-married, widowed and divorced shares by sex (women marry younger and are widowed more often), raked at run time to the census 2024 marital-status distribution of the population 15+; widowed share 0 at 15-19 (assumption: nobody under 20 is widowed); null under 15 (not applicable).',
    '2024-04-08',
    15,
    'usual residents aged 15 and over',
  ),
  variables: ['sex', 'age_group', 'marital_status'],
  categories: [['female', 'male'], AGE_GROUPS, ['never_married', 'married', 'widowed', 'divorced']],
  values: marital,
  measure: 'row_share',
});

// --- education by age: assumed attainment shapes by age group, raked at run time to the census
// 10+ structure; exact-age feasibility (e.g. no tertiary under 19) is enforced by the engine.
const education = {
  '10-14': [0.35, 0.65, 0, 0, 0, 0],
  '15-19': [0.01, 0.1, 0.55, 0.14, 0.2, 0],
  '20-24': [0.005, 0.02, 0.15, 0.28, 0.3, 0.245],
  '25-29': [0.005, 0.02, 0.13, 0.17, 0.33, 0.345],
  '30-34': [0.005, 0.02, 0.14, 0.13, 0.35, 0.355],
  '35-39': [0.005, 0.03, 0.16, 0.11, 0.4, 0.295],
  '40-44': [0.005, 0.03, 0.16, 0.11, 0.4, 0.295],
  '45-49': [0.008, 0.03, 0.18, 0.1, 0.45, 0.232],
  '50-54': [0.008, 0.03, 0.18, 0.1, 0.45, 0.232],
  '55-59': [0.01, 0.05, 0.2, 0.1, 0.45, 0.19],
  '60-64': [0.01, 0.05, 0.2, 0.1, 0.45, 0.19],
  '65-69': [0.03, 0.15, 0.3, 0.08, 0.3, 0.14],
  '70-74': [0.03, 0.15, 0.3, 0.08, 0.3, 0.14],
  '75-79': [0.08, 0.35, 0.3, 0.05, 0.15, 0.07],
  '80-84': [0.08, 0.35, 0.3, 0.05, 0.15, 0.07],
  '85+': [0.08, 0.35, 0.3, 0.05, 0.15, 0.07],
};
write({
  ...common(
    'education_by_age_modelled',
    'Completed education level by five-year age group (model)',
    'Assumed attainment shapes by age group (younger cohorts more often tertiary, older ones more often primary), raked at run time to the census 2024 education structure of the population 10+; null under 10.',
    '2024-04-08',
    10,
    'usual residents aged 10 and over',
  ),
  variables: ['age_group', 'education_level'],
  categories: [AGE_GROUPS, ['no_schooling', 'primary', 'lower_secondary', 'upper_secondary', 'vocational', 'tertiary']],
  values: AGE_GROUPS.flatMap((g) => education[g] ?? [null, null, null, null, null, null]),
  measure: 'row_share',
});

// --- labour-force status by sex and age: assumed employment and unemployment rates by age group,
// raked at run time to the LFS 2024 15+ distribution; null under 15.
const employed = {
  female: [0, 0, 0, 0.03, 0.28, 0.5, 0.57, 0.62, 0.64, 0.64, 0.6, 0.5, 0.25, 0.1, 0.05, 0.02, 0.02, 0.01],
  male: [0, 0, 0, 0.05, 0.38, 0.6, 0.64, 0.64, 0.64, 0.62, 0.58, 0.52, 0.38, 0.13, 0.06, 0.02, 0.02, 0.01],
};
const unemployed = {
  female: [0, 0, 0, 0.01, 0.03, 0.03, 0.025, 0.02, 0.02, 0.02, 0.015, 0.015, 0.005, 0, 0, 0, 0, 0],
  // Men 65+: the LFS counts 0.2k unemployed (women 65+: '-', none), so the model leaves them room.
  male: [0, 0, 0, 0.015, 0.05, 0.04, 0.035, 0.03, 0.03, 0.025, 0.02, 0.02, 0.01, 0.002, 0.001, 0, 0, 0],
};
const labour = [];
for (const sex of ['female', 'male']) {
  AGE_GROUPS.forEach((_, b) => {
    if (b < 3) labour.push(null, null, null);
    else labour.push(employed[sex][b], unemployed[sex][b], round(1 - employed[sex][b] - unemployed[sex][b]));
  });
}
write({
  ...common(
    'employment_by_sex_age_modelled',
    'ILO labour-force status by sex and five-year age group (model)',
    'Assumed employment and unemployment rates by sex and age group (shaped after the LFS 2024 rates for ages 20-64 by sex, which are single-source), raked at run time to the LFS 2024 distribution of the population 15+; null under 15.',
    '2024',
    15,
    'population aged 15 and over',
  ),
  variables: ['sex', 'age_group', 'employment_status'],
  categories: [['female', 'male'], AGE_GROUPS, ['employed', 'unemployed', 'inactive']],
  values: labour,
  measure: 'row_share',
});

// --- reason for inactivity by age: assumed shapes (students young, pensioners old), raked at run
// time to the LFS 2024 distribution of reasons among the inactive 15+.
const inactivity = {
  '15-19': [0.01, 0.88, 0.02, 0.09],
  '20-24': [0.02, 0.5, 0.12, 0.36],
  '25-29': [0.03, 0.1, 0.3, 0.57],
  '30-34': [0.05, 0.02, 0.33, 0.6],
  '35-39': [0.05, 0.02, 0.33, 0.6],
  '40-44': [0.05, 0.02, 0.33, 0.6],
  '45-49': [0.1, 0, 0.25, 0.65],
  '50-54': [0.1, 0, 0.25, 0.65],
  '55-59': [0.3, 0, 0.15, 0.55],
  '60-64': [0.7, 0, 0.07, 0.23],
};
write({
  ...common(
    'inactivity_by_age_modelled',
    'Reason for being outside the labour force by five-year age group (model)',
    'Assumed shapes by age group (pupils and students young, pensioners from the late fifties on), raked at run time to the LFS 2024 distribution of reasons among the inactive 15+; null under 15.',
    '2024',
    15,
    'population aged 15 and over outside the labour force',
  ),
  variables: ['age_group', 'inactivity_reason'],
  categories: [AGE_GROUPS, ['pensioner', 'student', 'family_care', 'other']],
  values: AGE_GROUPS.flatMap((g, b) => (b < 3 ? [null, null, null, null] : (inactivity[g] ?? [0.93, 0, 0.02, 0.05]))),
  measure: 'row_share',
});
// --- sector of the employed by area and sex: assumed shapes (agriculture is mostly rural work; men
// more often in industry and construction), raked at run time to the LFS 2024 national sectors.
// No published cross-tab exists (docs/data.md, gaps); the national shares are the only official figure.
write({
  ...common(
    'sector_by_residence_sex_modelled',
    'Economic sector of the employed by area of residence and sex (model)',
    'Assumed sector shares by area and sex (agriculture mostly rural, industry and construction mostly men, services mostly urban), raked at run time to the LFS 2024 national sector distribution over the calibrated employed population.',
    '2024',
    15,
    'employed population aged 15 and over',
  ),
  variables: ['residence', 'sex', 'economic_sector'],
  categories: [['urban', 'rural'], ['female', 'male'], ['agriculture', 'industry', 'construction', 'services']],
  values: [
    0.03, 0.12, 0.01, 0.84, // urban women
    0.05, 0.18, 0.12, 0.65, // urban men
    0.3, 0.1, 0.01, 0.59, // rural women
    0.35, 0.14, 0.15, 0.36, // rural men
  ],
  measure: 'row_share',
});
process.stdout.write(`modelled tables written; sex-by-age top female share ${round(top)}\n`);
