/**
 * Template narrative throughput over 1,000 varied personas: composing the eight sections alone,
 * the default provider path (compose + whole contract + PII) and the `guards` path. Run with
 * `npx vitest bench --run bench/narratives-template.bench.ts`; hz × 1,000 = personas/s.
 */
import fc from 'fast-check';
import { bench, describe } from 'vitest';
import { composeTemplateSections, templateNarrative } from '../src/narratives/providers/template.js';
import { personaArbitrary } from '../test/fixtures/personas.js';

const personas = fc.sample(personaArbitrary(), { numRuns: 1_000, seed: 20_240_408 });

describe('template narratives, 1,000 personas per iteration', () => {
  bench('compose only', () => {
    for (const persona of personas) composeTemplateSections(persona, 42);
  });
  bench('compose + full contract + PII (default)', () => {
    for (const persona of personas) templateNarrative(persona, 42);
  });
  bench("compose + guards: lengths, name, PII (checks: 'guards')", () => {
    for (const persona of personas) templateNarrative(persona, 42, { checks: 'guards' });
  });
});
