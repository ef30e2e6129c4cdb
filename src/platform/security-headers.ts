import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

export type SecurityHeaders = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Security headers for every HTTP answer (dashboard, assets, tRPC, REST): a Content Security
 * Policy that allows only what the built dashboard loads (its own scripts and styles; images and
 * media from itself, its media links, https, blob: and data:; tRPC over HTTP and WebSocket to
 * itself), no framing, nosniff.
 */
export function createSecurityHeaders(options: { publicUrl: string }): SecurityHeaders {
  const https = options.publicUrl.startsWith('https://');
  // Media links are absolute, on PUBLIC_URL (which a proxy may serve apart from the dashboard's
  // origin); pictures n8n forwards stay links to the sender's own https storage.
  const publicOrigin = URL.canParse(options.publicUrl) ? [new URL(options.publicUrl).origin] : [];
  const mediaSources = ["'self'", ...publicOrigin, 'https:', 'blob:', 'data:'];
  return staticHeaders(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: mediaSources,
          mediaSrc: mediaSources,
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          // The camera's QR reader runs its decoder in a worker it starts from a blob: URL.
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // Only behind https: on plain http it would send the dashboard's calls to a port nobody serves.
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      frameguard: { action: 'deny' },
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      // Media links are opened by the tenant's own tools and pages, not only by the dashboard.
      crossOriginResourcePolicy: { policy: 'same-site' },
    }) as SecurityHeaders,
  );
}

/**
 * The headers a middleware sets (and removes) are the same on every answer: found once, by running
 * it against a recording response, then set per request in one loop instead of helmet's chain of
 * a dozen middlewares.
 */
function staticHeaders(middleware: SecurityHeaders): SecurityHeaders {
  const set: Array<[string, string | number | readonly string[]]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => set.push([name, value]),
    removeHeader: (name: string) => removed.push(name),
  } as unknown as ServerResponse;
  let passed = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as IncomingMessage, recorder, (error) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    passed = true;
  });
  if (!passed) throw new Error('security headers: the middleware did not finish synchronously');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}
