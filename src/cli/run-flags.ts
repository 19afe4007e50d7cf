/**
 * From `generate` flags to a run request, checked by the very schema `POST /v1/runs` uses
 * (`runRequestSchema(MAX_N)`), so the CLI and the API accept exactly the same requests. Problems
 * are reported by flag name (`-n/--n`, `--narratives`), not by request field.
 */
import { z } from 'zod';
import { DATASET_FORMATS, type DatasetFormat } from '../runs/dataset-formats.js';
import { runRequestSchema, type RunRequest } from '../runs/run-request.js';
import type { ParsedValues } from './command.js';

/** The flags of `generate` (parseArgs options) that make up the request. */
export const REQUEST_OPTIONS = {
  n: { type: 'string', short: 'n' },
  profile: { type: 'string', short: 'p' },
  seed: { type: 'string', short: 's' },
  scope: { type: 'string' },
  traits: { type: 'boolean' },
  'no-ipf': { type: 'boolean' },
  strict: { type: 'boolean' },
  'no-strict': { type: 'boolean' },
  narratives: { type: 'string' },
  // The condition (`where`): comma-separated codes, and an age range MIN-MAX (either end may be left out).
  region: { type: 'string' },
  district: { type: 'string' },
  residence: { type: 'string' },
  sex: { type: 'string' },
  ethnicity: { type: 'string' },
  age: { type: 'string' },
} as const;

const WHERE_LIST_FLAGS = ['region', 'district', 'residence', 'sex', 'ethnicity'] as const;

/** Request field → the flag that sets it, for messages. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  n: '-n/--n',
  profile: '-p/--profile',
  seed: '-s/--seed',
  scope: '--scope',
  traits: '--traits',
  use_ipf: '--no-ipf',
  strict: '--strict/--no-strict',
  narratives: '--narratives',
};

export type FlagsResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

function text(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Numeric text as a number; anything else stays text so the schema reports it ("expected number"). */
function numberOrText(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  const value = Number(trimmed);
  return trimmed !== '' && Number.isFinite(value) ? value : raw;
}

/** The request body the flags spell, before validation (what the manifest records as received). */
export function requestBodyOf(values: ParsedValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const set = (field: string, value: unknown) => {
    if (value !== undefined) body[field] = value;
  };
  set('n', numberOrText(text(values, 'n')));
  set('profile', text(values, 'profile'));
  set('seed', numberOrText(text(values, 'seed')));
  set('strict', values['strict'] === true ? true : values['no-strict'] === true ? false : undefined);
  set('scope', text(values, 'scope'));
  set('use_ipf', values['no-ipf'] === true ? false : undefined);
  set('traits', values['traits'] === true ? true : undefined);
  const narratives = text(values, 'narratives');
  set('narratives', narratives === undefined ? undefined : { provider: narratives });
  const where: Record<string, unknown> = {};
  for (const flag of WHERE_LIST_FLAGS) {
    const list = text(values, flag);
    if (list !== undefined) where[flag] = list.split(',').map((code) => code.trim());
  }
  const age = text(values, 'age');
  if (age !== undefined) where['age'] = ageRangeOf(age);
  set('where', Object.keys(where).length > 0 ? where : undefined);
  return body;
}

/** `18-35`, `18-`, `-35` or `40` as {min, max}; other text is passed on for the schema to refuse. */
function ageRangeOf(raw: string): Record<string, unknown> {
  const match = /^\s*(\d*)\s*(-?)\s*(\d*)\s*$/.exec(raw);
  if (!match || (match[1] === '' && match[3] === '')) return { min: raw };
  const [, min, dash, max] = match;
  if (dash === '') return { min: Number(min), max: Number(min) };
  return { ...(min ? { min: Number(min) } : {}), ...(max ? { max: Number(max) } : {}) };
}

function describeIssue(issue: z.core.$ZodIssue, body: Record<string, unknown>): string {
  const field = String(issue.path[0] ?? '');
  // A condition's problem is named by its own flag (--region, --age, ...).
  const flag = field === 'where' && issue.path.length > 1 ? `--${String(issue.path[1])}` : (FLAG_OF_FIELD[field] ?? field);
  if (issue.path.length === 1 && body[field] === undefined) return `${flag} is required`;
  // --age is one flag for two fields: show it as it was given (MIN-MAX).
  const path = field === 'where' && issue.path[1] === 'age' ? issue.path.slice(0, 2) : issue.path;
  const given = path.reduce<unknown>(
    (value, key) => (typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined),
    body,
  );
  const shown = path.length === 2 && typeof given === 'object' && given !== null ? ageFlagText(given as { min?: unknown; max?: unknown }) : given;
  return `${flag} ${JSON.stringify(shown)}: ${issue.message}`;
}

/** The --age flag as the user wrote it, back from its {min, max} (text that did not parse is in min). */
function ageFlagText(age: { min?: unknown; max?: unknown }): string {
  if (typeof age.min === 'string') return age.min;
  return `${age.min === undefined ? '' : String(age.min)}-${age.max === undefined ? '' : String(age.max)}`;
}

/** Parses the request flags with the API's schema; problems name the flags. */
export function parseRequestFlags(values: ParsedValues, maxN: number): FlagsResult<{ request: RunRequest; body: Record<string, unknown> }> {
  const body = requestBodyOf(values);
  const problems: string[] = [];
  if (values['strict'] === true && values['no-strict'] === true) problems.push('--strict and --no-strict contradict each other');
  const parsed = runRequestSchema(maxN).safeParse(body);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, body)));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, value: { request: parsed.data, body } };
}

/** `--format`: ndjson (default), csv, json or parquet. */
export function parseFormatFlag(values: ParsedValues): FlagsResult<DatasetFormat> {
  const raw = text(values, 'format') ?? 'ndjson';
  const parsed = z.enum(DATASET_FORMATS).safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problems: [`--format ${JSON.stringify(raw)}: expected one of ${DATASET_FORMATS.join(', ')}`] };
}
