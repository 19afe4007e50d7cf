// docs/fields.md and the field dictionary cannot drift: every generated table equals what the
// dictionary renders now, and the example is a valid persona of the command the doc names
// (test/e2e/field-doc-example.test.ts runs that command and compares). docs/data.md#attribution
// holds the attribution every dataset card carries, word for word.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attributionMarkdown, NBS_CREDIT, SOURCE_LICENCE } from '../../src/census/attribution.js';
import { FIELD_DICTIONARY } from '../../src/domain/field-dictionary.js';
import { PersonaSchema } from '../../src/domain/persona.js';
import { exampleBlock, FIELD_DOC_BLOCKS, FIELD_DOC_EXAMPLE_ARGV } from '../../src/runs/field-doc.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const doc = read('docs/fields.md');

function generatedBlock(markdown: string, name: string): string | undefined {
  return new RegExp(`<!-- BEGIN GENERATED: ${name} -->\\n([\\s\\S]*?)\\n<!-- END GENERATED: ${name} -->`).exec(markdown)?.[1];
}

describe('docs/fields.md', () => {
  it.each(Object.keys(FIELD_DOC_BLOCKS))('has the generated block "%s" as the dictionary renders it (run scripts/gen-field-doc.mjs)', (name) => {
    expect(generatedBlock(doc, name)).toBe(FIELD_DOC_BLOCKS[name]?.());
  });

  it('lists every field of the dictionary once in its fields table', () => {
    const rows = (generatedBlock(doc, 'fields') ?? '').split('\n').slice(2);
    expect(rows.map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1])).toEqual(FIELD_DICTIONARY.map((entry) => entry.path));
  });

  it('shows one persona of the named command, labelled synthetic, valid against PersonaSchema', () => {
    const block = generatedBlock(doc, 'example') ?? '';
    expect(block).toContain(`\`moldova-personas ${FIELD_DOC_EXAMPLE_ARGV.join(' ')}\``);
    expect(block).toContain('**synthetic**');
    const json = /```json\n([\s\S]*)\n```$/.exec(block)?.[1] ?? '';
    const persona = PersonaSchema.parse(JSON.parse(json));
    // The command asks for traits and template narratives: the example shows them.
    expect(persona.traits).toBeDefined();
    expect(persona.narrative).toMatchObject({ status: 'template', source: 'template' });
    expect(persona.age).toBeGreaterThanOrEqual(18);
    expect(block).toBe(exampleBlock(JSON.stringify(persona)));
  });
});

describe('docs/data.md#attribution', () => {
  it('holds the attribution of src/census/attribution.ts word for word', () => {
    const section = read('docs/data.md').split('\n## Attribution\n')[1] ?? '';
    expect(section).toContain(attributionMarkdown());
    expect(section).toContain(`> ${NBS_CREDIT}`);
    expect(section).toContain(SOURCE_LICENCE.url);
  });
});
