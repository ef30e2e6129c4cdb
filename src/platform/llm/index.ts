import type { AppConfig } from '../../config';
import { createGeminiProvider } from './gemini';
import { createOpenAiCompatibleProvider } from './openai-compatible';
import type { LlmProvider } from './provider';

export { createGeminiProvider, type GeminiSettings } from './gemini';
export { structuredOutputSchema, type JsonSchema } from './json-schema';
export { createOpenAiCompatibleProvider, type OpenAiCompatibleSettings } from './openai-compatible';
export {
  LlmError,
  type LlmFailureKind,
  type LlmMessage,
  type LlmProvider,
  type LlmProviderName,
  type LlmUsage,
  type StructuredAnswer,
  type StructuredRequest,
} from './provider';

/** The configured provider, or undefined when the LLM is offline (callers then answer offline). */
export function createLlmProvider(config: AppConfig['llm'], options: { fetch?: typeof fetch } = {}): LlmProvider | undefined {
  switch (config.provider) {
    case 'offline':
      return undefined;
    case 'gemini':
      return createGeminiProvider(config, options);
    case 'openai_compatible':
      return createOpenAiCompatibleProvider(config, options);
  }
}
