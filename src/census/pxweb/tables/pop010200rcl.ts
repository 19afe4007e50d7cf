/**
 * PxWeb table POP010200rcl: usual-resident population at 1 January by year (`Ani`), sex (`Sexe`),
 * age (`Varste`) and area (`Medii`). It yields `age_sex_residence` (persons by single age × sex ×
 * area for the latest year) and its sum over sex and area, `age_single`, which then replaces the
 * embedded 1 January 2024 estimate.
 *
 * Value codes are mapped by their labels. `Varste` codes are NOT ages: code 101 is "under 1 year"
 * (age 0) and 102 is "85 and over"; reading them as numbers put age 0 into 65+ in the predecessor
 * (reference census/age_single_year_2024-01-01_estimate.json). The code assumptions below are used
 * only when the labels are unreadable, and the table's transform then says so.
 */
import type { CensusTable } from '../../census-table.js';
import { AGE_SINGLE_CODES } from '../../domains.js';
import { RESIDENCES, SEXES } from '../../../domain/categories.js';
import { buildQueryBody, extractCube, type DimensionMapping } from '../extract-cube.js';
import { schemaDrift } from '../schema-drift.js';
import {
  mapVariable,
  type LabelClass,
  type PxwebQueryPlan,
  type PxwebTableContext,
  type PxwebTableDefinition,
  type VariableRules,
} from '../table-definition.js';
import type { PxwebJsonResponse, PxwebMetadata } from '../pxweb-schemas.js';

const PREDECESSOR = "the predecessor's code table (pxweb_fetcher.py)";

const SEX_RULES: VariableRules = {
  expected: SEXES,
  classify(label): LabelClass {
    if (/^(total|ambele sexe|both sexes)/.test(label)) return 'total';
    if (/^(feminin|femei|femeie|female|females|women|woman)$/.test(label)) return { category: 'female' };
    if (/^(masculin|barbati|barbat|male|males|men|man)$/.test(label)) return { category: 'male' };
    return null;
  },
  codeAssumption: new Map([
    ['0', 'total'],
    ['1', 'male'],
    ['2', 'female'],
  ]),
  assumptionSource: `${PREDECESSOR}: 1 = male, 2 = female, 0 = total`,
};

const RESIDENCE_RULES: VariableRules = {
  expected: RESIDENCES,
  classify(label): LabelClass {
    if (/^total/.test(label)) return 'total';
    if (/^urban/.test(label)) return { category: 'urban' };
    if (/^rural/.test(label)) return { category: 'rural' };
    return null;
  },
  codeAssumption: new Map([
    ['0', 'total'],
    ['1', 'urban'],
    ['2', 'rural'],
  ]),
  assumptionSource: `${PREDECESSOR}: 1 = urban, 2 = rural, 0 = total`,
};

const AGE_RULES: VariableRules = {
  expected: AGE_SINGLE_CODES,
  classify(label): LabelClass {
    if (/^(total|toate varstele|all ages)/.test(label)) return 'total';
    if (/^(sub|pina la|pana la|under|less than) (1|un|one) (an|year)/.test(label)) return { category: '0' };
    const open = /^(\d{1,3}) ?(\+|(de )?ani (si|sau) (peste|mai mult|mai in virsta|mai in varsta)|years (and|or) (over|older))$/.exec(label);
    if (open) return open[1] === '85' ? { category: '85+' } : 'aggregate';
    const single = /^(\d{1,3})( (an|ani|de ani|year|years))?$/.exec(label);
    if (single) return Number(single[1]) <= 84 ? { category: String(Number(single[1])) } : 'aggregate';
    if (/^\d{1,3} ?- ?\d{1,3}/.test(label)) return 'aggregate';
    return null;
  },
  codeAssumption: new Map<string, string>([
    ['101', '0'],
    ...Array.from({ length: 84 }, (_, index) => [String(index + 1), String(index + 1)] as [string, string]),
    ['102', '85+'],
  ]),
  assumptionSource: 'the reference mapping (101 = age 0, 1..84 = ages, 102 = 85+; deduced from published aggregates)',
};

