import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { resolveResponse } from '@trpc/server/http';
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
 */
export function createTrpcHttpHandler(services: Services): RequestListener {
  const maxBodyBytes = services.config.maxBodyBytes;
  return (req, res) => {
    serve(services, maxBodyBytes, req, res).catch((error: unknown) => {
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

async function serve(services: Services, maxBodyBytes: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const aborter = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) aborter.abort();
  });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const body = hasBody ? await readBody(req, maxBodyBytes) : undefined;
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
