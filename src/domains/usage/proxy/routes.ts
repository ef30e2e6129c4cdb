import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { parseMachineCredential } from '../../../platform/auth/opaque-tokens';
import type { Services } from '../../../platform/services';
import { PROXY_KEY_KIND } from '../keys';
import { listProxyModels } from '../models';
import { usageRuntime, type ProxyConfig, type UsageRuntime } from '../runtime';
import { countChatPromptTokens, countEmbeddingInputTokens, countTextTokens } from '../tokens';
import { MeteredCall } from './metered-call';
import { badRequest, invalidKey, sendOpenAiError, type OpenAiError } from './openai-errors';
import { SseMeter } from './sse-meter';
import { readBody, UpstreamFailure } from './upstream';

/** Chat requests carry whole conversations (and images as data URLs). */
const MAX_REQUEST_BYTES = 20 * 1024 * 1024;
const MAX_ANSWER_BYTES = 50 * 1024 * 1024;

const model = z.string({ error: 'model: informe o modelo' }).min(1, 'model: informe o modelo').max(200);
const tokenCount = z.number().int().positive().max(10_000_000).nullish();

const chatRequest = z.looseObject({
  model,
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'], { error: 'messages[].role inválido' }),
        content: z.unknown().optional(),
      }),
      { error: 'messages: informe a conversa' },
    )
    .min(1, 'messages: ao menos uma mensagem'),
  max_tokens: tokenCount,
  max_completion_tokens: tokenCount,
  n: z.number().int().min(1).max(128).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(z.unknown()).optional(),
});

const embeddingsRequest = z.looseObject({
  model,
  input: z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))], {
    error: 'input: texto, lista de textos ou de tokens',
  }),
});

function bearerKey(req: Request): { prefix: string; digest: string } | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const credential = match ? parseMachineCredential(match[1]!) : undefined;
  return credential && credential.kind === PROXY_KEY_KIND ? credential : null;
}

function parsed<T extends z.ZodType>(schema: T, body: unknown): { data: z.infer<T> } | { error: OpenAiError } {
  const result = schema.safeParse(body);
  if (result.success) return { data: result.data };
  const issue = result.error.issues[0]!;
  return { error: badRequest(issue.message, 'invalid_body', issue.path.join('.') || null) };
}

/** The CORS answer for browsers: preflights pass, and an answer is readable only from the tenant's listed origins. */
function allowOrigin(req: Request, res: Response, config: ProxyConfig): void {
  const origin = req.headers.origin;
  if (origin && config.corsOrigins.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  }
}

/**
 * Checks what comes before the upstream: the request limit of the key, and that the tenant has
 * an upstream. Releases the reservation and answers when the request cannot go on.
 */
async function readyToForward(call: MeteredCall, runtime: UsageRuntime, res: Response): Promise<ProxyConfig | null> {
  const reservation = call.reservation!;
  const config = await runtime.proxyConfig(reservation.tenantId!, reservation.settingsVersion);
  allowOrigin(call.req, res, config);
  const limit = await runtime.rateLimits.consume(reservation.keyId!, config.rateLimitPerMinute, config.rateLimitBurst);
  const refusal: OpenAiError | null = !limit.allowed
    ? {
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        message: `Limite de ${config.rateLimitPerMinute} pedidos por minuto desta chave atingido.`,
        retryAfterSeconds: limit.retryAfterSeconds,
      }
    : !config.upstream
      ? {
          status: 503,
          type: 'service_unavailable',
          code: 'upstream_not_configured',
          message: 'Nenhum upstream de IA configurado para esta empresa.',
        }
      : null;
  if (!refusal) return config;
  await call.settle({
    statusCode: refusal.status,
    usage: null,
    countedCompletionTokens: 0,
    errorType: refusal.code,
    errorMessage: refusal.message,
  });
  sendOpenAiError(res, refusal);
  return null;
}

