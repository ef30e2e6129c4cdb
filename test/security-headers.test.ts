import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './support/app';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('security headers', () => {
  let app: RunningTestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.stop());

  it.each([
    ['the dashboard', '/'],
    ['a dashboard route', '/helpdesk/tickets'],
    ['tRPC', '/trpc/auth.me'],
    ['the REST API', '/api/v1/auth/whoami'],
    ['the external API', '/v1/api/openapi.json'],
    ['health', '/health'],
  ])('%s answers with a CSP that forbids framing, nosniff and no frames', async (_name, path) => {
    const response = await fetch(`${app.url}${path}`);
    const policy = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      policy.split(';').map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name!, values.join(' ')];
      }),
    );
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    // Media links are absolute on PUBLIC_URL; forwarded pictures may sit on the sender's https storage.
    expect(directives.get('img-src')).toBe("'self' http://localhost:0 https: blob: data:");
    expect(directives.get('media-src')).toBe("'self' http://localhost:0 https: blob: data:");
    expect(directives.get('connect-src')).toBe("'self' ws: wss:");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.has('upgrade-insecure-requests')).toBe(false); // plain http here
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
