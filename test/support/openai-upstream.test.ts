import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError, AuthenticationError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPSTREAM_REPLY, EMBEDDING_DIMENSIONS, startOpenAiUpstream, type OpenAiUpstream } from './openai-upstream';

const replyWords = DEFAULT_UPSTREAM_REPLY.split(/\s+/);

describe('startOpenAiUpstream', () => {
  let upstream: OpenAiUpstream;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startOpenAiUpstream();
    client = new OpenAI({ baseURL: upstream.url, apiKey: 'x', maxRetries: 0 });
  });
  afterEach(() => {
    upstream.setBehaviour({});
    upstream.requests.length = 0;
  });
  afterAll(() => upstream.close());

  it('answers a plain completion with the reply and word-count usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Você é um atendente.' },
        { role: 'user', content: 'Quero marcar um horário amanhã' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: DEFAULT_UPSTREAM_REPLY });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    // 4 + 5 words, plus 3 per message.
    expect(completion.usage).toEqual({ prompt_tokens: 15, completion_tokens: replyWords.length, total_tokens: 15 + replyWords.length });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', headers: { authorization: 'Bearer x' } });
  });

  it('truncates to max_tokens words and finishes with length', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Oi' }],
      max_tokens: 4,
    });
    expect(completion.choices[0]?.message.content).toBe(replyWords.slice(0, 4).join(' '));
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it('streams one chunk per word and ends with usage when include_usage is asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Oi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
    expect(contentChunks).toHaveLength(replyWords.length);
    expect(contentChunks.map((chunk) => chunk.choices[0]?.delta.content).join('')).toBe(DEFAULT_UPSTREAM_REPLY);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({ prompt_tokens: 4, completion_tokens: replyWords.length, total_tokens: 4 + replyWords.length });
    expect(upstream.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams without usage when include_usage is not asked, or when omitUsage is set', async () => {
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Oi' }], stream: true });
    const plainChunks = [];
    for await (const chunk of plain) plainChunks.push(chunk);
    expect(plainChunks.some((chunk) => chunk.usage)).toBe(false);

    upstream.setBehaviour({ omitUsage: true });
    const omitted = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Oi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const omittedChunks = [];
    for await (const chunk of omitted) omittedChunks.push(chunk);
    expect(omittedChunks.some((chunk) => chunk.usage)).toBe(false);
    expect(omittedChunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('reports usageOverride instead of the computed counts', async () => {
    upstream.setBehaviour({ usageOverride: { prompt_tokens: 1000, completion_tokens: 500 } });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Oi' }] });
    expect(completion.usage).toEqual({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 });
  });

  it('answers embeddings for a string and for a list, in float and in the SDK default base64', async () => {
    const single = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'olá mundo' });
    expect(single.data).toHaveLength(1);
    expect(single.data[0]?.embedding).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(single.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
    expect(upstream.requests[0]?.body).toMatchObject({ encoding_format: 'base64' });

    const list = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['olá mundo', 'bom dia'],
      encoding_format: 'float',
    });
    expect(list.data.map((entry) => entry.index)).toEqual([0, 1]);
    expect(list.usage.prompt_tokens).toBe(4);
    // The same text gives the same vector whichever encoding carried it.
    expect(list.data[0]?.embedding).toEqual(Array.from(single.data[0]!.embedding));
    expect(list.data[0]?.embedding).not.toEqual(list.data[1]?.embedding);
  });

  it('lists the default models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => [model.id, model.object, model.owned_by])).toEqual([
      ['gpt-4o-mini', 'model', 'openai'],
      ['gpt-4o', 'model', 'openai'],
      ['text-embedding-3-small', 'model', 'openai'],
    ]);
    expect(typeof models[0]?.created).toBe('number');
  });

  it('fails with the given status for the next `times` requests, then recovers', async () => {
    upstream.setBehaviour({ failWith: { status: 503, times: 1 } });
    const failure = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Oi' }] })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).status).toBe(503);
    expect((failure as APIError).type).toBe('server_error');
    const recovered = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Oi' }] });
    expect(recovered.choices[0]?.message.content).toBe(DEFAULT_UPSTREAM_REPLY);
  });

  it('fails every request while failWith has no times', async () => {
    upstream.setBehaviour({ failWith: { status: 429 } });
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(client.models.list()).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    }
  });

  it('rejects a wrong API key with an OpenAI 401', async () => {
    upstream.setBehaviour({ requireApiKey: 'sk-right' });
    await expect(client.models.list()).rejects.toBeInstanceOf(AuthenticationError);
    const authorised = new OpenAI({ baseURL: upstream.url, apiKey: 'sk-right', maxRetries: 0 });
    await expect(authorised.models.list()).resolves.toBeDefined();
  });

  it('drops the connection mid-stream, so the SDK iteration throws', async () => {
    upstream.setBehaviour({ dropMidStream: { afterChunks: 3 } });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Oi' }],
      stream: true,
    });
    const received: string[] = [];
    const iterate = async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(iterate()).rejects.toThrow();
    expect(received.join('')).toBe(replyWords.slice(0, 3).join(' ') + ' ');
  });

  it('waits latencyMs before answering and chunkDelayMs between chunks', async () => {
    upstream.setBehaviour({ latencyMs: 60, chunkDelayMs: 5 });
    const started = performance.now();
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Oi' }],
      stream: true,
      max_tokens: 4,
    });
    // A few ms of slack: timers may fire marginally early relative to performance.now().
    expect(performance.now() - started).toBeGreaterThanOrEqual(58);
    let chunks = 0;
    for await (const _chunk of stream) chunks++;
    // role + 4 words + finish, with a 5 ms delay before each word and before the finish: 60 + 5 * 5 = 85 ms.
    expect(chunks).toBe(6);
    expect(performance.now() - started).toBeGreaterThanOrEqual(83);
  });

  it('hangs until the SDK times out or aborts', async () => {
    upstream.setBehaviour({ hang: true });
    const timedOut = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Oi' }] }, { timeout: 150 })
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(APIConnectionTimeoutError);

    const controller = new AbortController();
    const pending = client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Oi' }] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(upstream.requests).toHaveLength(2);
  });

  it('answers OpenAI-shaped 404 and 400 errors', async () => {
    const unknown = await fetch(`${upstream.url}/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'Invalid URL (GET /v1/nothing-here)' } });
    const broken = await fetch(`${upstream.url}/chat/completions`, {
      method: 'POST',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(upstream.requests.at(-1)?.body).toBe('{not json');
  });
});

describe('startOpenAiUpstream options', () => {
  it('uses the configured reply and models, and records nothing when record is false', async () => {
    const upstream = await startOpenAiUpstream({ reply: 'um dois três', models: [{ id: 'llama3', owned_by: 'ollama' }], record: false });
    try {
      const client = new OpenAI({ baseURL: upstream.url, apiKey: 'x', maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'llama3', messages: [{ role: 'user', content: 'Oi' }] });
      expect(completion.choices[0]?.message.content).toBe('um dois três');
      const models = await client.models.list();
      expect(models.data).toEqual([{ id: 'llama3', object: 'model', created: expect.any(Number), owned_by: 'ollama' }]);
      expect(upstream.requests).toEqual([]);
    } finally {
      await upstream.close();
    }
  });

  it('closes promptly while a request hangs on an open socket', async () => {
    const upstream = await startOpenAiUpstream({ hang: true });
    const socketClosed = new Promise<string>((resolve) => {
      const hanging = request(`${upstream.url}/models`, { agent: false });
      hanging.on('error', (error) => resolve(error.message));
      hanging.end();
    });
    while (upstream.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    await upstream.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await socketClosed).toMatch(/socket hang up/);
  });

  it('runs as its own process and prints its URL', async () => {
    const script = fileURLToPath(new URL('./openai-upstream.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [script, '--port', '0', '--latency', '1', '--chunk-delay', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const url = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`upstream exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Oi' }] });
      expect(completion.choices[0]?.message.content).toBe(DEFAULT_UPSTREAM_REPLY);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
