import { z } from 'zod';
import type { AppConfig } from '../../config';
import { structuredOutputSchema } from './json-schema';
import type { LlmProvider, StructuredRequest } from './provider';
import { callForStructuredAnswer, type EnvelopeReading } from './structured-call';

export type GeminiSettings = Extract<AppConfig['llm'], { provider: 'gemini' }>;

/** The part of a generateContent answer this layer reads; the rest is ignored. */
const generateContentAnswer = z.object({
  candidates: z
    .array(
      z.object({
        content: z
          .object({ parts: z.array(z.object({ text: z.string().optional(), thought: z.boolean().optional() })).optional() })
          .optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
  usageMetadata: z
    .object({
      promptTokenCount: z.number().optional(),
      candidatesTokenCount: z.number().optional(),
      thoughtsTokenCount: z.number().optional(),
    })
    .optional(),
});

/** Finish reasons where Gemini withheld the answer on content grounds: asking again gives the same. */
const REFUSAL_FINISH_REASONS = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']);

/** Gemini's generateContent with a JSON Schema (generationConfig.responseJsonSchema) for the answer. */
export function createGeminiProvider(settings: GeminiSettings, options: { fetch?: typeof fetch } = {}): LlmProvider {
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');
  const { apiKey, model, timeoutMs } = settings;
  return {
    provider: 'gemini',
    model,
    // async, so a bad schema or schema name rejects the promise instead of throwing at the call.
    async generateStructured<T>(request: StructuredRequest<T>) {
      return callForStructuredAnswer({
        provider: 'gemini',
        model,
        timeoutMs,
        fetch: options.fetch,
        request,
        url: `${baseUrl}/v1beta/models/${encodeURIComponent(model)}:generateContent`,
        headers: { 'x-goog-api-key': apiKey },
        secret: apiKey,
        body: {
          systemInstruction: { parts: [{ text: request.system }] },
          contents: request.messages.map((message) => ({
            role: message.role === 'assistant' ? 'model' : 'user',
            parts: [{ text: message.content }],
          })),
          generationConfig: {
            responseMimeType: 'application/json',
            responseJsonSchema: structuredOutputSchema(request.schema, request.schemaName),
            temperature: 0,
          },
        },
        readEnvelope: readGenerateContentAnswer,
      });
    },
  };
}

function readGenerateContentAnswer(envelope: unknown): EnvelopeReading {
  const parsed = generateContentAnswer.safeParse(envelope);
  if (!parsed.success) return { outcome: 'malformed', reason: 'answer is not a generateContent response' };
  const { candidates, promptFeedback, usageMetadata } = parsed.data;
  const usage = {
    inputTokens: usageMetadata?.promptTokenCount ?? 0,
    // Thinking tokens are billed as output, so they count here too.
    outputTokens: (usageMetadata?.candidatesTokenCount ?? 0) + (usageMetadata?.thoughtsTokenCount ?? 0),
  };
  if (promptFeedback?.blockReason) return { outcome: 'refused', reason: `prompt blocked (${promptFeedback.blockReason})`, usage };
  const candidate = candidates?.[0];
  const finishReason = candidate?.finishReason;
  if (finishReason && REFUSAL_FINISH_REASONS.has(finishReason))
    return { outcome: 'refused', reason: `answer withheld (${finishReason})`, usage };
  const text = (candidate?.content?.parts ?? [])
    .filter((part) => part.thought !== true)
    .map((part) => part.text ?? '')
    .join('');
  if (text.trim() === '') return { outcome: 'malformed', reason: `answer has no text (finishReason ${finishReason ?? 'none'})`, usage };
  return { outcome: 'text', text, usage };
}