function upstreamFailureError(error: UpstreamFailure): OpenAiError {
  if (error.kind === 'timeout')
    return { status: 504, type: 'api_error', code: 'upstream_timeout', message: `O upstream não respondeu a tempo (${error.message}).` };
  return { status: 502, type: 'api_error', code: 'upstream_unavailable', message: `O upstream não está acessível (${error.message}).` };
}

/** An upstream error answer: its own message when it gave one (4xx passes on as is; 5xx becomes 502). */
function upstreamErrorAnswer(status: number, body: Buffer): { error: OpenAiError; passThrough: boolean } {
  let message = body.toString('utf8').slice(0, 500);
  try {
    const parsedBody = JSON.parse(message) as { error?: { message?: unknown } | string };
    const upstreamMessage = typeof parsedBody.error === 'string' ? parsedBody.error : parsedBody.error?.message;
    if (typeof upstreamMessage === 'string') message = upstreamMessage;
  } catch {
    // not JSON: the text itself
  }
  if (status >= 500 || status < 400)
    return {
      error: { status: 502, type: 'api_error', code: 'upstream_error', message: `Erro do upstream (${status}): ${message}` },
      passThrough: false,
    };
  return { error: { status, type: 'invalid_request_error', code: 'upstream_rejected', message }, passThrough: true };
}

/** What an endpoint makes of a valid request: what to hold and how to forward it. */
interface EndpointPlan {
  path: string;
  model: string;
  promptTokens: number;
  /** Completion tokens to hold; null: the tenant's completion estimate. */
  completionTokens: number | null;
  body: Record<string, unknown>;
  stream: boolean;
  clientWantsUsage: boolean;
  /** The proxy's count of an answer's completion. */
  countAnswer(answer: unknown): number;
}

type ForwardPlan = EndpointPlan & { call: MeteredCall };

/** Sends the request upstream and the answer back (streamed or whole), then settles and records. */
async function forward(runtime: UsageRuntime, config: ProxyConfig, plan: ForwardPlan, res: Response): Promise<void> {
  const { call } = plan;
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort(new Error('client closed the connection'));
  });
  call.forwardedAt = performance.now();
  let answer;
  try {
    answer = await runtime.upstream.send(config.upstream!, {
      method: 'POST',
      path: plan.path,
      body: JSON.stringify(plan.body),
      signal: aborted.signal,
    });
  } catch (error) {
    if (aborted.signal.aborted)
      return call.settle({ statusCode: 499, usage: null, countedCompletionTokens: 0, errorType: 'client_closed' });
    const failure = error instanceof UpstreamFailure ? error : new UpstreamFailure('network', (error as Error).message, 1);
    const refusal = upstreamFailureError(failure);
    await call.settle({
      statusCode: refusal.status,
      usage: null,
      countedCompletionTokens: 0,
      errorType: refusal.code,
      errorMessage: failure.message,
      attempts: failure.attempts,
    });
    return sendOpenAiError(res, refusal);
  }
  const { response, attempts } = answer;
  const status = response.statusCode ?? 502;
  const isStream = plan.stream && status === 200 && /text\/event-stream/i.test(response.headers['content-type'] ?? '');
  if (isStream) return relayStream(plan, response, res, aborted.signal, attempts);

  let body: Buffer;
  try {
    body = await readBody(response, MAX_ANSWER_BYTES);
  } catch (error) {
    const refusal = upstreamFailureError(
      error instanceof UpstreamFailure ? error : new UpstreamFailure('network', (error as Error).message, attempts),
    );
    if (aborted.signal.aborted)
      return call.settle({ statusCode: 499, usage: null, countedCompletionTokens: 0, errorType: 'client_closed', attempts });
    await call.settle({
      statusCode: refusal.status,
      usage: null,
      countedCompletionTokens: 0,
      errorType: refusal.code,
      errorMessage: refusal.message,
      attempts,
    });
    return sendOpenAiError(res, refusal);
  }
  if (status < 200 || status >= 300) {
    const { error, passThrough } = upstreamErrorAnswer(status, body);
    await call.settle({
      statusCode: error.status,
      usage: null,
      countedCompletionTokens: 0,
      errorType: error.code,
      errorMessage: error.message,
      attempts,
    });
    if (passThrough) {
      res
        .status(status)
        .type(response.headers['content-type'] ?? 'application/json')
        .send(body);
      return;
    }
    return sendOpenAiError(res, error);
  }
  let answerJson: { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } = {};
  try {
    answerJson = JSON.parse(body.toString('utf8')) as typeof answerJson;
  } catch {
    // an answer that is not JSON is passed on; the proxy's counts are charged
  }
  res
    .status(status)
    .type(response.headers['content-type'] ?? 'application/json')
    .send(body);
  const usage = answerJson.usage;
  await call.settle({
    statusCode: status,
    usage:
      typeof usage?.prompt_tokens === 'number'
        ? { promptTokens: usage.prompt_tokens, completionTokens: typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0 }
        : null,
    countedCompletionTokens: plan.countAnswer(answerJson),
    attempts,
  });
}

