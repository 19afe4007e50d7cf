// The field dictionary against the persona schema it describes (both directions, types, codes,
// universes) and against the declared census tables it names.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TABLE_SPECS } from '../../../src/census/table-specs.js';
import { FIELD_CODES } from '../../../src/domain/categories.js';
import { FIELD_DICTIONARY, fieldDescription, fieldEntry } from '../../../src/domain/field-dictionary.js';
import { COMPARED_FIELDS, FIELD_MIN_AGE } from '../../../src/domain/fields.js';
import { PersonaSchema } from '../../../src/domain/persona.js';

interface Node {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  anyOf?: Node[];
  items?: Node;
  properties?: Record<string, Node>;
  description?: string;
}

const SCHEMA = z.toJSONSchema(PersonaSchema) as Node;

/** Every property of the schema by dotted path, parents before their children, in key order. */
function paths(node: Node, prefix = ''): [string, Node][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]): [string, Node][] => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [[path, child], ...paths(child, path)];
  });
}

/** The type a reader sees, from the JSON Schema alone. */
function typeOf(node: Node): string {
  if (node.anyOf) {
    const [value, ...rest] = node.anyOf.filter((option) => option.type !== 'null');
    expect(rest).toEqual([]);
    return `${typeOf(value!)} | null`;
  }
  if (node.type === 'string' && node.enum) return 'string (code)';
  if (node.type === 'string' && node.format === 'uuid') return 'string (uuid)';
  if (Array.isArray(node.type)) {
    const [value, ...rest] = node.type.filter((type) => type !== 'null');
    expect(rest).toEqual([]);
    return `${typeOf({ ...node, type: value! })} | null`;
  }
  if (node.type === 'array') return `array of ${typeOf(node.items!)}`;
  return node.type ?? '?';
}

const SCHEMA_PATHS = paths(SCHEMA);

describe('FIELD_DICTIONARY', () => {
  it('has one entry for every field of PersonaSchema, nested ones too, in record order, and no other', () => {
    expect(FIELD_DICTIONARY.map((entry) => entry.path)).toEqual(SCHEMA_PATHS.map(([path]) => path));
    expect(SCHEMA_PATHS.length).toBeGreaterThan(Object.keys(PersonaSchema.shape).length);
  });

  it('states each field\'s type as the schema has it', () => {
    for (const [path, node] of SCHEMA_PATHS) expect(fieldEntry(path).type, path).toBe(typeOf(node));
  });

  it('names the codes of each categorical field, which are the schema\'s enum', () => {
    for (const [path, node] of SCHEMA_PATHS) {
      const entry = fieldEntry(path);
      const values = node.enum ?? node.anyOf?.find((option) => option.enum)?.enum;
      if (entry.codes === null) expect((COMPARED_FIELDS as readonly string[]).includes(path), path).toBe(false);
      else expect(values, path).toEqual(FIELD_CODES[entry.codes]);
    }
  });

  it('gives the compared fields their FIELD_MIN_AGE, and says null below it for the fields with an age floor', () => {
    for (const field of COMPARED_FIELDS) {
      const entry = fieldEntry(field);
      expect(entry.min_age, field).toBe(FIELD_MIN_AGE[field]);
      if (FIELD_MIN_AGE[field] > 0) expect(entry.type, field).toMatch(/\| null$/);
    }
    expect(fieldEntry('marital_status').universe).toBe('persons aged 15+; null below 15');
    expect(fieldEntry('education_level').universe).toBe('persons aged 10+; null below 10');
  });

  it('names only declared tables that a run reads: modelled ones as modelled, the others as official or secondary', () => {
    const specs = new Map<string, (typeof TABLE_SPECS)[number]>(TABLE_SPECS.map((spec) => [spec.id, spec]));
    for (const entry of FIELD_DICTIONARY) {
      for (const id of entry.source_tables) {
        expect(specs.get(id)?.expected_provenance, `${entry.path}: ${id}`).toMatch(/^(official_snapshot|secondary)$/);
        expect(specs.get(id)?.used_by.length, `${entry.path}: ${id}`).toBeGreaterThan(0);
      }
      for (const id of entry.modelled_tables) expect(specs.get(id)?.expected_provenance, `${entry.path}: ${id}`).toBe('modelled');
    }
  });

  it('calls calibrated only the fields that name an official table, and every field has a meaning and a method', () => {
    for (const entry of FIELD_DICTIONARY) {
      if (entry.production === 'calibrated') expect(entry.source_tables.length, entry.path).toBeGreaterThan(0);
      expect(entry.meaning.length, entry.path).toBeGreaterThan(10);
      expect(entry.produced.length, entry.path).toBeGreaterThan(5);
    }
  });

  it('is what the OpenAPI Persona schema describes each field with', () => {
    for (const [path, node] of SCHEMA_PATHS) expect(node.description, path).toBe(fieldDescription(path));
    expect(fieldDescription('marital_status')).toContain('Present for: persons aged 15+');
    expect(fieldDescription('sex')).not.toContain('Present for');
  });

  it('refuses a path it has no entry for', () => {
    expect(() => fieldEntry('occupation')).toThrow(/no entry for occupation/);
  });
});
