import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedTenant, silentLogger, type startTestApp, type TestTenant } from '../../../test/support/app';
import { ownerCaller, type Caller } from '../../../test/support/identity';
import { startTwoInstances, twoInstancesAvailable, warnTwoInstancesSkipped } from '../../../test/support/instances';
import { DEFAULT_UPSTREAM_REPLY, type OpenAiUpstream } from '../../../test/support/openai-upstream';
import { configureUpstream, llmUserWithKey, startProxyWorld } from '../../../test/support/usage';
import { withTenant } from '../../db/tenant-scope';
import { parseMachineCredential } from '../../platform/auth/opaque-tokens';
import { reservationSweepJob } from './jobs';
import { reserveTokens, settleTokens } from './ledger';
import { usageRuntime } from './runtime';
import { countChatPromptTokens, countTextTokens } from './tokens';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const MODEL = 'gpt-4o-mini';
const MESSAGES = [{ role: 'user' as const, content: 'Me conte sobre o horário de amanhã.' }];
const PROMPT_TOKENS = countChatPromptTokens(MODEL, MESSAGES);
const REPLY_WORDS = DEFAULT_UPSTREAM_REPLY.trim().split(/\s+/);

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: { error?: { message: string; type: string; param: string | null; code: string } } & Record<string, unknown>;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The data of each event of an SSE body. */
function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((event) => event.trim() !== '')
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n'),
    );
}

const streamedContent = (data: string[]) =>
  data
    .filter((item) => item !== '[DONE]')
    .map((item) => JSON.parse(item) as { choices?: Array<{ delta?: { content?: string } }> })
    .map((chunk) => chunk.choices?.[0]?.delta?.content ?? '')
    .join('');

warnTwoInstancesSkipped('the two-instance rate-limit test');

