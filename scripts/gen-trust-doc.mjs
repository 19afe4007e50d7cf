// Rewrites the generated blocks of docs/trust.md from the declared tables in src/trust.
// Run after a build: `npm run build && node scripts/gen-trust-doc.mjs`. The contract test
// test/contract/trust-doc.test.ts fails whenever the doc and the tables differ.
import { readFileSync, writeFileSync } from 'node:fs';

const { TRUST_DOC_BLOCKS } = await import('../dist/trust/doc-tables.js');
const path = new URL('../docs/trust.md', import.meta.url);
let text = readFileSync(path, 'utf8');
for (const [name, render] of Object.entries(TRUST_DOC_BLOCKS)) {
  const pattern = new RegExp(`(<!-- BEGIN GENERATED: ${name} -->)[\\s\\S]*?(<!-- END GENERATED: ${name} -->)`);
  if (!pattern.test(text)) throw new Error(`docs/trust.md has no GENERATED block named ${name}`);
  text = text.replace(pattern, (_match, begin, end) => `${begin}\n${render()}\n${end}`);
}
writeFileSync(path, text);
console.log('docs/trust.md: generated blocks rewritten');
