import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startTestApp } from '../../../test/support/app';
import type { Caller } from '../../../test/support/identity';
import type { OpenAiUpstream } from '../../../test/support/openai-upstream';
import { llmUserWithKey, startProxyWorld } from '../../../test/support/usage';
import { usageRuntime } from './runtime';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('LLM proxy through the official openai SDK', () => {
  let app: RunningTestApp;
  let owner: Caller;
  let upstream: OpenAiUpstream;

  let world: Awaited<ReturnType<typeof startProxyWorld>> | undefined;

  beforeAll(async () => {
    world = await startProxyWorld();
    ({ app, owner, upstream } = world);
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** The records of a user once the proxy settled and wrote them (both happen after the answer). */
  async function recordsOf(userId: string, count = 1) {
    await expect
      .poll(async () => {
        await usageRuntime(app.services).recorder.flush();
        return (await owner.usage.analytics.records({ userId })).items.length;
      })
      .toBe(count);
    return (await owner.usage.analytics.records({ userId })).items;
  }

  it('meters a plain completion with the upstream usage', async () => {
    const { user, client } = await llmUserWithKey(owner, app.url, { email: 'plain@exemplo.com' });
    const answer = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Olá, tudo bem?' }],
      max_tokens: 50,
    });
    expect(answer.choices[0]!.message.content).toBeTruthy();
    const records = await recordsOf(user.id);
    const after = await owner.usage.users.get({ id: user.id });
    expect(after.currentUsage).toBe(answer.usage!.total_tokens);
    expect(after.reservedTokens).toBe(0);
    expect(records[0]).toMatchObject({
      statusCode: 200,
      promptTokens: answer.usage!.prompt_tokens,
      completionTokens: answer.usage!.completion_tokens,
    });
    expect(records[0]!.estimationAccuracy).toBeGreaterThan(0);
  });

  it('meters a stream, asking the upstream for usage', async () => {
    const { user, client } = await llmUserWithKey(owner, app.url, { email: 'stream@exemplo.com' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Conte uma história' }],
      stream: true,
    });
    let text = '';
    let sawUsageChunk = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices.length === 0) sawUsageChunk = true;
    }
    expect(text.length).toBeGreaterThan(10);
    expect(sawUsageChunk).toBe(false);
    const forwarded = upstream.requests.at(-1)!.body as { stream_options?: { include_usage?: boolean } };
    expect(forwarded.stream_options?.include_usage).toBe(true);
    const records = await recordsOf(user.id);
    const after = await owner.usage.users.get({ id: user.id });
    const words = text.trim().split(/\s+/).length;
    expect(records[0]!.completionTokens).toBe(words);
    expect(after.currentUsage).toBe(records[0]!.totalTokens);
  });

  it('charges what was streamed when the client aborts halfway', async () => {
    upstream.setBehaviour({ chunkDelayMs: 20 });
    try {
      const { user, client } = await llmUserWithKey(owner, app.url, { email: 'abort@exemplo.com' });
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Fale bastante' }], stream: true },
        { signal: controller.signal },
      );
      let received = '';
      // The SDK ends the iteration (or throws an abort error) once the signal fires.
      await (async () => {
        for await (const chunk of stream) {
          received += chunk.choices[0]?.delta?.content ?? '';
          if (received.split(' ').length > 5) controller.abort();
        }
      })().catch((error: Error) => expect(error.name).toMatch(/Abort/));
      const [record] = await recordsOf(user.id);
      expect(record!.statusCode).toBe(499);
      expect(record!.completionTokens).toBeGreaterThanOrEqual(5);
      expect(record!.completionTokens).toBeLessThan(30);
      const after = await owner.usage.users.get({ id: user.id });
      expect(after.reservedTokens).toBe(0);
      expect(after.currentUsage).toBe(record!.totalTokens);
    } finally {
      upstream.setBehaviour({});
    }
  });

  it("answers its own unknown paths in OpenAI's format and leaves /v1/api to the external API", async () => {
    const unknown = await fetch(`${app.url}/v1/responses-not-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'unknown_url' } });
    const externalApi = await fetch(`${app.url}/v1/api/openapi.json`);
    expect(externalApi.status).toBe(200);
    expect(await externalApi.json()).toHaveProperty('openapi');
  });
});
