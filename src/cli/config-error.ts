/**
 * Start-up configuration errors, told in a way an operator can act on: each bad variable, what
 * zod said about its value, and what the variable accepts (derived from its schema, so it never
 * disagrees with `loadConfig`). No stack trace: the fix is in the environment, not the code.
 */
import { z } from 'zod';
import { CONFIG_VARIABLES } from '../config/env.js';

type VariableName = keyof typeof CONFIG_VARIABLES;

interface JsonSchemaFacts {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly format?: string;
  readonly anyOf?: readonly JsonSchemaFacts[];
  readonly const?: unknown;
  readonly minLength?: number;
}

function describeSchema(facts: JsonSchemaFacts): string {
  if (facts.enum !== undefined) return `one of ${facts.enum.map(String).join(', ')}`;
  if (facts.anyOf !== undefined) return facts.anyOf.map(describeSchema).join(' or ');
  if (facts.const === '') return 'empty';
  if (facts.format === 'uri') return 'a URL';
  if (facts.type === 'integer' || facts.type === 'number') {
    const noun = facts.type === 'integer' ? 'an integer' : 'a number';
    const low = facts.minimum !== undefined ? `≥ ${facts.minimum}` : facts.exclusiveMinimum !== undefined ? `> ${facts.exclusiveMinimum}` : undefined;
    const high = facts.maximum !== undefined ? `≤ ${facts.maximum}` : undefined;
    return [noun, [low, high].filter((part) => part !== undefined).join(' and ')].filter(Boolean).join(' ');
  }
  return facts.minLength !== undefined && facts.minLength > 0 ? 'non-empty text' : 'text';
}

/** "an integer ≥ 0 and ≤ 65535", "one of off, cache, live", "a URL or empty". */
export function allowedValuesOf(name: VariableName): string {
  const facts = z.toJSONSchema(CONFIG_VARIABLES[name].schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaFacts;
  return describeSchema(facts);
}

/** The variables whose (non-empty) value their schema rejects, in table order. */
export function invalidVariables(env: Readonly<Record<string, string | undefined>>): VariableName[] {
  return (Object.keys(CONFIG_VARIABLES) as VariableName[]).filter((name) => {
    const value = env[name];
    return value !== undefined && value !== '' && !CONFIG_VARIABLES[name].schema.safeParse(value).success;
  });
}

/** The text printed on stderr: loadConfig's message, then what each bad variable accepts. */
export function formatConfigError(message: string, env: Readonly<Record<string, string | undefined>>): string {
  const hints = invalidVariables(env).map(
    (name) => `  ${name} accepts ${allowedValuesOf(name)}: ${CONFIG_VARIABLES[name].doc}`,
  );
  return [`moldova-personas: ${message}`, ...hints, 'See "Configuration" in README.md.', ''].join('\n');
}
