import type { IncomingMessage, RequestListener } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Services } from '../services';
import { appRouter } from './app-router';
import { createHttpContext } from './context';

export const TRPC_PATH = '/trpc';

export function isTrpcRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return url === TRPC_PATH || url.startsWith(`${TRPC_PATH}/`) || url.startsWith(`${TRPC_PATH}?`);
}

/** tRPC over HTTP on node:http directly: the hot path skips Express's routing and middleware. */
export function createTrpcHttpHandler(services: Services): RequestListener {
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: services.config.maxBodyBytes,
    createContext: ({ req, res }) => createHttpContext(services, req, res),
  });
  return (req, res) => {
    // A mutation with no input may come as an empty JSON body; read it as `{}` (no input for a
    // single call, none for any call of a batch) so input defaults apply, not a JSON parse error.
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    if (req.method === 'POST' && !hasBody) (req as IncomingMessage & { body?: unknown }).body = {};
    handler(req, res);
  };
}
