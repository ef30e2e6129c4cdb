import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sql } from 'kysely';
import { hasPendingMigrations } from './db/migrator';
import type { RequestObserver } from './platform/observability/request-observer';
import { createSecurityHeaders, type SecurityHeaders } from './platform/security-headers';
import { domainModules } from './domains/modules';
import { createRestSurface } from './rest';
import { platformRestRoutes } from './rest/platform-routes';
import type { Services } from './platform/services';

export const webDistFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

const READY_CHECK_TIMEOUT_MS = 2_000;

/**
 * Everything on the port but tRPC's HTTP calls (served by src/trpc/http-handler.ts): /api/v1
 * (REST), /health, /ready, /metrics and the dashboard.
 */
export function createApp(
  services: Services,
  observeRequest: RequestObserver,
  securityHeaders: SecurityHeaders = createSecurityHeaders({ publicUrl: services.config.publicUrl }),
): express.Express {
  const { metrics } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', services.config.trustProxy);

  app.use(observeRequest);
  app.use(securityHeaders);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const stopTimer = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = routeLabel(req);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      stopTimer(labels);
      if (res.statusCode >= 400) metrics.httpErrors.inc(labels);
    });
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()), instanceId: services.instanceId });
  });
  app.get('/ready', async (_req, res) => {
    const checks = await readinessChecks(services);
    const ready = Object.values(checks).every((check) => check.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  app.get('/metrics', async (req, res) => {
    if (!metricsAuthorized(services.config.metricsToken, req.headers.authorization)) {
      res
        .status(401)
        .setHeader('WWW-Authenticate', 'Bearer')
        .json({ error: 'UNAUTHORIZED', message: 'Métricas exigem Authorization: Bearer <METRICS_TOKEN>', details: {} });
      return;
    }
    metrics.eventBacklog.set(await services.hub.backlog().catch(() => -1));
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  mountRestSurfaces(app, services);
  app.use('/api', (req, res) => {
    res
      .status(404)
      .json({ error: 'ERR_NOT_FOUND', message: `Rota inexistente: ${req.method} ${req.originalUrl.split('?')[0]}`, details: {} });
  });
  mountDashboard(app);
  return app;
}

/** /api/v1 (the platform's routes, then each domain's) and any base path a domain's seed fixed, each with its 404 and error shape. */
function mountRestSurfaces(app: express.Express, services: Services): void {
  const routesByBase = new Map<string, express.Router[]>([['/api/v1', [platformRestRoutes(services)]]]);
  const ownFormat: Array<{ base: string; router: express.Router }> = [];
  for (const domain of domainModules) {
    for (const mount of domain.rest ?? []) {
      if (mount.ownErrorFormat) ownFormat.push({ base: mount.base, router: mount.routes(services) });
      else routesByBase.set(mount.base, [...(routesByBase.get(mount.base) ?? []), mount.routes(services)]);
    }
  }
  for (const [base, routes] of routesByBase) app.use(base, createRestSurface(services, routes));
  // After the surfaces: a router with its own 404 under /v1 must not shadow a deeper base such as /v1/api.
  for (const { base, router } of ownFormat) app.use(base, router);
}

/** Open when no METRICS_TOKEN is set; otherwise the bearer token must match, compared in constant time. */
function metricsAuthorized(expected: string | undefined, authorization: string | undefined): boolean {
  if (expected === undefined) return true;
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  // Digests first: timingSafeEqual needs equal lengths, and the token's length should not leak either.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  if (req.baseUrl) return `${req.baseUrl}/*`;
  return req.path.startsWith('/assets/') ? '/assets/*' : 'dashboard';
}

interface CheckResult {
  ok: boolean;
  error?: string;
}

async function readinessChecks(services: Services): Promise<Record<string, CheckResult>> {
  const check = async (probe: () => Promise<unknown>): Promise<CheckResult> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${READY_CHECK_TIMEOUT_MS} ms`)), READY_CHECK_TIMEOUT_MS);
      });
      await Promise.race([probe(), timeout]);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  };
  const database = await check(() => sql`select 1`.execute(services.db));
  const checks: Record<string, CheckResult> = { database };
  checks.migrations = database.ok
    ? await check(async () => {
        if (await hasPendingMigrations(services.db)) throw new Error('pending migrations');
      })
    : { ok: false, error: 'database unreachable' };
  if (services.redis) checks.redis = await check(() => services.redis!.ping());
  return checks;
}

function mountDashboard(app: express.Express): void {
  const indexFile = path.join(webDistFolder, 'index.html');
  app.use(express.static(webDistFolder, { index: false, maxAge: '1h', setHeaders: noCacheForHtml }));
  app.get(/^\/(?!trpc|api|health|ready|metrics).*/, (_req, res) => {
    if (!existsSync(indexFile)) {
      res.status(503).type('text/plain').send('O painel ainda não foi gerado: rode `npm run build` (ou `npm start`, que gera se preciso).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
}

function noCacheForHtml(res: Response, filePath: string): void {
  if (filePath.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
  else if (filePath.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
}
