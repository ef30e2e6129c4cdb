import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGeminiProvider, type GeminiSettings } from './gemini';
import { structuredOutputSchema } from './json-schema';
import { llmFailureOf, SYSTEM_PROMPT, understanding, understandingRequest, understandingSchema } from './llm.fixtures';

const API_KEY = 'AIzaSyTest-gemini-key-0123456789abcdefgh';
const GENERATE_CONTENT = 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function gemini(overrides: Partial<GeminiSettings> = {}) {
  return createGeminiProvider({
    provider: 'gemini',
    apiKey: API_KEY,
    model: 'gemini-2.5-flash',
    baseUrl: 'https://generativelanguage.googleapis.com',
    timeoutMs: 5_000,
    ...overrides,
  });
}

/** A generateContent answer shaped like Google's, extra fields included. */
function generateContentAnswer(text: string, overrides: Record<string, unknown> = {}) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount: 214,
      candidatesTokenCount: 41,
      totalTokenCount: 255,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 214 }],
    },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'mPGxaJ7yBtaOz7IP0_eYyAw',
    ...overrides,
  };
}

/** Registers a generateContent handler that records what Google would have received. */
function captureGenerateContent(
  reply: () => Response | Promise<Response> = () => HttpResponse.json(generateContentAnswer(JSON.stringify(understanding))),
) {
  const received: { body: unknown; apiKey: string | null; contentType: string | null }[] = [];
  server.use(
    http.post(GENERATE_CONTENT, async ({ request }) => {
      received.push({
        body: await request.json(),
        apiKey: request.headers.get('x-goog-api-key'),
        contentType: request.headers.get('content-type'),
      });
      return reply();
    }),
  );
  return received;
}

