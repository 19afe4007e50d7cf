/**
 * The flat columns of the tabular dataset formats (CSV, Parquet), one table for both: the persona
 * fields in `PERSONA_FIELDS` order, with `traits` flattened to five `traits_<name>` columns.
 */
import { PERSONA_FIELDS, type Persona, type Traits, TraitsSchema } from '../domain/persona.js';

/** The Big Five trait names in schema order. */
export const TRAIT_FIELDS = Object.keys(TraitsSchema.shape) as (keyof Traits)[];

/** One flat column: the persona field it holds and, for a trait column, the trait. */
export interface DatasetColumn {
  readonly name: string;
  readonly field: keyof Persona;
  readonly trait?: keyof Traits;
}

export const DATASET_COLUMNS: readonly DatasetColumn[] = PERSONA_FIELDS.flatMap((field): DatasetColumn[] =>
  field === 'traits' ? TRAIT_FIELDS.map((trait) => ({ name: `traits_${trait}`, field, trait })) : [{ name: field, field }],
);

/** The CSV header (and the Parquet column names). */
export const CSV_COLUMNS: readonly string[] = DATASET_COLUMNS.map((column) => column.name);
