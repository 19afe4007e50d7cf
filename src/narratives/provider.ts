/**
 * The narrative provider interface (SPEC §7). A provider turns one persona into the narrative it
 * carries — served, withheld or failed — and never throws for a bad answer: only cancellation
 * rejects. Providers: `template` (pure, offline) and `llm` (an OpenAI-compatible endpoint).
 */
import type { Narrative, Persona } from '../domain/persona.js';
import type { NarrativeSource } from '../domain/request.js';
import type { NarrativeIssue } from './reasons.js';

export interface NarrativeContext {
  /** The run's seed; with the persona's index it seeds the narrative (worker-count independent). */
  readonly seed: number;
  /** The run's cancellation signal. */
  readonly signal?: AbortSignal;
}

export interface NarrativeResult {
  /** What the persona carries (`persona.narrative`). */
  readonly narrative: Narrative;
  /** Why it was not served (empty when it was): contract, PII or provider issues of the last attempt. */
  readonly issues: readonly NarrativeIssue[];
  /** Calls made to the provider's backend: 0 for the template, 1 or 2 (one repair) for the llm. */
  readonly attempts: number;
}

export interface NarrativeProvider {
  readonly name: NarrativeSource;
  /** Prompt or template version, recorded as `narrative.prompt_version`. */
  readonly promptVersion: string;
  /**
   * The narrative for one persona. Resolves for every outcome (generated, template, failed,
   * withheld); rejects only with `RUN_CANCELLED` when the context's signal aborts.
   */
  generateNarrative(persona: Persona, context: NarrativeContext): Promise<NarrativeResult>;
}

/**
 * Narratives for many personas, in input order. Concurrency is the provider's business (the llm
 * provider bounds it with its own semaphore), so this only starts every request and waits.
 */
export async function generateNarratives(
  personas: readonly Persona[],
  provider: NarrativeProvider,
  context: NarrativeContext,
): Promise<NarrativeResult[]> {
  return Promise.all(personas.map((persona) => provider.generateNarrative(persona, context)));
}
