import express from 'express';
import type { Services } from '../platform/services';
import { auditExportHandler } from './audit-export';
import { authenticateRestRequest } from './authentication';
import { handleAsync as handle } from './handlers';

/** The platform's own REST routes under /api/v1: who is calling, and the audit export. */
export function platformRestRoutes(services: Services): express.Router {
  const rest = express.Router();
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
  return rest;
}