/** Passes the event stream on as it arrives; settles at its end, on an upstream failure, or when the client leaves. */
async function relayStream(
  plan: ForwardPlan,
  upstream: IncomingMessage,
  res: Response,
  clientGone: AbortSignal,
  attempts: number,
): Promise<void> {
  const meter = new SseMeter(plan.clientWantsUsage);
  const decoder = new StringDecoder('utf8');
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    'X-Request-Id': plan.call.requestId,
  });
  let failure: Error | undefined;
  try {
    for await (const chunk of upstream as AsyncIterable<Buffer>) {
      if (clientGone.aborted) break;
      const out = meter.push(decoder.write(chunk));
      if (out) res.write(out);
    }
  } catch (error) {
    if (!clientGone.aborted) failure = error as Error;
  }
  const rest = meter.flush();
  if (failure && !clientGone.aborted) {
    if (rest) res.write(rest);
    res.write(
      `data: ${JSON.stringify({ error: { message: `O upstream interrompeu a resposta: ${failure.message}`, type: 'api_error', code: 'upstream_interrupted' } })}\n\n`,
    );
  } else if (rest && !clientGone.aborted) res.write(rest);
  if (!clientGone.aborted) res.end();
  else upstream.destroy();
  const reading = meter.reading();
  const counted = countTextTokens(plan.call.model, reading.text);
  await plan.call.settle({
    statusCode: clientGone.aborted ? 499 : failure ? 502 : 200,
    usage: clientGone.aborted || failure ? null : reading.usage,
    countedCompletionTokens: counted,
    ...(clientGone.aborted
      ? { errorType: 'client_closed' }
      : failure
        ? { errorType: 'upstream_interrupted', errorMessage: failure.message }
        : {}),
    attempts,
  });
}

function chatAnswerText(answer: unknown): string {
  const choices = (answer as { choices?: Array<{ message?: { content?: unknown; tool_calls?: unknown } }> }).choices ?? [];
  return choices
    .map((choice) => {
      const content = typeof choice.message?.content === 'string' ? choice.message.content : '';
      return choice.message?.tool_calls ? content + JSON.stringify(choice.message.tool_calls) : content;
    })
    .join('');
}

/** One metered endpoint: the key, the body, the reservation, the key's limit and the upstream, then the forward. */
function meteredEndpoint<T extends z.ZodType>(
  services: Services,
  runtime: UsageRuntime,
  schema: T,
  planOf: (body: z.infer<T>) => EndpointPlan,
) {
  return async (req: Request, res: Response) => {
    const key = bearerKey(req);
    if (!key) return sendOpenAiError(res, invalidKey());
    const input = parsed(schema, req.body);
    if ('error' in input) return sendOpenAiError(res, input.error);
    const plan = planOf(input.data);
    const call = new MeteredCall(services, runtime, req, `/v1${plan.path}`, plan.model, plan.promptTokens);
    const refusal = await call.reserve(key, plan.completionTokens);
    if (refusal) return sendOpenAiError(res, refusal);
    const config = await readyToForward(call, runtime, res);
    if (!config) return;
    await forward(runtime, config, { call, ...plan }, res);
  };
}

