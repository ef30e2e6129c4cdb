import express from 'express';
import { agendaRestRoutes } from '../domains/agenda/rest';
import { helpdeskMediaRoutes } from '../domains/helpdesk/media-rest';
import { helpdeskWebhooks } from '../domains/helpdesk/rest';
import type { Services } from '../services';
import { auditExportHandler } from './audit-export';
import { authenticateRestRequest } from './authentication';
import { restErrorHandler, sendRestError } from './errors';
import { handleAsync as handle, keepRawBody } from './handlers';

/** The machine-to-machine surface under /api/v1. Domains add their rest.ts routers here. */
export function createRestRouter(services: Services): express.Router {
  const rest = express.Router();
  rest.use(express.json({ limit: services.config.maxBodyBytes, strict: true, verify: keepRawBody }));

  rest.get(
    '/auth/whoami',
    handle(async (req, res) => {
      const principal = await authenticateRestRequest(services, req);
      res.json(
        principal.kind === 'api_token'
          ? {
              kind: principal.kind,
              tenantId: principal.tenantId,
              tokenId: principal.tokenId,
              name: principal.name,
              scopes: [...principal.scopes].sort(),
            }
          : {
              kind: principal.kind,
              tenantId: principal.tenantId,
              userId: principal.user.userId,
              email: principal.user.email,
              role: principal.user.role.key,
            },
      );
    }),
  );
  rest.get('/audit/export', handle(auditExportHandler(services)));
  rest.use('/webhooks', helpdeskWebhooks(services));
  rest.use(agendaRestRoutes(services));
  rest.use(helpdeskMediaRoutes(services));

  rest.use((req, res) =>
    sendRestError(res, 404, {
      error: 'ERR_NOT_FOUND',
      message: `Rota inexistente: ${req.method} ${req.originalUrl.split('?')[0]}`,
      details: {},
    }),
  );
  rest.use(restErrorHandler(services.logger));
  return rest;
}
