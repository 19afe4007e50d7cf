// docs/trust.md and the declared trust tables cannot drift: every generated block equals what
// the tables render now, every gate code has its section, and every section names a real code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRUST_DOC_BLOCKS } from '../../src/trust/doc-tables.js';
import { CONFIDENCE_FACTOR_NAMES, GATE_CODES, GATES, type GateDefinition } from '../../src/trust/gate-table.js';

const doc = readFileSync(new URL('../../docs/trust.md', import.meta.url), 'utf8');

function block(name: string): string | undefined {
  const match = new RegExp(`<!-- BEGIN GENERATED: ${name} -->\\n([\\s\\S]*?)\\n<!-- END GENERATED: ${name} -->`).exec(doc);
  return match?.[1];
}

describe('docs/trust.md', () => {
  it.each(Object.keys(TRUST_DOC_BLOCKS))('has the generated block "%s" as the tables render it (run scripts/gen-trust-doc.mjs)', (name) => {
    expect(block(name)).toBe(TRUST_DOC_BLOCKS[name]?.());
  });

  it('has a section for every gate code and no section for a code that does not exist', () => {
    const headed = [...doc.matchAll(/^#### ([A-Z_]+)$/gm)].map((match) => match[1]);
    expect(headed).toEqual(GATE_CODES);
  });

  it('lists, for each escalation priority below 10, exactly the gate codes of that priority', () => {
    const onCall = doc.slice(doc.indexOf('## 10. On-call'), doc.indexOf('## 11.'));
    const rows = [...onCall.matchAll(/^\| (\d+) \| ([^|]*) \|/gm)].map((match) => ({
      priority: Number(match[1]),
      codes: [...(match[2] ?? '').matchAll(/`([A-Z_]+)`/g)].map((code) => code[1]).sort(),
    }));
    expect(rows.map((row) => row.priority)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const row of rows.filter((entry) => entry.priority < 10)) {
      const declared = GATE_CODES.filter((code) => (GATES[code] as GateDefinition).priority === row.priority).sort();
      expect(row.codes).toEqual(declared);
    }
  });

  it('lists every confidence factor', () => {
    for (const factor of CONFIDENCE_FACTOR_NAMES) expect(block('confidence')).toContain(`\`${factor}\``);
  });
});