function chatPlan(body: z.infer<typeof chatRequest>): EndpointPlan {
  const perChoice = body.max_completion_tokens ?? body.max_tokens ?? null;
  const stream = body.stream === true;
  return {
    path: '/chat/completions',
    model: body.model,
    promptTokens: countChatPromptTokens(body.model, body.messages, body.tools),
    completionTokens: perChoice === null ? null : perChoice * (body.n ?? 1),
    // Streams are asked for their usage; the client sees that chunk only when it asked too.
    body: stream ? { ...body, stream_options: { ...(body.stream_options ?? {}), include_usage: true } } : body,
    stream,
    clientWantsUsage: body.stream_options?.include_usage === true,
    countAnswer: (answer) => countTextTokens(body.model, chatAnswerText(answer)),
  };
}

function embeddingsPlan(body: z.infer<typeof embeddingsRequest>): EndpointPlan {
  return {
    path: '/embeddings',
    model: body.model,
    promptTokens: countEmbeddingInputTokens(body.model, body.input),
    completionTokens: 0,
    body,
    stream: false,
    clientWantsUsage: false,
    countAnswer: () => 0,
  };
}

function models(services: Services, runtime: UsageRuntime) {
  return async (req: Request, res: Response) => {
    const key = bearerKey(req);
    if (!key) return sendOpenAiError(res, invalidKey());
    const listed = await listProxyModels(services, runtime, key);
    if (!listed) return sendOpenAiError(res, invalidKey());
    res.json({ object: 'list', data: listed });
  };
}

/** Express's own failures (a body that is not JSON, too large) in OpenAI's format; anything else is a logged 500. */
function proxyErrorHandler(services: Services) {
  return (error: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return sendOpenAiError(res, badRequest('O corpo não é JSON válido.', 'invalid_json'));
    if (error.type === 'entity.too.large')
      return sendOpenAiError(res, {
        status: 413,
        type: 'invalid_request_error',
        code: 'request_too_large',
        message: `O corpo passa de ${MAX_REQUEST_BYTES} bytes.`,
      });
    if (error.status && error.status >= 400 && error.status < 500) return sendOpenAiError(res, badRequest(error.message));
    services.logger.error({ err: error }, 'llm proxy failure');
    sendOpenAiError(res, { status: 500, type: 'api_error', code: 'internal_error', message: 'Erro interno do proxy.' });
  };
}

/** Rejections of handlers go to the error handler instead of being lost. */
const handled = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

/**
 * The OpenAI-compatible proxy under /v1: chat completions (streamed or not), embeddings and the
 * model list, authenticated by a user's key, each request held against the user's budget.
 */
export function llmProxyRoutes(services: Services): Router {
  const runtime = usageRuntime(services);
  const router = express.Router();
  router.options(/.*/, (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'authorization, content-type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });
  router.use(express.json({ limit: MAX_REQUEST_BYTES, strict: true }));
  router.post('/chat/completions', handled(meteredEndpoint(services, runtime, chatRequest, chatPlan)));
  router.post('/embeddings', handled(meteredEndpoint(services, runtime, embeddingsRequest, embeddingsPlan)));
  router.get('/models', handled(models(services, runtime)));
  router.use((req, res) =>
    sendOpenAiError(res, {
      status: 404,
      type: 'invalid_request_error',
      code: 'unknown_url',
      message: `Rota inexistente: ${req.method} ${req.originalUrl.split('?')[0]}`,
    }),
  );
  router.use(proxyErrorHandler(services));
  return router;
}
