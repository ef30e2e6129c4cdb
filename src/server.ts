import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { createApp } from './app';
import { createRequestObserver } from './platform/observability/request-observer';
import { createSecurityHeaders } from './platform/security-headers';
import type { Services } from './platform/services';
import { appRouter } from './trpc/app-router';
import { createWebSocketContext } from './trpc/context';
import { createTrpcHttpHandler, isTrpcRequest } from './trpc/http-handler';
import { subscriptionEncoder } from './trpc/ws-encoder';

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting, tells WebSocket clients to reconnect elsewhere, waits for in-flight requests. */
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;
/** A revoked device's subscriptions end first (their error reaches it); then its socket closes. */
const REVOKED_DEVICE_CLOSE_DELAY_MS = 250;
const DEVICE_REVOKED_CLOSE_CODE = 4001;

/** One port for HTTP (tRPC, REST, dashboard) and the tRPC WebSocket at /trpc. */
export async function startHttpServer(services: Services, options: { port: number; host: string }): Promise<RunningServer> {
  const observeRequest = createRequestObserver(services.logger, { trustProxy: services.config.trustProxy });
  const securityHeaders = createSecurityHeaders({ publicUrl: services.config.publicUrl });
  const app = createApp(services, observeRequest, securityHeaders);
  const trpc = createTrpcHttpHandler(services);
  // Idle kept-alive sockets live longer than a load balancer's (60 s) and than clients' own, so the
  // client closes first and never sends on a socket the server is closing (ECONNRESET, the call never
  // received). Answers advertise `Keep-Alive: timeout=65` and node closes at 66 s. undici (fetch)
  // closes at that hint less 2 s; node:http's Agent follows the hint only when it has a `timeout` of
  // its own (an Agent({ keepAlive: true }) without one keeps idle sockets forever: such a sender
  // idle past 66 s can still meet a reset, and must retry it, as senders retry any network error).
  // requestTimeout and headersTimeout bound receiving a request, not the wait for its answer: a
  // call queued behind a group commit is not cut by them.
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 65_000 }, (req, res) => {
    if (isTrpcRequest(req)) observeRequest(req, res, () => securityHeaders(req, res, () => trpc(req, res)));
    else app(req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: services.config.maxBodyBytes });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: async ({ req, res: socket, info }) => {
      const context = await createWebSocketContext(services, req, socket, info.connectionParams);
      if (context.auth.kind === 'device') {
        const stop = services.devices.revocations.onRevoked(context.auth.device.deviceId, () => {
          stop();
          setTimeout(() => socket.close(DEVICE_REVOKED_CLOSE_CODE, 'device revoked'), REVOKED_DEVICE_CLOSE_DELAY_MS).unref();
        });
        socket.once('close', stop);
      }
      return context;
    },
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    // An event's JSON is made once for all its subscribers, not once per frame.
    experimental_encoder: subscriptionEncoder,
  });
  wss.on('connection', (socket) => {
    services.metrics.websocketConnections.inc();
    socket.once('close', () => services.metrics.websocketConnections.dec());
  });
  server.on('upgrade', (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== '/trpc') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://localhost:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      wsHandler.broadcastReconnectNotification();
      server.closeIdleConnections();
      for (const client of wss.clients) client.close(1012, 'server restarting');
      const forceTimer = setTimeout(() => {
        server.closeAllConnections();
        for (const client of wss.clients) client.terminate();
      }, SHUTDOWN_GRACE_MS);
      forceTimer.unref();
      await closed;
      clearTimeout(forceTimer);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
