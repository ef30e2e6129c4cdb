import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { structuredOutputSchema } from './json-schema';
import { llmFailureOf, SYSTEM_PROMPT, understanding, understandingRequest, understandingSchema } from './llm.fixtures';
import { createOpenAiCompatibleProvider, type OpenAiCompatibleSettings } from './openai-compatible';

const API_KEY = 'sk-litellm-test-0123456789abcdefghijkl';
const CHAT_COMPLETIONS = 'http://litellm.test:4000/v1/chat/completions';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function litellm(overrides: Partial<OpenAiCompatibleSettings> = {}) {
  return createOpenAiCompatibleProvider({
    provider: 'openai_compatible',
    baseUrl: 'http://litellm.test:4000/v1',
    apiKey: API_KEY,
    model: 'gpt-4o-mini',
    timeoutMs: 5_000,
    ...overrides,
  });
}

/** A chat completion shaped like OpenAI's (and LiteLLM's), extra fields included. */
function chatCompletion(message: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    object: 'chat.completion',
    created: 1741569952,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      { index: 0, message: { role: 'assistant', refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 187, completion_tokens: 36, total_tokens: 223, prompt_tokens_details: { cached_tokens: 0 } },
    system_fingerprint: 'fp_06737a9306',
    ...overrides,
  };
}

/** Registers a chat-completions handler that records what the endpoint would have received. */
function captureChatCompletion(
  reply: () => Response | Promise<Response> = () => HttpResponse.json(chatCompletion({ content: JSON.stringify(understanding) })),
) {
  const received: { body: unknown; authorization: string | null; contentType: string | null }[] = [];
  server.use(
    http.post(CHAT_COMPLETIONS, async ({ request }) => {
      received.push({
        body: await request.json(),
        authorization: request.headers.get('authorization'),
        contentType: request.headers.get('content-type'),
      });
      return reply();
    }),
  );
  return received;
}

