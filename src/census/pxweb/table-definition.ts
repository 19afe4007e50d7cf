/**
 * What the service needs to know about one PxWeb table: where it lives, how to build the query
 * from its metadata (mapping value codes to our categories), and how to turn the answer into our
 * census tables. Definitions are pure; the fetcher does the I/O.
 */
import type { CensusTable } from '../census-table.js';
import type { DimensionMapping } from './extract-cube.js';
import type { PxwebJsonResponse, PxwebMetadata, PxwebQueryBody } from './pxweb-schemas.js';
import { schemaDrift } from './schema-drift.js';

export interface PxwebQueryPlan {
  readonly body: PxwebQueryBody;
  readonly dimensions: readonly DimensionMapping[];
  /** YYYY-MM-DD the selected figures describe. */
  readonly reference_date: string;
  readonly title: string;
  /** How the value codes were mapped (by label, or by a documented code assumption). */
  readonly notes: readonly string[];
}

export interface PxwebTableContext {
  readonly fetchedAt: Date;
  /** The table URL the figures came from. */
  readonly url: string;
}

export interface PxwebTableDefinition {
  /** PxWeb table id without `.px`, e.g. `POP010200rcl`. */
  readonly pxweb_table: string;
  /** API path under the base URL. */
  readonly path: string;
  /** Our table ids it yields, the primary one first. */
  readonly table_ids: readonly string[];
  /** @throws ServiceError `PXWEB_SCHEMA_DRIFT` when the metadata no longer fits */
  planQuery(metadata: PxwebMetadata): PxwebQueryPlan;
  /** @throws ServiceError `PXWEB_SCHEMA_DRIFT` when the answer does not fit the plan */
  toTables(response: PxwebJsonResponse, plan: PxwebQueryPlan, context: PxwebTableContext): CensusTable[];
}

/** Lower-case ASCII with single spaces: `Bărbați ` → `barbati`. */
export function normaliseLabel(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A value's role, read from its label: one of our categories, the total, an aggregate we skip, or unknown. */
export type LabelClass = { readonly category: string } | 'total' | 'aggregate' | null;

export interface VariableRules {
  readonly expected: readonly string[];
  classify(label: string): LabelClass;
  /** Documented fallback when no label is recognised: value code → category or total. */
  readonly codeAssumption: ReadonlyMap<string, string | 'total'>;
  readonly assumptionSource: string;
}

/**
 * Maps one metadata variable to our categories by its labels (`valueTexts`); falls back to the
 * documented code assumption only when not a single category label is recognised (placeholder
 * texts), and says so in the returned note. Codes are never read as ages or numbers.
 */
export function mapVariable(
  metadata: PxwebMetadata,
  code: string,
  rules: VariableRules,
): { mapping: DimensionMapping; note: string | null } {
  const variable = metadata.variables.find((candidate) => candidate.code === code);
  if (variable === undefined) throw schemaDrift(`PxWeb table has no variable '${code}'`, { variable: code });
  const byCategory = new Map<string, string>();
  const totals = new Set<string>();
  const unknown: string[] = [];
  variable.values.forEach((value, index) => {
    const role = rules.classify(normaliseLabel(variable.valueTexts[index] ?? ''));
    if (role === 'total') totals.add(value);
    else if (role === null) unknown.push(value);
    else if (role !== 'aggregate') {
      if (byCategory.has(role.category)) throw schemaDrift(`${code}: two values are labelled as '${role.category}'`);
      byCategory.set(role.category, value);
    }
  });
  const complete = rules.expected.every((category) => byCategory.has(category));
  if (complete && unknown.length === 0) {
    const categories = new Map(rules.expected.map((category) => [byCategory.get(category) ?? '', category] as const));
    return { mapping: { code, categories, totals }, note: null };
  }
  if (byCategory.size === 0) return mapByAssumption(code, variable.values, totals, rules);
  const missing = rules.expected.filter((category) => !byCategory.has(category));
  throw schemaDrift(`${code}: cannot map values (unknown codes [${unknown.join(', ')}], no value for [${missing.join(', ')}])`, {
    variable: code,
    unknown_codes: unknown,
  });
}

function mapByAssumption(
  code: string,
  values: readonly string[],
  totalsByLabel: ReadonlySet<string>,
  rules: VariableRules,
): { mapping: DimensionMapping; note: string } {
  const totals = new Set(totalsByLabel);
  const byCategory = new Map<string, string>();
  for (const value of values) {
    const assumed = rules.codeAssumption.get(value);
    if (assumed === 'total') totals.add(value);
    else if (assumed !== undefined) byCategory.set(assumed, value);
    else if (!totals.has(value)) throw schemaDrift(`${code}: unknown value code '${value}' and unrecognised labels`, { variable: code });
  }
  const missing = rules.expected.filter((category) => !byCategory.has(category));
  if (missing.length > 0) throw schemaDrift(`${code}: no value code for [${missing.join(', ')}]`, { variable: code });
  const categories = new Map(rules.expected.map((category) => [byCategory.get(category) ?? '', category] as const));
  return {
    mapping: { code, categories, totals },
    note: `${code} labels were not recognised, so its codes were mapped by ${rules.assumptionSource} (unverified)`,
  };
}