describe('Gemini provider', () => {
  it('sends the conversation with the JSON schema and returns the validated value, usage and timing', async () => {
    const received = captureGenerateContent();
    const answer = await gemini().generateStructured(understandingRequest());
    expect(answer).toEqual({
      value: understanding,
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      usage: { inputTokens: 214, outputTokens: 41 },
      latencyMs: expect.any(Number),
    });
    expect(answer.latencyMs).toBeGreaterThanOrEqual(0);
    expect(received).toEqual([
      {
        apiKey: API_KEY,
        contentType: 'application/json',
        body: {
          systemInstruction: { parts: [{ text: SYSTEM_PROMPT }] },
          contents: [
            { role: 'user', parts: [{ text: 'Oi! Queria marcar um corte.' }] },
            { role: 'model', parts: [{ text: 'Claro! Para qual dia?' }] },
            { role: 'user', parts: [{ text: 'Quinta à tarde, pode ser?' }] },
          ],
          generationConfig: {
            responseMimeType: 'application/json',
            responseJsonSchema: structuredOutputSchema(understandingSchema, 'chat_understanding'),
            temperature: 0,
          },
        },
      },
    ]);
    const sentSchema = (received[0]?.body as { generationConfig: { responseJsonSchema: { required: string[] } } }).generationConfig
      .responseJsonSchema;
    expect(sentSchema.required).toEqual(['intent', 'service', 'preferredTimes', 'confidence']);
  });

  it('joins the text parts, skips thought parts and counts thinking tokens as output', async () => {
    const json = JSON.stringify(understanding);
    captureGenerateContent(() =>
      HttpResponse.json(
        generateContentAnswer('', {
          candidates: [
            {
              content: {
                role: 'model',
                parts: [{ text: 'Thinking about dates…', thought: true }, { text: json.slice(0, 20) }, { text: json.slice(20) }],
              },
              finishReason: 'STOP',
            },
          ],
          usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 20, thoughtsTokenCount: 300 },
        }),
      ),
    );
    const answer = await gemini().generateStructured(understandingRequest());
    expect(answer.value).toEqual(understanding);
    expect(answer.usage).toEqual({ inputTokens: 10, outputTokens: 320 });
  });

  it('calls the configured base URL and model (a proxy), without a trailing slash doubling', async () => {
    const received: string[] = [];
    server.use(
      http.post('http://gemini-proxy.test/v1beta/models/gemini-2.5-pro:generateContent', ({ request }) => {
        received.push(request.url);
        return HttpResponse.json(generateContentAnswer(JSON.stringify(understanding)));
      }),
    );
    const answer = await gemini({ baseUrl: 'http://gemini-proxy.test/', model: 'gemini-2.5-pro' }).generateStructured(
      understandingRequest(),
    );
    expect(answer.model).toBe('gemini-2.5-pro');
    expect(received).toHaveLength(1);
  });

  it('fails with invalid_output when the text is not JSON', async () => {
    captureGenerateContent(() => HttpResponse.json(generateContentAnswer('Claro! O cliente quer marcar um corte na quinta.')));
    const error = await llmFailureOf(gemini().generateStructured(understandingRequest()));
    expect(error).toMatchObject({
      kind: 'invalid_output',
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      usage: { inputTokens: 214, outputTokens: 41 },
    });
    expect(error.message).toContain('not valid JSON');
    expect(error.message).not.toContain('Claro');
  });

  it('fails with invalid_output, naming the zod issues, when the JSON does not match the schema', async () => {
    captureGenerateContent(() =>
      HttpResponse.json(generateContentAnswer(JSON.stringify({ ...understanding, intent: 'buy', confidence: 7 }))),
    );
    const error = await llmFailureOf(gemini().generateStructured(understandingRequest()));
    expect(error.kind).toBe('invalid_output');
    expect(error.message).toContain("schema 'chat_understanding'");
    expect(error.message).toMatch(/intent: .+; confidence: .+/);
  });

  it('fails with invalid_output when the answer has no candidates', async () => {
    captureGenerateContent(() => HttpResponse.json({ usageMetadata: { promptTokenCount: 5 } }));
    const error = await llmFailureOf(gemini().generateStructured(understandingRequest()));
    expect(error.kind).toBe('invalid_output');
    expect(error.message).toContain('no text');
  });

  it.each([500, 429])('fails with http and the status on HTTP %i, quoting Google’s message', async (status) => {
    captureGenerateContent(() =>
      HttpResponse.json(
        { error: { code: status, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } },
        { status },
      ),
    );
    const error = await llmFailureOf(gemini().generateStructured(understandingRequest()));
    expect(error).toMatchObject({ kind: 'http', status, provider: 'gemini' });
    expect(error.message).toContain(`HTTP ${status}: Resource has been exhausted`);
  });

  it('never puts the API key in an error, even when the upstream echoes it', async () => {
    captureGenerateContent(
      () => new HttpResponse(`<html>key ${API_KEY} is not valid</html>`, { status: 400, headers: { 'content-type': 'text/html' } }),
    );
    const error = await llmFailureOf(gemini().generateStructured(understandingRequest()));
    expect(error.status).toBe(400);
    expect(error.message).toContain('[redacted]');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(API_KEY);
    expect(JSON.stringify(gemini())).not.toContain(API_KEY);
  });

  it('fails with timeout when the upstream is slower than timeoutMs', async () => {
    captureGenerateContent(async () => {
      await delay(2_000);
      return HttpResponse.json(generateContentAnswer(JSON.stringify(understanding)));
    });
    const startedAt = performance.now();
    const error = await llmFailureOf(gemini({ timeoutMs: 150 }).generateStructured(understandingRequest()));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('no answer within 150 ms');
    expect(performance.now() - startedAt).toBeLessThan(1_500);
    expect(error.latencyMs).toBeGreaterThanOrEqual(140);
  });

  it('fails with timeout when the caller aborts', async () => {
    captureGenerateContent(async () => {
      await delay('infinite');
      return HttpResponse.json({});
    });
    const caller = new AbortController();
    const pending = gemini().generateStructured(understandingRequest({ signal: caller.signal }));
    setTimeout(() => caller.abort(), 20);
    const error = await llmFailureOf(pending);
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('aborted by the caller');
  });

  it('fails with network when the connection fails', async () => {
    captureGenerateContent(() => HttpResponse.error());
    const error = await llmFailureOf(gemini().generateStructured(understandingRequest()));
    expect(error.kind).toBe('network');
    expect(error.status).toBeUndefined();
  });

  it('fails with refused when the prompt is blocked', async () => {
    captureGenerateContent(() =>
      HttpResponse.json({ promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] }, usageMetadata: { promptTokenCount: 37 } }),
    );
    const error = await llmFailureOf(gemini().generateStructured(understandingRequest()));
    expect(error).toMatchObject({ kind: 'refused', usage: { inputTokens: 37, outputTokens: 0 } });
    expect(error.message).toContain('prompt blocked (SAFETY)');
  });

  it('fails with refused when the answer stops for safety', async () => {
    captureGenerateContent(() =>
      HttpResponse.json(generateContentAnswer('', { candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: [] }] })),
    );
    const error = await llmFailureOf(gemini().generateStructured(understandingRequest()));
    expect(error.kind).toBe('refused');
    expect(error.message).toContain('SAFETY');
  });
});
