/**
 * What other folders may use from narratives. Everything here is pure except
 * `createLlmProvider` (undici, the network); workers use the template side only.
 */
export { NARRATION_WINDOW, NARRATIVE_PROVIDERS, generateNarratives, narrateInOrder } from './provider.js';
export type { NarrativeContext, NarrativeProvider, NarrativeProviderName, NarrativeResult } from './provider.js';
export { TEMPLATE_VERSION, composeTemplateSections, createTemplateProvider, templateNarrative } from './providers/template.js';
export type { TemplateOptions } from './providers/template.js';
export { createLlmProvider } from './providers/llm.js';
export type { LlmNarrativeProvider, LlmProviderOptions } from './providers/llm.js';
export { mentionsGivenName, parseNarrativeJson, validateNarrative } from './contract.js';
export type { ContractResult } from './contract.js';
export { assessNarrative, assessNarrativeText, assessTemplateGuards, narrativeFromAssessment } from './assess.js';
export type { LocatedPiiFinding, NarrativeAssessment, NarrativeLabel } from './assess.js';
export { PII_TYPES, PII_WITHHOLD_CONFIDENCE, findPii, ibanMod97Valid, idnCheckDigitValid, luhnValid, withholdingPii } from './pii.js';
export type { PiiFinding, PiiType } from './pii.js';
export { mergeNarrativeRunStats, narrativeRunStats } from './narrative-stats.js';
export type { NarrativeRunStats } from './narrative-stats.js';
export { NARRATIVE_REASON_CODES, reasonCodesOf } from './reasons.js';
export type { NarrativeIssue, NarrativeReasonCode } from './reasons.js';
export { PROMPT_VERSION, buildNarrativePrompt, buildRepairMessages } from './prompt.js';
export type { ChatMessage } from './prompt.js';
