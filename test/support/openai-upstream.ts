import { createServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** One request as the upstream received it, so a test can assert what a proxy forwarded. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string, e.g. '/v1/chat/completions'. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
}

/** The faults and timings of the upstream; every field is optional and off by default. */
export interface UpstreamBehaviour {
  /** Delay before the response headers. */
  latencyMs?: number;
  /** Delay between two stream chunks. */
  chunkDelayMs?: number;
  /** Answer this status with an OpenAI error body, for the next `times` requests or, without `times`, always. */
  failWith?: { status: number; times?: number };
  /** Accept the request and never answer; close() still ends these sockets. */
  hang?: boolean;
  /** Destroy the socket after this many content chunks of a stream (never later than the last one), so the stream never finishes. */
  dropMidStream?: { afterChunks: number };
  /** Never send usage (chat and embeddings), even if `stream_options.include_usage` asked for it. */
  omitUsage?: boolean;
  /** Report these counts instead of the computed ones (embeddings use prompt_tokens only). */
  usageOverride?: { prompt_tokens: number; completion_tokens: number };
  /** Answer 401 unless the Authorization header is exactly `Bearer <requireApiKey>`. */
  requireApiKey?: string;
}

export interface UpstreamModel {
  id: string;
  owned_by?: string;
  created?: number;
}

export interface OpenAiUpstreamOptions extends UpstreamBehaviour {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** The answer text of every chat completion. */
  reply?: string;
  /** What GET /v1/models lists. */
  models?: UpstreamModel[];
  /** Keep `requests` (default true); benchmarks turn it off so memory stays flat. */
  record?: boolean;
}

export interface OpenAiUpstream {
  /** Base URL including /v1, e.g. 'http://127.0.0.1:4010/v1'. */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the whole behaviour (unset fields go back to off), so one test's faults never leak into the next. */
  setBehaviour(behaviour: UpstreamBehaviour): void;
  close(): Promise<void>;
}

export const DEFAULT_UPSTREAM_REPLY =
  'Olá! Obrigado pelo contato. Confirmamos o seu agendamento para amanhã às dez horas na nossa unidade do centro. ' +
  'Se precisar remarcar, responda esta mensagem com o melhor horário para você.';

export const DEFAULT_UPSTREAM_MODELS: UpstreamModel[] = [
  { id: 'gpt-4o-mini', owned_by: 'openai' },
  { id: 'gpt-4o', owned_by: 'openai' },
  { id: 'text-embedding-3-small', owned_by: 'openai' },
];

export const EMBEDDING_DIMENSIONS = 8;

const MODEL_CREATED_AT = 1_700_000_000;
const TOKENS_PER_MESSAGE = 3;

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

type JsonObject = Record<string, unknown>;

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** Text of a message's content: a string, or the text parts of a content array. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join(' ');
}

function promptTokensOf(messages: unknown[]): number {
  let tokens = 0;
  for (const message of messages) tokens += TOKENS_PER_MESSAGE + (isRecord(message) ? countWords(contentText(message.content)) : 0);
  return tokens;
}

/** Words with the whitespace after them, so the stream's pieces concatenate to the non-stream content. */
function replyPieces(reply: string, maxTokens: number | undefined): { pieces: string[]; finishReason: 'stop' | 'length' } {
  const all = reply.trim().match(/\S+\s*/g) ?? [];
  const pieces = maxTokens !== undefined && maxTokens < all.length ? all.slice(0, Math.max(0, maxTokens)) : all;
  const last = pieces.length - 1;
  if (last >= 0) pieces[last] = pieces[last]!.trimEnd();
  return { pieces, finishReason: pieces.length < all.length ? 'length' : 'stop' };
}

function errorBody(status: number, message?: string, code?: string | null, param: string | null = null): ErrorBody {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const defaultCode = status === 401 ? 'invalid_api_key' : status === 429 ? 'rate_limit_exceeded' : null;
  const defaultMessage =
    status === 401
      ? 'Incorrect API key provided.'
      : status === 429
        ? 'Rate limit reached for requests.'
        : status >= 500
          ? 'The server had an error while processing your request. Sorry about that!'
          : (STATUS_CODES[status] ?? 'Request failed');
  return { error: { message: message ?? defaultMessage, type, param, code: code === undefined ? defaultCode : code } };
}

/** A deterministic unit vector from the text (FNV-1a seeded xorshift), rounded to float32 so JSON and base64 agree. */
function embeddingOf(text: string): Float32Array {
  let seed = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) seed = Math.imul(seed ^ text.charCodeAt(index), 0x01000193);
  const vector = new Float32Array(EMBEDDING_DIMENSIONS);
  let norm = 0;
  for (let index = 0; index < EMBEDDING_DIMENSIONS; index++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const value = ((seed >>> 0) / 0xffffffff) * 2 - 1;
    vector[index] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < EMBEDDING_DIMENSIONS; index++) vector[index] = vector[index]! * scale;
  return vector;
}

function optionalCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : undefined;
}

/** Reads the whole body; null when the client went away before sending all of it. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
    req.once('error', () => resolve(null));
    req.once('close', () => resolve(req.complete ? Buffer.concat(chunks).toString('utf8') : null));
  });
}

/** Starts a local OpenAI-compatible server (models, chat completions with streaming, embeddings) with switchable faults. */
export async function startOpenAiUpstream(options: OpenAiUpstreamOptions = {}): Promise<OpenAiUpstream> {
  const { port = 0, reply = DEFAULT_UPSTREAM_REPLY, models = DEFAULT_UPSTREAM_MODELS, record = true, ...initialBehaviour } = options;
  const requests: RecordedRequest[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let behaviour: UpstreamBehaviour = { ...initialBehaviour };
  let failuresLeft = behaviour.failWith?.times;
  let closing = false;
  let requestCounter = 0;
  const idPrefix = Math.random().toString(36).slice(2, 10);

  const modelList = {
    object: 'list',
    data: models.map((model) => ({
      id: model.id,
      object: 'model',
      created: model.created ?? MODEL_CREATED_AT,
      owned_by: model.owned_by ?? 'openai',
    })),
  };

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });
  }

  function sendJson(res: ServerResponse, status: number, payload: unknown, requestId: string): void {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': requestId,
    });
    res.end(text);
  }

  function usageFor(promptTokens: number, completionTokens: number, current: UpstreamBehaviour): Usage {
    const prompt = current.usageOverride?.prompt_tokens ?? promptTokens;
    const completion = current.usageOverride?.completion_tokens ?? completionTokens;
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  async function chatCompletion(
    res: ServerResponse,
    body: JsonObject,
    current: UpstreamBehaviour,
    requestId: string,
    isOpen: () => boolean,
  ) {
    if (typeof body.model !== 'string' || body.model === '') {
      return sendJson(res, 400, errorBody(400, 'you must provide a model parameter', null, 'model'), requestId);
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendJson(
        res,
        400,
        errorBody(400, "Missing required parameter: 'messages'.", 'missing_required_parameter', 'messages'),
        requestId,
      );
    }
    const model = body.model;
    const maxTokens = optionalCount(body.max_completion_tokens) ?? optionalCount(body.max_tokens);
    const { pieces, finishReason } = replyPieces(reply, maxTokens);
    const usage = usageFor(promptTokensOf(body.messages), pieces.length, current);
    const id = `chatcmpl-${requestId}`;
    const created = Math.floor(Date.now() / 1000);

    if (body.stream !== true) {
      const completion = {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: pieces.join(''), refusal: null },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        ...(current.omitUsage ? {} : { usage }),
      };
      return sendJson(res, 200, completion, requestId);
    }

    const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
    const sendUsage = streamOptions.include_usage === true && !current.omitUsage;
    // OpenAI puts "usage": null on every chunk but the last when include_usage is set.
    const usagePlaceholder = sendUsage ? { usage: null } : {};
    const chunk = (delta: JsonObject, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usagePlaceholder })}\n\n`;
    const chunkDelayMs = current.chunkDelayMs ?? 0;
    const dropAfter = current.dropMidStream ? Math.min(Math.max(0, current.dropMidStream.afterChunks), pieces.length) : undefined;

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': requestId });
    // Destroy only once this chunk has reached the socket, so the client sees every chunk before the drop.
    const writeThenDrop = (data: string) => void res.write(data, () => res.destroy());
    const roleChunk = chunk({ role: 'assistant', content: '', refusal: null }, null);
    if (dropAfter === 0) return writeThenDrop(roleChunk);
    res.write(roleChunk);
    for (let index = 0; index < pieces.length; index++) {
      if (chunkDelayMs > 0) {
        await sleep(chunkDelayMs);
        if (!isOpen()) return;
      }
      const contentChunk = chunk({ content: pieces[index] }, null);
      if (index + 1 === dropAfter) return writeThenDrop(contentChunk);
      res.write(contentChunk);
    }
    if (chunkDelayMs > 0) {
      await sleep(chunkDelayMs);
      if (!isOpen()) return;
    }
    res.write(chunk({}, finishReason));
    if (sendUsage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  function embeddings(res: ServerResponse, body: JsonObject, current: UpstreamBehaviour, requestId: string): void {
    const input = body.input;
    const inputs: unknown[] = Array.isArray(input) && input.length > 0 && typeof input[0] !== 'number' ? input : [input];
    const valid =
      typeof body.model === 'string' && inputs.every((item) => typeof item === 'string' || (Array.isArray(item) && item.length > 0));
    if (!valid || input === undefined) {
      return sendJson(
        res,
        400,
        errorBody(400, "'input' and 'model' are required: input is a string, string[] or token arrays.", null, 'input'),
        requestId,
      );
    }
    // The official SDK asks for base64 by default and decodes it as little-endian float32.
    const asBase64 = body.encoding_format === 'base64';
    let promptTokens = 0;
    const data = inputs.map((item, index) => {
      const text = typeof item === 'string' ? item : (item as unknown[]).join(' ');
      promptTokens += typeof item === 'string' ? countWords(item) : (item as unknown[]).length;
      const vector = embeddingOf(text);
      const embedding = asBase64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector);
      return { object: 'embedding', index, embedding };
    });
    const prompt = current.usageOverride?.prompt_tokens ?? promptTokens;
    const payload = {
      object: 'list',
      data,
      model: body.model,
      ...(current.omitUsage ? {} : { usage: { prompt_tokens: prompt, total_tokens: prompt } }),
    };
    sendJson(res, 200, payload, requestId);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let open = true;
    res.once('close', () => (open = false));
    const isOpen = () => open && !closing;
    const requestId = `${idPrefix}${(++requestCounter).toString(36)}`;
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);

    const rawBody = await readBody(req);
    if (rawBody === null || !isOpen()) return;
    let body: unknown;
    let bodyIsJson = true;
    if (rawBody !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
        bodyIsJson = false;
      }
    }
    if (record) requests.push({ method, path, headers: req.headers, body });

    const current = behaviour;
    if (current.hang) return;
    if (current.latencyMs !== undefined && current.latencyMs > 0) {
      await sleep(current.latencyMs);
      if (!isOpen()) return;
    }
    if (current.requireApiKey !== undefined && req.headers.authorization !== `Bearer ${current.requireApiKey}`) {
      return sendJson(res, 401, errorBody(401), requestId);
    }
    if (current.failWith && (failuresLeft === undefined || failuresLeft > 0)) {
      if (failuresLeft !== undefined) failuresLeft--;
      return sendJson(res, current.failWith.status, errorBody(current.failWith.status), requestId);
    }

    if (method === 'GET' && path === '/v1/models') return sendJson(res, 200, modelList, requestId);
    if (method === 'GET' && path.startsWith('/v1/models/')) {
      const modelId = decodeURIComponent(path.slice('/v1/models/'.length));
      const model = modelList.data.find((entry) => entry.id === modelId);
      if (model) return sendJson(res, 200, model, requestId);
      return sendJson(res, 404, errorBody(404, `The model '${modelId}' does not exist`, 'model_not_found', 'model'), requestId);
    }
    if (method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/embeddings')) {
      if (!bodyIsJson || !isRecord(body)) {
        return sendJson(res, 400, errorBody(400, 'We could not parse the JSON body of your request.'), requestId);
      }
      if (path === '/v1/embeddings') return embeddings(res, body, current, requestId);
      return chatCompletion(res, body, current, requestId, isOpen);
    }
    sendJson(res, 404, errorBody(404, `Invalid URL (${method} ${path})`), requestId);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[openai-upstream]', error);
      if (!res.headersSent) sendJson(res, 500, errorBody(500), 'error');
      else res.destroy();
    });
  });
  // Benchmarks reuse connections across idle gaps; Node's 5 s default would close them under the client.
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    requests,
    setBehaviour(next: UpstreamBehaviour) {
      behaviour = { ...next };
      failuresLeft = next.failWith?.times;
    },
    close() {
      closing = true;
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung, streaming and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Command-line entry for benchmarks, which spawn the upstream as its own process:
 * `tsx test/support/openai-upstream.ts --port 4010 --latency 20 --chunk-delay 5` prints the base URL.
 */
export async function runOpenAiUpstreamMain(argv: string[] = process.argv.slice(2)): Promise<OpenAiUpstream> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      latency: { type: 'string', default: '0' },
      'chunk-delay': { type: 'string', default: '0' },
      reply: { type: 'string' },
      'api-key': { type: 'string' },
      record: { type: 'boolean', default: false },
    },
  });
  const numberOption = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number >= 0, got '${text}'`);
    return value;
  };
  const upstream = await startOpenAiUpstream({
    port: numberOption('port', values.port),
    latencyMs: numberOption('latency', values.latency),
    chunkDelayMs: numberOption('chunk-delay', values['chunk-delay']),
    record: values.record,
    ...(values.reply === undefined ? {} : { reply: values.reply }),
    ...(values['api-key'] === undefined ? {} : { requireApiKey: values['api-key'] }),
  });
  console.log(upstream.url);
  const stop = () => void upstream.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return upstream;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runOpenAiUpstreamMain().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