function latestYear(metadata: PxwebMetadata): { mapping: DimensionMapping; year: string } {
  const variable = metadata.variables.find((candidate) => candidate.code === 'Ani');
  if (variable === undefined) throw schemaDrift("PxWeb table has no variable 'Ani'", { variable: 'Ani' });
  const years = variable.values.filter((value) => /^\d{4}$/.test(value)).sort();
  const year = years.at(-1);
  if (year === undefined) throw schemaDrift(`Ani has no year values: [${variable.values.join(', ')}]`);
  return { mapping: { code: 'Ani', categories: new Map([[year, year]]), totals: new Set() }, year };
}

function planQuery(metadata: PxwebMetadata): PxwebQueryPlan {
  const { mapping: years, year } = latestYear(metadata);
  const mapped = [
    mapVariable(metadata, 'Sexe', SEX_RULES),
    mapVariable(metadata, 'Varste', AGE_RULES),
    mapVariable(metadata, 'Medii', RESIDENCE_RULES),
  ];
  const dimensions = [years, ...mapped.map((entry) => entry.mapping)];
  const notes = mapped.flatMap((entry) => (entry.note === null ? [] : [entry.note]));
  return { body: buildQueryBody(dimensions), dimensions, reference_date: `${year}-01-01`, title: metadata.title, notes };
}

function mappingText(plan: PxwebQueryPlan): string {
  const age = plan.dimensions.find((dimension) => dimension.code === 'Varste');
  const codeOf = (category: string): string =>
    [...(age?.categories ?? new Map<string, string>())].find(([, ours]) => ours === category)?.[0] ?? '?';
  const how = plan.notes.length === 0 ? 'mapped by their labels (valueTexts)' : plan.notes.join('; ');
  return (
    `PxWeb value codes ${how}; Varste code ${codeOf('0')} = age 0 and code ${codeOf('85+')} = 85 and over ` +
    '(codes are never read as ages). Only category codes were queried; total rows, if sent, were checked against ' +
    'their categories and dropped, never added.'
  );
}

function toTables(response: PxwebJsonResponse, plan: PxwebQueryPlan, context: PxwebTableContext): CensusTable[] {
  const values = extractCube(response, plan.dimensions, [
    { dimension: 'Varste', order: AGE_SINGLE_CODES },
    { dimension: 'Sexe', order: SEXES },
    { dimension: 'Medii', order: RESIDENCES },
  ]);
  const perAge = SEXES.length * RESIDENCES.length;
  const ageTotals = AGE_SINGLE_CODES.map((_, age) =>
    values.slice(age * perAge, (age + 1) * perAge).reduce((sum, count) => sum + count, 0),
  );
  const common = {
    measure: 'counts' as const,
    unit_multiplier: 1 as const,
    universe: `usual residents, all ages, at ${plan.reference_date} (NBS annual estimate)`,
    universe_min_age: 0,
    source: {
      publisher: 'National Bureau of Statistics of the Republic of Moldova (NBS)',
      title: plan.title.trim() === '' ? 'Usual resident population by age, sex and area, at 1 January' : plan.title,
      table_id: 'POP010200rcl.px',
      url: context.url,
      reference_date: plan.reference_date,
    },
    retrieved: context.fetchedAt.toISOString().slice(0, 10),
    trust: 'A-' as const,
    provenance: 'official_snapshot' as const,
    periodic: true,
  };
  return [
    {
      id: 'age_sex_residence',
      title: `Usual residents by single year of age, sex and area at ${plan.reference_date}`,
      variables: ['age_single', 'sex', 'residence'],
      categories: [[...AGE_SINGLE_CODES], [...SEXES], [...RESIDENCES]],
      values,
      ...common,
      transform: mappingText(plan),
    },
    {
      id: 'age_single',
      title: `Usual residents by single year of age at ${plan.reference_date}`,
      variables: ['age_single'],
      categories: [[...AGE_SINGLE_CODES]],
      values: ageTotals,
      ...common,
      transform: `Sum over sex and area of age_sex_residence. ${mappingText(plan)}`,
    },
  ];
}

export const POP010200RCL: PxwebTableDefinition = {
  pxweb_table: 'POP010200rcl',
  path: '20 Populatia si procesele demografice/POP010/POPro/POP010200rcl.px',
  table_ids: ['age_sex_residence', 'age_single'],
  planQuery,
  toTables,
};
