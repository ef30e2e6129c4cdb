import { z } from 'zod';
import type { AppConfig } from '../../config';
import { structuredOutputSchema } from './json-schema';
import type { LlmProvider, StructuredRequest } from './provider';
import { callForStructuredAnswer, type EnvelopeReading } from './structured-call';

export type OpenAiCompatibleSettings = Extract<AppConfig['llm'], { provider: 'openai_compatible' }>;

/** The part of a chat completion this layer reads; the rest is ignored. */
const chatCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).optional(),
        finish_reason: z.string().nullish(),
      }),
    )
    .optional(),
  usage: z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).nullish(),
});

/** Chat completions with a strict json_schema response format: OpenAI, LiteLLM, vLLM, Ollama and the like. */
export function createOpenAiCompatibleProvider(settings: OpenAiCompatibleSettings, options: { fetch?: typeof fetch } = {}): LlmProvider {
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');
  const { apiKey, model, timeoutMs } = settings;
  return {
    provider: 'openai_compatible',
    model,
    // async, so a bad schema or schema name rejects the promise instead of throwing at the call.
    async generateStructured<T>(request: StructuredRequest<T>) {
      return callForStructuredAnswer({
        provider: 'openai_compatible',
        model,
        timeoutMs,
        fetch: options.fetch,
        request,
        url: `${baseUrl}/chat/completions`,
        headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
        secret: apiKey,
        body: {
          model,
          messages: [{ role: 'system', content: request.system }, ...request.messages.map(({ role, content }) => ({ role, content }))],
          response_format: {
            type: 'json_schema',
            json_schema: { name: request.schemaName, schema: structuredOutputSchema(request.schema, request.schemaName), strict: true },
          },
          temperature: 0,
        },
        readEnvelope: readChatCompletion,
      });
    },
  };
}

function readChatCompletion(envelope: unknown): EnvelopeReading {
  const parsed = chatCompletion.safeParse(envelope);
  if (!parsed.success) return { outcome: 'malformed', reason: 'answer is not a chat completion' };
  const usage = { inputTokens: parsed.data.usage?.prompt_tokens ?? 0, outputTokens: parsed.data.usage?.completion_tokens ?? 0 };
  const choice = parsed.data.choices?.[0];
  if (choice?.message?.refusal) return { outcome: 'refused', reason: choice.message.refusal.slice(0, 200), usage };
  // Azure OpenAI (and LiteLLM in front of it) stops with content_filter instead of a refusal text.
  if (choice?.finish_reason === 'content_filter') return { outcome: 'refused', reason: 'content filter', usage };
  const text = choice?.message?.content ?? '';
  if (text.trim() === '')
    return { outcome: 'malformed', reason: `answer has no content (finish_reason ${choice?.finish_reason ?? 'none'})`, usage };
  return { outcome: 'text', text, usage };
}