describe('LLM proxy faults', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let upstream: OpenAiUpstream;

  let world: Awaited<ReturnType<typeof startProxyWorld>> | undefined;

  beforeAll(async () => {
    world = await startProxyWorld();
    ({ app, tenant, owner, upstream } = world);
  });
  afterAll(async () => {
    await world?.stop();
  });
  beforeEach(async () => {
    upstream.setBehaviour({});
    await owner.usage.settings.update({ litellmSettings: { baseUrl: upstream.url, timeout: 5_000, maxRetries: 1 } });
  });

  let userCounter = 0;
  async function newUser(monthlyLimit = 100_000) {
    userCounter += 1;
    const { user, key } = await llmUserWithKey(owner, app.url, { email: `faults-${userCounter}@exemplo.com`, monthlyLimit });
    return { userId: user.id, key: key.key, keyId: key.id };
  }

  async function post(path: string, options: { key?: string; body: string | object; contentType?: string }): Promise<Answer> {
    const response = await fetch(`${app.url}/v1${path}`, {
      method: 'POST',
      headers: {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        'content-type': options.contentType ?? 'application/json',
      },
      body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    let json: Answer['json'] = {};
    try {
      json = JSON.parse(text) as Answer['json'];
    } catch {
      // a stream
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  const chat = (key: string, extra: Record<string, unknown> = {}) =>
    post('/chat/completions', { key, body: { model: MODEL, messages: MESSAGES, max_tokens: 100, ...extra } });

  function expectOpenAiError(answer: Answer, status: number, type: string, code: string) {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.json).toEqual({
      error: { message: expect.any(String), type, param: expect.toBeOneOf([null, expect.any(String)]), code },
    });
  }

  async function ledgerOf(userId: string) {
    const rows = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_ledger').selectAll().where('user_id', '=', userId).execute(),
    );
    return {
      rows: rows.length,
      reserved: rows.reduce((sum, row) => sum + Number(row.reserved), 0),
      spent: rows.reduce((sum, row) => sum + Number(row.plan_spent) + Number(row.grant_spent), 0),
    };
  }

  function reservationsOf(userId: string) {
    return withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_reservations').selectAll().where('user_id', '=', userId).execute(),
    );
  }

  /** Settled and released: nothing held, no reservation left. */
  async function expectReleased(userId: string) {
    await expect.poll(async () => (await ledgerOf(userId)).reserved).toBe(0);
    expect(await reservationsOf(userId)).toEqual([]);
  }

  /** The user's records once written (the proxy settles and records after answering). */
  async function recordsOf(userId: string, count = 1) {
    await expect
      .poll(async () => {
        await usageRuntime(app.services).recorder.flush();
        return (await owner.usage.analytics.records({ userId })).items.length;
      })
      .toBe(count);
    return (await owner.usage.analytics.records({ userId })).items;
  }

  const chatRequestsSeen = () => upstream.requests.filter((request) => request.path === '/v1/chat/completions').length;

  describe('bad requests', () => {
    it('answers a body that is not JSON with 400 in OpenAI’s format', async () => {
      const { userId, key } = await newUser();
      const answer = await post('/chat/completions', { key, body: '{"model": "gpt-4o-mini", "messages": [' });
      expectOpenAiError(answer, 400, 'invalid_request_error', 'invalid_json');
      expect(await ledgerOf(userId)).toEqual({ rows: 0, reserved: 0, spent: 0 });
    });

    it('answers a missing model or missing messages with 400, naming the field', async () => {
      const { userId, key } = await newUser();
      const noModel = await post('/chat/completions', { key, body: { messages: MESSAGES } });
      expectOpenAiError(noModel, 400, 'invalid_request_error', 'invalid_body');
      expect(noModel.json.error!.param).toBe('model');
      const noMessages = await post('/chat/completions', { key, body: { model: MODEL } });
      expectOpenAiError(noMessages, 400, 'invalid_request_error', 'invalid_body');
      expect(noMessages.json.error!.param).toBe('messages');
      const emptyMessages = await post('/chat/completions', { key, body: { model: MODEL, messages: [] } });
      expectOpenAiError(emptyMessages, 400, 'invalid_request_error', 'invalid_body');
      const noInput = await post('/embeddings', { key, body: { model: 'text-embedding-3-small' } });
      expectOpenAiError(noInput, 400, 'invalid_request_error', 'invalid_body');
      expect(noInput.json.error!.param).toBe('input');
      expect(chatRequestsSeen()).toBe(0);
      expect(await ledgerOf(userId)).toEqual({ rows: 0, reserved: 0, spent: 0 });
    });

    it('refuses a prompt longer than the model takes with 400 context_length_exceeded, holding nothing', async () => {
      await owner.usage.models.refresh();
      const before = await owner.usage.models.get({ name: MODEL });
      await owner.usage.models.update({ name: MODEL, maxTokens: 20 });
      try {
        const { userId, key } = await newUser();
        const longMessages = [{ role: 'user', content: 'palavra '.repeat(50) }];
        const seen = chatRequestsSeen();
        const answer = await chat(key, { messages: longMessages });
        expectOpenAiError(answer, 400, 'invalid_request_error', 'context_length_exceeded');
        expect(answer.json.error!.param).toBe('messages');
        expect(answer.json.error!.message).toContain(String(countChatPromptTokens(MODEL, longMessages)));
        expect(chatRequestsSeen()).toBe(seen);
        expect(await ledgerOf(userId)).toMatchObject({ reserved: 0, spent: 0 });
        expect(await reservationsOf(userId)).toEqual([]);
        const [record] = await recordsOf(userId);
        expect(record).toMatchObject({ statusCode: 400, errorType: 'context_length_exceeded', totalTokens: 0 });

        // A prompt that fits goes through.
        expect((await chat(key, { messages: [{ role: 'user', content: 'oi' }] })).status).toBe(200);
      } finally {
        await owner.usage.models.update({ name: MODEL, maxTokens: before.maxTokens });
      }
    });
  });

  describe('upstream failures', () => {
    it('answers 502 when the upstream refuses connections, after its retries, releasing and recording', async () => {
      const port = await closedPort();
      await owner.usage.settings.update({ litellmSettings: { baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 2 } });
      const { userId, key } = await newUser();
      const answer = await chat(key);
      expectOpenAiError(answer, 502, 'api_error', 'upstream_unavailable');
      await expectReleased(userId);
      expect((await ledgerOf(userId)).spent).toBe(0);
      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({
        statusCode: 502,
        errorType: 'upstream_unavailable',
        isRetry: true,
        retryCount: 2,
        totalTokens: 0,
      });
      expect(record!.errorMessage).toMatch(/ECONNREFUSED/);
    });

    it('answers 504 when the upstream never answers, after the timeout of each attempt', async () => {
      upstream.setBehaviour({ hang: true });
      await owner.usage.settings.update({ litellmSettings: { timeout: 1_000, maxRetries: 1 } });
      const { userId, key } = await newUser();
      const seen = chatRequestsSeen();
      const started = performance.now();
      const answer = await chat(key);
      const elapsed = performance.now() - started;
      expectOpenAiError(answer, 504, 'api_error', 'upstream_timeout');
      expect(elapsed).toBeGreaterThanOrEqual(2_000);
      expect(elapsed).toBeLessThan(10_000);
      expect(chatRequestsSeen() - seen).toBe(2);
      await expectReleased(userId);
      expect((await ledgerOf(userId)).spent).toBe(0);
      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({ statusCode: 504, errorType: 'upstream_timeout', retryCount: 1, totalTokens: 0 });
    });

    it('retries 503s and answers the upstream’s success, recording the retries', async () => {
      upstream.setBehaviour({ failWith: { status: 503, times: 2 } });
      await owner.usage.settings.update({ litellmSettings: { maxRetries: 2 } });
      const { userId, key } = await newUser();
      const seen = chatRequestsSeen();
      const answer = await chat(key);
      expect(answer.status).toBe(200);
      const usage = answer.json.usage as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      expect(chatRequestsSeen() - seen).toBe(3);
      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({ statusCode: 200, isRetry: true, retryCount: 2, errorType: null, totalTokens: usage.total_tokens });
      await expectReleased(userId);
      expect((await ledgerOf(userId)).spent).toBe(usage.total_tokens);
    });

    it('answers 502 when the upstream keeps failing with 5xx', async () => {
      upstream.setBehaviour({ failWith: { status: 500 } });
      const { userId, key } = await newUser();
      const answer = await chat(key);
      expectOpenAiError(answer, 502, 'api_error', 'upstream_error');
      expect(answer.json.error!.message).toContain('500');
      await expectReleased(userId);
      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({ statusCode: 502, errorType: 'upstream_error', retryCount: 1, totalTokens: 0 });
    });

    it('passes an upstream 400 on as it came, without retrying, releasing the hold', async () => {
      upstream.setBehaviour({ failWith: { status: 400, times: 1 } });
      const { userId, key } = await newUser();
      const seen = chatRequestsSeen();
      const answer = await chat(key);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: { message: 'Bad Request', type: 'invalid_request_error', param: null, code: null } });
      expect(chatRequestsSeen() - seen).toBe(1);
      await expectReleased(userId);
      expect((await ledgerOf(userId)).spent).toBe(0);
      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({ statusCode: 400, errorType: 'upstream_rejected', isRetry: false, totalTokens: 0 });
    });

    it('answers 503 upstream_not_configured when the tenant has no upstream', async () => {
      await owner.usage.settings.update({ litellmSettings: { baseUrl: '' } });
      const { userId, key } = await newUser();
      expectOpenAiError(await chat(key), 503, 'service_unavailable', 'upstream_not_configured');
      await expectReleased(userId);
    });
  });

  describe('streams', () => {
    it('passes on what was streamed and an error event when the upstream drops mid-stream, charging what was streamed', async () => {
      upstream.setBehaviour({ dropMidStream: { afterChunks: 6 } });
      const { userId, key } = await newUser();
      const answer = await chat(key, { stream: true });
      expect(answer.status).toBe(200);
      const data = sseData(answer.text);
      const error = JSON.parse(data.at(-1)!) as { error: { type: string; code: string; message: string } };
      expect(error.error).toMatchObject({ type: 'api_error', code: 'upstream_interrupted' });
      const text = streamedContent(data.slice(0, -1));
      expect(text).toBe(REPLY_WORDS.slice(0, 6).join(' ') + ' ');
      expect(data).not.toContain('[DONE]');

      const [record] = await recordsOf(userId);
      const completion = countTextTokens(MODEL, text);
      expect(record).toMatchObject({
        statusCode: 502,
        errorType: 'upstream_interrupted',
        promptTokens: PROMPT_TOKENS,
        completionTokens: completion,
      });
      await expectReleased(userId);
      expect((await ledgerOf(userId)).spent).toBe(PROMPT_TOKENS + completion);
    });

    it('ends a stream that stalls longer than the timeout between two chunks with an error event', async () => {
      upstream.setBehaviour({ chunkDelayMs: 1_500 });
      await owner.usage.settings.update({ litellmSettings: { timeout: 1_000, maxRetries: 0 } });
      const { userId, key } = await newUser();
      const started = performance.now();
      const answer = await chat(key, { stream: true });
      expect(performance.now() - started).toBeLessThan(5_000);
      const data = sseData(answer.text);
      expect(JSON.parse(data.at(-1)!)).toMatchObject({
        error: { code: 'upstream_interrupted', message: expect.stringContaining('1000 ms') },
      });
      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({ statusCode: 502, errorType: 'upstream_interrupted' });
      await expectReleased(userId);
    });

    it('never passes on an event the upstream cut off halfway: the client gets whole events, then the error', async () => {
      const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
      const cutting: Server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(chunk('Olá, ') + chunk('tudo ') + chunk('bem?').slice(0, 25), () => res.destroy());
        });
      });
      await new Promise<void>((resolve) => cutting.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = cutting.address() as AddressInfo;
        await owner.usage.settings.update({ litellmSettings: { baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 } });
        const { userId, key } = await newUser();
        const answer = await chat(key, { stream: true });
        const data = sseData(answer.text);
        // Every event the client gets parses.
        const parsed = data.map((item) => JSON.parse(item) as Record<string, unknown>);
        expect(parsed.at(-1)).toMatchObject({ error: { code: 'upstream_interrupted' } });
        expect(streamedContent(data.slice(0, -1))).toBe('Olá, tudo ');
        const [record] = await recordsOf(userId);
        expect(record).toMatchObject({ statusCode: 502, completionTokens: countTextTokens(MODEL, 'Olá, tudo ') });
      } finally {
        cutting.closeAllConnections();
        await new Promise<void>((resolve) => cutting.close(() => resolve()));
      }
    });

    it('charges by counting the streamed text when the upstream sends no usage', async () => {
      upstream.setBehaviour({ omitUsage: true });
      const { userId, key } = await newUser();
      const answer = await chat(key, { stream: true, stream_options: { include_usage: true } });
      expect(answer.status).toBe(200);
      const data = sseData(answer.text);
      expect(data.at(-1)).toBe('[DONE]');
      const text = streamedContent(data);
      expect(text).toBe(REPLY_WORDS.join(' '));
      const completion = countTextTokens(MODEL, text);

      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({
        statusCode: 200,
        promptTokens: PROMPT_TOKENS,
        completionTokens: completion,
        estimatedTokens: PROMPT_TOKENS + completion,
        // Nothing to compare the estimate with.
        estimationAccuracy: null,
      });
      await expectReleased(userId);
      expect((await ledgerOf(userId)).spent).toBe(PROMPT_TOKENS + completion);
    });

    it('charges by counting the answer when a non-streamed answer has no usage', async () => {
      upstream.setBehaviour({ omitUsage: true });
      const { userId, key } = await newUser();
      const answer = await chat(key);
      expect(answer.status).toBe(200);
      const content = (answer.json as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({ promptTokens: PROMPT_TOKENS, completionTokens: countTextTokens(MODEL, content) });
      expect((await ledgerOf(userId)).spent).toBe(PROMPT_TOKENS + countTextTokens(MODEL, content));
    });

    it('charges what was streamed when a raw HTTP client goes away halfway', async () => {
      upstream.setBehaviour({ chunkDelayMs: 50 });
      const { userId, key } = await newUser();
      const target = new URL(`${app.url}/v1/chat/completions`);
      const received = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(
          target,
          { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (piece: string) => {
              text += piece;
              if (streamedContent(sseData(text.slice(0, text.lastIndexOf('\n\n') + 2))).split(' ').length > 5) {
                req.destroy();
                resolve(text);
              }
            });
            res.on('error', () => undefined);
          },
        );
        req.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
        req.end(JSON.stringify({ model: MODEL, messages: MESSAGES, stream: true }));
      });
      expect(streamedContent(sseData(received.slice(0, received.lastIndexOf('\n\n') + 2))).length).toBeGreaterThan(0);

      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({ statusCode: 499, errorType: 'client_closed', promptTokens: PROMPT_TOKENS });
      // What reached the proxy before it noticed: at least what the client read, far from the whole reply.
      expect(record!.completionTokens).toBeGreaterThanOrEqual(5);
      expect(record!.completionTokens).toBeLessThan(countTextTokens(MODEL, DEFAULT_UPSTREAM_REPLY) - 5);
      await expectReleased(userId);
      expect((await ledgerOf(userId)).spent).toBe(record!.totalTokens);
    });
  });

  describe('a process that dies between reserve and settle', () => {
    it('is settled by the sweep to its prompt; a late settle charges only the completion', async () => {
      const { userId, key } = await newUser();
      const credential = parseMachineCredential(key)!;
      const reservation = await reserveTokens(app.services.db, {
        keyPrefix: credential.prefix,
        keyDigest: credential.digest,
        model: MODEL,
        promptTokens: 40,
        completionTokens: 100,
        expiresInSeconds: 900,
      });
      expect(reservation).toMatchObject({ outcome: 'reserved', userId, amount: 140 });
      expect(await ledgerOf(userId)).toMatchObject({ reserved: 140, spent: 0 });

      const sweep = reservationSweepJob();
      const run = () => sweep.run({ db: app.services.db, tenant: undefined, slot: new Date(), logger: silentLogger() });
      // Not expired yet: the sweep leaves it.
      expect(await run()).toEqual({ expired: 0, settled: 0 });

      await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx
          .updateTable('usage_reservations')
          .set({ expires_at: new Date(Date.now() - 1_000) })
          .where('id', '=', reservation.reservationId!)
          .execute(),
      );
      expect(await run()).toEqual({ expired: 1, settled: 1 });
      expect(await ledgerOf(userId)).toMatchObject({ reserved: 0, spent: 40 });
      expect(await reservationsOf(userId)).toEqual([]);
      const [record] = await recordsOf(userId);
      expect(record).toMatchObject({ errorType: 'reservation_expired', promptTokens: 40, completionTokens: 0, model: MODEL });
      expect(await run()).toEqual({ expired: 0, settled: 0 });

      // The request did finish after all: only its completion is charged.
      const late = await settleTokens(app.services.db, {
        reservationId: reservation.reservationId,
        promptTokens: 40,
        completionTokens: 25,
        tenantId: tenant.tenantId,
        userId,
        period: reservation.period!,
      });
      expect(late.outcome).toBe('settled_after_sweep');
      expect(await ledgerOf(userId)).toMatchObject({ reserved: 0, spent: 65 });
    });

    it('a request still running when the sweep settles it is charged once, and its records agree with the ledger', async () => {
      // Long enough for the sweep to run first, even on a busy machine.
      upstream.setBehaviour({ latencyMs: 3_000 });
      const { userId, key } = await newUser();
      const pending = chat(key);
      await expect.poll(async () => (await reservationsOf(userId)).length).toBe(1);
      await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx
          .updateTable('usage_reservations')
          .set({ expires_at: new Date(Date.now() - 1_000) })
          .where('user_id', '=', userId)
          .execute(),
      );
      const swept = await reservationSweepJob().run({ db: app.services.db, tenant: undefined, slot: new Date(), logger: silentLogger() });
      expect(swept).toEqual({ expired: 1, settled: 1 });
      expect(await ledgerOf(userId)).toMatchObject({ reserved: 0, spent: PROMPT_TOKENS });

      const answer = await pending;
      expect(answer.status).toBe(200);
      const usage = answer.json.usage as { prompt_tokens: number; completion_tokens: number };
      await expect.poll(async () => (await ledgerOf(userId)).spent).toBe(PROMPT_TOKENS + usage.completion_tokens);
      const records = await recordsOf(userId, 2);
      expect(records.reduce((sum, record) => sum + record.totalTokens, 0)).toBe(PROMPT_TOKENS + usage.completion_tokens);
    });
  });

  describe('request limits per key', () => {
    it('answers 429 rate_limit_exceeded with Retry-After past the steady and burst allowances', async () => {
      await owner.usage.settings.update({ securitySettings: { rateLimitPerMinute: 3, rateLimitBurst: 2 } });
      try {
        const { userId, key } = await newUser();
        const answers = [];
        for (let index = 0; index < 6; index++) answers.push(await chat(key, { max_tokens: 5 }));
        expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
        const refused = answers[5]!;
        expectOpenAiError(refused, 429, 'rate_limit_error', 'rate_limit_exceeded');
        const retryAfter = Number(refused.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        // Another key of the same user has its own count.
        const other = await owner.usage.keys.create({ userId });
        expect((await chat(other.key, { max_tokens: 5 })).status).toBe(200);
        await expectReleased(userId);
        const records = await recordsOf(userId, 7);
        expect(records.filter((record) => record.statusCode === 429)).toHaveLength(1);
        expect(records.find((record) => record.statusCode === 429)).toMatchObject({ errorType: 'rate_limit_exceeded', totalTokens: 0 });
      } finally {
        await owner.usage.settings.update({ securitySettings: { rateLimitPerMinute: 10_000, rateLimitBurst: 0 } });
      }
    });

    it.skipIf(!twoInstancesAvailable)('shares the count between two instances through Redis', async () => {
      const { first, second } = await startTwoInstances();
      const keysToClean: string[] = [];
      try {
        const shared = await seedTenant(first.services, { modules: ['usage'] });
        const sharedOwner = await ownerCaller(first.services, shared);
        // A limit no other test uses, so no other count shares these Redis keys.
        const perMinute = 7;
        await configureUpstream(sharedOwner, upstream, { rateLimitPerMinute: perMinute, rateLimitBurst: 0 });
        const { key } = await llmUserWithKey(sharedOwner, first.url, { email: 'duas-instancias@exemplo.com' });
        keysToClean.push(`balcao:usage:rpm:${perMinute}:0:${key.id}`);
        const statuses: number[] = [];
        for (let index = 0; index < perMinute + 2; index++) {
          const instance = index % 2 === 0 ? first : second;
          const response = await fetch(`${instance.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: MODEL, messages: MESSAGES, max_tokens: 5 }),
          });
          statuses.push(response.status);
          await response.arrayBuffer();
        }
        expect(statuses).toEqual([...Array<number>(perMinute).fill(200), 429, 429]);
      } finally {
        if (keysToClean.length > 0) await first.services.redis!.del(...keysToClean);
        await second.stop();
        await first.stop();
      }
    });
  });

  describe('GET /v1/models', () => {
    it('lists the tenant’s models in OpenAI’s format for a key, and refuses without one', async () => {
      const { key } = await newUser();
      const list = async (authorization?: string) => {
        const response = await fetch(`${app.url}/v1/models`, { headers: authorization ? { authorization } : {} });
        return { status: response.status, json: (await response.json()) as Record<string, unknown> };
      };
      await owner.usage.models.refresh();
      const answer = await list(`Bearer ${key}`);
      expect(answer.status).toBe(200);
      expect(answer.json.object).toBe('list');
      const data = answer.json.data as Array<Record<string, unknown>>;
      expect(data.map((model) => model.id)).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
      for (const model of data) {
        expect(Object.keys(model).sort()).toEqual(['created', 'id', 'object', 'owned_by']);
        expect(model).toMatchObject({ object: 'model', created: expect.any(Number), owned_by: expect.any(String) });
      }

      for (const authorization of [undefined, 'Bearer sk-errada', `Bearer ${key.slice(0, -1)}x`]) {
        const refused = await list(authorization);
        expect(refused.status).toBe(401);
        expect(refused.json).toEqual({
          error: { message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' },
        });
      }
    });
  });

  it('leaves no listener behind on a kept-alive upstream connection, however many requests reuse it', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { key } = await newUser();
      for (let index = 0; index < 15; index++) expect((await chat(key, { max_tokens: 3 })).status).toBe(200);
      for (let index = 0; index < 15; index++) expect((await chat(key, { max_tokens: 3, stream: true })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message)).toEqual([]);
  });
});