describe('OpenAI-compatible provider', () => {
  it('sends the conversation with a strict json_schema and returns the validated value, usage and timing', async () => {
    const received = captureChatCompletion();
    const answer = await litellm().generateStructured(understandingRequest());
    expect(answer).toEqual({
      value: understanding,
      provider: 'openai_compatible',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 187, outputTokens: 36 },
      latencyMs: expect.any(Number),
    });
    expect(received).toEqual([
      {
        authorization: `Bearer ${API_KEY}`,
        contentType: 'application/json',
        body: {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: 'Oi! Queria marcar um corte.' },
            { role: 'assistant', content: 'Claro! Para qual dia?' },
            { role: 'user', content: 'Quinta à tarde, pode ser?' },
          ],
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'chat_understanding',
              schema: structuredOutputSchema(understandingSchema, 'chat_understanding'),
              strict: true,
            },
          },
          temperature: 0,
        },
      },
    ]);
    const sentSchema = (received[0]?.body as { response_format: { json_schema: { schema: Record<string, unknown> } } }).response_format
      .json_schema.schema;
    expect(sentSchema).toMatchObject({
      type: 'object',
      required: ['intent', 'service', 'preferredTimes', 'confidence'],
      additionalProperties: false,
    });
  });

  it('sends no Authorization header when no key is set (a local LiteLLM or Ollama)', async () => {
    const received = captureChatCompletion();
    await litellm({ apiKey: undefined }).generateStructured(understandingRequest());
    expect(received[0]?.authorization).toBeNull();
  });

  it('rejects a schema name the endpoint would refuse before calling it', async () => {
    const received = captureChatCompletion();
    await expect(litellm().generateStructured(understandingRequest({ schemaName: 'chat understanding' }))).rejects.toThrow(TypeError);
    expect(received).toEqual([]);
  });

  it('fails with invalid_output when the content is not JSON', async () => {
    captureChatCompletion(() => HttpResponse.json(chatCompletion({ content: '```json\n{"intent": "book"' })));
    const error = await llmFailureOf(litellm().generateStructured(understandingRequest()));
    expect(error).toMatchObject({
      kind: 'invalid_output',
      provider: 'openai_compatible',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 187, outputTokens: 36 },
    });
    expect(error.message).toContain('not valid JSON');
  });

  it('fails with invalid_output, naming the zod issues, when the JSON does not match the schema', async () => {
    captureChatCompletion(() =>
      HttpResponse.json(
        chatCompletion({ content: JSON.stringify({ intent: 'book', service: null, preferredTimes: [{ day: '2026-03-12' }] }) }),
      ),
    );
    const error = await llmFailureOf(litellm().generateStructured(understandingRequest()));
    expect(error.kind).toBe('invalid_output');
    expect(error.message).toContain('preferredTimes.0.period');
    expect(error.message).toContain('confidence');
  });

  it('fails with invalid_output when the endpoint answers 200 with something other than a completion', async () => {
    captureChatCompletion(() => new HttpResponse('<html>LiteLLM admin UI</html>', { headers: { 'content-type': 'text/html' } }));
    const error = await llmFailureOf(litellm().generateStructured(understandingRequest()));
    expect(error.kind).toBe('invalid_output');
    expect(error.message).toContain('not JSON');
  });

  it.each([500, 429])('fails with http and the status on HTTP %i, quoting the endpoint’s message', async (status) => {
    captureChatCompletion(() =>
      HttpResponse.json(
        {
          error: { message: 'Rate limit reached for gpt-4o-mini. Please try again in 20s.', type: 'requests', code: 'rate_limit_exceeded' },
        },
        { status },
      ),
    );
    const error = await llmFailureOf(litellm().generateStructured(understandingRequest()));
    expect(error).toMatchObject({ kind: 'http', status, provider: 'openai_compatible' });
    expect(error.message).toContain(`HTTP ${status}: Rate limit reached`);
  });

  it('keeps only a short excerpt of a long error body, without the key', async () => {
    captureChatCompletion(() => new HttpResponse(`Bad gateway for Bearer ${API_KEY}. ${'upstream trace '.repeat(200)}`, { status: 502 }));
    const error = await llmFailureOf(litellm().generateStructured(understandingRequest()));
    expect(error.status).toBe(502);
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).not.toContain(API_KEY);
  });

  it('fails with timeout when the upstream is slower than timeoutMs', async () => {
    captureChatCompletion(async () => {
      await delay(2_000);
      return HttpResponse.json(chatCompletion({ content: JSON.stringify(understanding) }));
    });
    const startedAt = performance.now();
    const error = await llmFailureOf(litellm({ timeoutMs: 150 }).generateStructured(understandingRequest()));
    expect(error.kind).toBe('timeout');
    expect(performance.now() - startedAt).toBeLessThan(1_500);
  });

  it('fails with network when the connection fails', async () => {
    captureChatCompletion(() => HttpResponse.error());
    const error = await llmFailureOf(litellm().generateStructured(understandingRequest()));
    expect(error.kind).toBe('network');
  });

  it('fails with refused when the model refuses', async () => {
    captureChatCompletion(() =>
      HttpResponse.json(chatCompletion({ content: null, refusal: "I'm sorry, I can't help with that request." })),
    );
    const error = await llmFailureOf(litellm().generateStructured(understandingRequest()));
    expect(error).toMatchObject({ kind: 'refused', usage: { inputTokens: 187, outputTokens: 36 } });
    expect(error.message).toContain("I'm sorry");
  });

  it('fails with refused when a content filter stops the answer', async () => {
    captureChatCompletion(() =>
      HttpResponse.json(
        chatCompletion(
          { content: null },
          { choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }] },
        ),
      ),
    );
    const error = await llmFailureOf(litellm().generateStructured(understandingRequest()));
    expect(error.kind).toBe('refused');
  });
});
