import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { LlmConfig } from '../config/server-config.js';

/**
 * The server's model from `--llm-base-url`/`--llm-model` (and `RUNWIRE_LLM_API_KEY`): Chat Completions at
 * `{baseUrl}/chat/completions`, streamed, with the usage chunk requested so `agent_completed.usage` is filled.
 */
export function openAICompatibleModel(config: LlmConfig): LanguageModel {
  const provider = createOpenAICompatible({
    name: 'runwire-llm',
    baseURL: config.baseUrl,
    includeUsage: true,
    ...(config.apiKey === undefined || config.apiKey === '' ? {} : { apiKey: config.apiKey }),
  });
  return provider(config.model);
}
