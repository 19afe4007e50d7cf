/**
 * generateNarratives over many personas (issue #14, item 1): a bounded window of narratives in
 * flight (not one promise per persona at once), input order kept, one persona's failure kept to
 * that persona, and a prompt stop on cancellation. The provider here is a test double of the
 * `NarrativeProvider` interface that answers after a macrotask.
 */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/errors.js';
import type { Persona } from '../../../src/domain/persona.js';
import { generateNarratives, type NarrativeProvider, type NarrativeResult } from '../../../src/narratives/provider.js';
import { makePersona } from '../../fixtures/personas.js';

/** Answers every persona after `setImmediate`, recording how many were in flight at most. */
function countingProvider(fail?: (persona: Persona) => boolean) {
  const state = { inFlight: 0, maxInFlight: 0, started: 0 };
  const provider: NarrativeProvider = {
    name: 'llm',
    promptVersion: 'test',
    generateNarrative: async (persona, context) => {
      state.started += 1;
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        if (context.signal?.aborted) throw new ServiceError('RUN_CANCELLED', 'cancelled');
        if (fail?.(persona)) throw new RangeError('Maximum call stack size exceeded');
        const result: NarrativeResult = {
          narrative: { status: 'failed', source: 'llm', prompt_version: 'test', reasons: ['NARRATIVE_PARSE_FAILURE'] },
          issues: [{ code: 'NARRATIVE_PARSE_FAILURE', detail: String(persona.index) }],
          attempts: 1,
        };
        return result;
      } finally {
        state.inFlight -= 1;
      }
    },
  };
  return { provider, state };
}

const personas = (count: number) => Array.from({ length: count }, (_, index) => makePersona({ index }));

describe('generateNarratives', () => {
  it('keeps at most 256 narratives in flight for 5,000 personas, and answers in input order', async () => {
    const { provider, state } = countingProvider();
    const results = await generateNarratives(personas(5_000), provider, { seed: 1 });
    expect(results.map((result) => result.issues[0]?.detail)).toEqual(personas(5_000).map((persona) => String(persona.index)));
    expect(state.maxInFlight).toBeGreaterThan(1);
    expect(state.maxInFlight).toBeLessThanOrEqual(256);
  });

  it('fails the narrative of a persona whose provider call throws, and only that one', async () => {
    const { provider } = countingProvider((persona) => persona.index === 3);
    const results = await generateNarratives(personas(6), provider, { seed: 1 });
    expect(results.map((result) => result.narrative.status)).toEqual(Array(6).fill('failed'));
    expect(results[3]).toMatchObject({ narrative: { reasons: ['NARRATIVE_PROVIDER_FAILED'] }, issues: [{ code: 'NARRATIVE_PROVIDER_FAILED', error_code: 'INTERNAL' }] });
    expect(results[2]!.narrative.reasons).toEqual(['NARRATIVE_PARSE_FAILURE']);
  });

  it('rejects with RUN_CANCELLED when the run is cancelled, and starts no more narratives', async () => {
    const { provider, state } = countingProvider();
    const controller = new AbortController();
    const running = generateNarratives(personas(100_000), provider, { seed: 1, signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
    const started = state.started;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.started).toBe(started);
    expect(started).toBeLessThan(1_000);
  });
});
