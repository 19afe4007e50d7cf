/**
 * The narrative provider interface (SPEC §7). A provider turns one persona into the narrative it
 * carries — served, withheld or failed — and never throws for a bad answer: only cancellation
 * rejects. Providers: `template` (pure, offline) and `llm` (an OpenAI-compatible endpoint).
 */
import type { Narrative, Persona } from '../domain/persona.js';
import type { NarrativeSource } from '../domain/request.js';
import { ServiceError, hasErrorCode } from '../errors.js';
import { failedNarrative } from './assess.js';
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
 * Narratives in flight at most while a run narrates (started, not yet handed on). Bounds the
 * memory and the work queued per run however large n is; well above any LLM_CONCURRENCY a
 * provider honours, so a slow answer at the head of the window rarely idles the others.
 */
export const NARRATION_WINDOW = 256;

function isCancellation(error: unknown): boolean {
  return hasErrorCode(error) && error.code === 'RUN_CANCELLED';
}

/** What a persona carries when its provider call threw instead of resolving (a provider bug). */
function thrownResult(provider: NarrativeProvider, error: unknown): NarrativeResult {
  const name = error instanceof Error ? error.name : typeof error;
  const issue: NarrativeIssue = {
    code: 'NARRATIVE_PROVIDER_FAILED',
    detail: `the narrative could not be produced (${name})`,
    error_code: hasErrorCode(error) ? error.code : 'INTERNAL',
  };
  const label = { source: provider.name, prompt_version: provider.promptVersion, served_status: 'generated' } as const;
  return { narrative: failedNarrative([issue], label), issues: [issue], attempts: 0 };
}

type Outcome = { readonly ok: true; readonly result: NarrativeResult } | { readonly ok: false; readonly error: unknown };

/**
 * Narrates `personas` (pulled lazily) and hands each result to `emit` in input order, with at
 * most `window` narratives started and not yet emitted. One persona whose call throws gets a
 * failed narrative; the run's cancellation stops starting more and rejects with RUN_CANCELLED
 * once the ones in flight have settled.
 */
export async function narrateInOrder(
  personas: Iterable<Persona>,
  provider: NarrativeProvider,
  context: NarrativeContext,
  emit: (persona: Persona, result: NarrativeResult) => void | Promise<void>,
  window: number = NARRATION_WINDOW,
): Promise<void> {
  const cancelled = () => new ServiceError('RUN_CANCELLED', 'narrative generation was cancelled');
  const source = personas[Symbol.iterator]();
  const pending: { persona: Persona; outcome: Promise<Outcome> }[] = [];
  let exhausted = false;
  const topUp = () => {
    while (!exhausted && pending.length < window && context.signal?.aborted !== true) {
      const next = source.next();
      if (next.done === true) {
        exhausted = true;
        return;
      }
      const persona = next.value;
      const outcome = provider.generateNarrative(persona, context).then(
        (result): Outcome => ({ ok: true, result }),
        (error: unknown): Outcome => ({ ok: false, error }),
      );
      pending.push({ persona, outcome });
    }
  };
  topUp();
  while (pending.length > 0) {
    const head = pending.shift()!;
    const outcome = await head.outcome;
    if (context.signal?.aborted === true || (!outcome.ok && isCancellation(outcome.error))) {
      await Promise.all(pending.map((each) => each.outcome));
      throw cancelled();
    }
    await emit(head.persona, outcome.ok ? outcome.result : thrownResult(provider, outcome.error));
    topUp();
  }
  if (context.signal?.aborted === true) throw cancelled();
}

/** Narratives for many personas, in input order (a bounded window in flight: `narrateInOrder`). */
export async function generateNarratives(
  personas: readonly Persona[],
  provider: NarrativeProvider,
  context: NarrativeContext,
): Promise<NarrativeResult[]> {
  const results: NarrativeResult[] = [];
  await narrateInOrder(personas, provider, context, (_persona, result) => void results.push(result));
  return results;
}
