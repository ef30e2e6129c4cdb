import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { resolveResponse } from '@trpc/server/http';
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  transformTRPCResponse,
  type AnyProcedure,
} from '@trpc/server/unstable-core-do-not-import';
import type { Services } from '../platform/services';
import { appRouter } from './app-router';
import { createHttpContext } from './context';

export const TRPC_PATH = '/trpc';
const BASE_PATH = `${TRPC_PATH}/`;

export function isTrpcRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return url === TRPC_PATH || url.startsWith(BASE_PATH) || url.startsWith(`${TRPC_PATH}?`);
}

/** Response types that tRPC streams (httpBatchStreamLink, httpSubscriptionLink); everything else is one JSON body. */
const STREAMED_CONTENT_TYPES = ['application/jsonl', 'text/event-stream'];

/**
 * tRPC over node:http, on tRPC's own protocol core (`resolveResponse`) with a lean node binding:
 * the body is read into memory under the size limit before tRPC sees it, a JSON answer is written
 * in one piece with its Content-Length, and the call's abort signal fires only when the client goes
 * away before the answer is sent. tRPC's stock node adapter pipes every answer through a web
 * stream and aborts every request on close; on this hot path that cost about a third of a call.
 * A plain single call (one query by GET, one mutation by POST: what the dashboard sends) skips
 * the fetch Request/Response too (`serveSingleCall`); `singleCallShortcut: false` turns that off,
 * which the tests use to check both give the same answers.
 */
export function createTrpcHttpHandler(services: Services, options: { singleCallShortcut?: boolean } = {}): RequestListener {
  const maxBodyBytes = services.config.maxBodyBytes;
  const shortcut = options.singleCallShortcut ?? true;
  return (req, res) => {
    serve(services, maxBodyBytes, shortcut, req, res).catch((error: unknown) => {
      services.logger.error({ err: error }, 'tRPC HTTP handler failed');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ error: { message: 'Erro interno', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 } } }),
        );
      } else res.destroy();
    });
  };
}

async function serve(
  services: Services,
  maxBodyBytes: number,
  shortcut: boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const aborter = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) aborter.abort();
  });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const body = hasBody ? await readBody(req, maxBodyBytes) : undefined;
  const single = !shortcut || body === TOO_LARGE ? undefined : await plainSingleCall(req, body);
  if (single) return serveSingleCall(services, single, aborter.signal, req, res);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const request = new Request(url, {
    method: req.method,
    headers: headersOf(req),
    signal: aborter.signal,
    // A mutation with no input may come as an empty body; read it as `{}` (no input for a single
    // call, none for any call of a batch) so input defaults apply, not a JSON parse error.
    body: body === undefined || body === TOO_LARGE ? undefined : body.length === 0 ? '{}' : body,
  });
  const response = await resolveResponse({
    router: appRouter,
    req: request,
    path: url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : '',
    error: body === TOO_LARGE ? new TRPCError({ code: 'PAYLOAD_TOO_LARGE' }) : null,
    createContext: () => createHttpContext(services, req, res),
  });
  await writeResponse(response, res);
}

/** One query by GET or one mutation by POST with a JSON body: what the dashboard's and the SDK's calls are. */
interface SingleCall {
  path: string;
  procedure: AnyProcedure;
  type: 'query' | 'mutation';
  input: unknown;
}

const config = appRouter._def._config;

/**
 * The call when it is a plain single call that tRPC would answer as one JSON body; undefined for
 * everything else (batches, streams, subscriptions, other content types, unknown paths, a wrong
 * method, input that is not JSON), which goes through tRPC's own `resolveResponse` untouched.
 */
export async function plainSingleCall(req: IncomingMessage, body: Buffer | undefined): Promise<SingleCall | undefined> {
  const target = req.url ?? '';
  const queryStart = target.indexOf('?');
  const pathname = queryStart === -1 ? target : target.slice(0, queryStart);
  if (!pathname.startsWith(BASE_PATH) || pathname.includes(',')) return undefined;
  const search = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1));
  if (search.has('batch') || search.has('connectionParams') || req.headers['trpc-accept'] !== undefined) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(pathname.slice(BASE_PATH.length));
  } catch {
    return undefined;
  }
  const procedure = (await getProcedureAtPath(appRouter, path)) as AnyProcedure | null;
  const type = procedure?._def.type;
  if (!procedure || !(type === 'query' ? req.method === 'GET' : type === 'mutation' && req.method === 'POST')) return undefined;
  if (type === 'mutation' && !req.headers['content-type']?.startsWith('application/json')) return undefined;
  const text = type === 'query' ? search.get('input') || undefined : body!.length === 0 ? '{}' : body!.toString('utf8');
  let raw: unknown;
  try {
    raw = text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
  return {
    path,
    procedure,
    type: type as SingleCall['type'],
    input: raw === undefined ? undefined : config.transformer.input.deserialize(raw),
  };
}

/** A value tRPC refuses to send as one JSON body (it wants httpBatchStreamLink for it). */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  return Object.values(value).some((item) => isPromise(item) || isAsyncIterable(item));
}

/**
 * tRPC's answer to a single call, built the way `resolveResponse` builds it (same procedure call,
 * error shape, status and headers) straight onto node's response: without the fetch Request and
 * Response, their header copies and body streams, which were most of tRPC's cost on a small call.
 */
async function serveSingleCall(
  services: Services,
  call: SingleCall,
  signal: AbortSignal,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let ctx: Awaited<ReturnType<typeof createHttpContext>> | undefined;
  let json: Parameters<typeof transformTRPCResponse>[1];
  try {
    ctx = await createHttpContext(services, req, res);
    const data: unknown = await call.procedure({
      path: call.path,
      getRawInput: () => Promise.resolve(call.input),
      ctx,
      type: call.type,
      signal,
      batchIndex: 0,
    });
    if (isDataStream(data))
      throw new TRPCError({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
      });
    json = { result: { data } };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    json = { error: getErrorShape({ config, ctx, error, input: call.input, path: call.path, type: call.type }) };
  }
  // A string body goes out with the headers in one socket write; a Buffer would be a second chunk (writev).
  const body = JSON.stringify(transformTRPCResponse(config, json));
  res.statusCode = getHTTPStatusCode(json);
  res.setHeader('vary', 'trpc-accept, accept');
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

const TOO_LARGE = Symbol('too large');

/** The whole body, or TOO_LARGE as soon as it passes the limit (the rest is drained, not kept). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | typeof TOO_LARGE> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    req.resume();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > maxBytes ? TOO_LARGE : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.append(name, value);
  }
  return headers;
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.appendHeader('set-cookie', cookies);
  const contentType = response.headers.get('content-type') ?? '';
  if (!response.body || !STREAMED_CONTENT_TYPES.some((type) => contentType.startsWith(type))) {
    const body = Buffer.from(await response.arrayBuffer());
    res.setHeader('content-length', body.length);
    res.end(body);
    return;
  }
  const reader = response.body.getReader();
  res.once('close', () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await drainedOrClosed(res);
    (res as ServerResponse & { flush?: () => void }).flush?.();
  }
  res.end();
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
