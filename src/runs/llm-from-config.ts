/**
 * The llm narrative provider as the configuration describes it (shared by the HTTP service and the
 * CLI): usable when both LLM_BASE_URL and LLM_MODEL are set, otherwise absent — a run that asks
 * for llm narratives then gets CONFIG_INCOMPLETE and no narratives.
 */
import type { Config } from '../config/env.js';
import { createLlmProvider, type LlmCircuitEvent, type LlmNarrativeProvider } from '../narratives/providers/llm.js';

export function llmConfiguredOf(config: Pick<Config, 'LLM_BASE_URL' | 'LLM_MODEL'>): boolean {
  return config.LLM_BASE_URL !== '' && config.LLM_MODEL !== '';
}

export function llmProviderFromConfig(
  config: Config,
  hooks: { readonly onCircuit?: (event: LlmCircuitEvent) => void } = {},
): LlmNarrativeProvider | undefined {
  if (!llmConfiguredOf(config)) return undefined;
  return createLlmProvider({
    ...hooks,
    baseUrl: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
    model: config.LLM_MODEL,
    concurrency: config.LLM_CONCURRENCY,
    timeoutMs: config.LLM_TIMEOUT_MS,
    breaker: { failureThreshold: config.LLM_BREAKER_FAILURES, cooldownMs: config.LLM_BREAKER_COOLDOWN_MS },
  });
}
