/**
 * The `template` provider (SPEC §7): composes the eight contract sections from the persona's
 * attributes in varied, grammatical Romanian. Pure and synchronous under the hood; the wording
 * is drawn from `createRng(seed, 'narrative', persona.index)`, so it depends only on the run
 * seed and the persona, never on the worker count. By default every narrative is checked
 * against the whole contract and for PII like any other, so a defect in a phrase table shows up
 * as a failed narrative in the run's stats instead of being served.
 */
import { ServiceError } from '../../errors.js';
import { createRng } from '../../rng.js';
import type { NarrativeSections, Persona } from '../../domain/persona.js';
import { assessNarrative, assessTemplateGuards, narrativeFromAssessment } from '../assess.js';
import type { NarrativeContext, NarrativeProvider, NarrativeResult } from '../provider.js';
import { homePhrases } from '../romanian.js';
import {
  careerGoals,
  createComposer,
  descriereGenerala,
  hobbyArtaCultura,
  hobbyCalatorii,
  hobbyCulinar,
  hobbySport,
  personaSummary,
  profilProfesional,
} from './template-sections.js';

/** Recorded as `prompt_version` of template narratives; bump it when the wording changes. */
export const TEMPLATE_VERSION = 'ro-template-v1';

/** The eight sections for a persona, from the stream of (seed, 'narrative', persona.index). */
export function composeTemplateSections(persona: Persona, seed: number): NarrativeSections {
  const composer = createComposer(persona, createRng(seed, 'narrative', persona.index));
  const home = composer.pick(homePhrases(persona.district, persona.residence));
  return {
    descriere_generala: descriereGenerala(composer, home),
    profil_profesional: profilProfesional(composer),
    hobby_sport: hobbySport(composer),
    hobby_arta_cultura: hobbyArtaCultura(composer),
    hobby_calatorii: hobbyCalatorii(composer),
    hobby_culinar: hobbyCulinar(composer),
    career_goals_and_ambitions: careerGoals(composer),
    persona_summary: personaSummary(composer, home),
  };
}

/**
 * How much of the contract runs on each template narrative: `full` (the default) runs every
 * check, like for an llm narrative; `guards` runs lengths, name and PII only and trusts the
 * phrase tables for language, agreement and contradictions (proven by the property tests),
 * for about three times the throughput. See docs/narratives.md for measured rates.
 */
export interface TemplateOptions {
  readonly checks: 'full' | 'guards';
}

/** The template narrative for a persona, assessed (synchronous; usable in workers). */
export function templateNarrative(persona: Persona, seed: number, options: TemplateOptions = { checks: 'full' }): NarrativeResult {
  const sections = composeTemplateSections(persona, seed);
  const assessment = options.checks === 'full' ? assessNarrative(sections, persona) : assessTemplateGuards(sections, persona);
  const narrative = narrativeFromAssessment(assessment, {
    source: 'template',
    prompt_version: TEMPLATE_VERSION,
    served_status: 'template',
  });
  return { narrative, issues: narrative.status === 'template' ? [] : assessment.issues, attempts: 0 };
}

/** The template provider behind the common interface. */
export function createTemplateProvider(options: TemplateOptions = { checks: 'full' }): NarrativeProvider {
  return {
    name: 'template',
    promptVersion: TEMPLATE_VERSION,
    generateNarrative: (persona: Persona, context: NarrativeContext) =>
      context.signal?.aborted === true
        ? Promise.reject(new ServiceError('RUN_CANCELLED', 'narrative generation was cancelled'))
        : Promise.resolve(templateNarrative(persona, context.seed, options)),
  };
}
