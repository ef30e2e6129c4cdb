import express from 'express';
import { generateWorkflow, workflowRequest } from '../platform/n8n/downloads';
import type { Services } from '../platform/services';
import { auditExportHandler } from './audit-export';
import { authenticateRestRequest } from './authentication';
import { handleAsync as handle } from './handlers';

/** The platform's own REST routes under /api/v1: who is calling, the audit export and the n8n workflows. */
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
  // The n8n workflow of a kind, for this tenant, as the file n8n imports (a token needs the kind's permission as a scope).
  rest.get(
    '/n8n/workflows/:kind',
    handle(async (req, res) => {
      const principal = await authenticateRestRequest(services, req);
      const request = workflowRequest.parse({
        kind: req.params.kind,
        ...(req.query.channelId !== undefined ? { channelId: req.query.channelId } : {}),
      });
      const generated = await generateWorkflow(services, principal, request);
      res.setHeader('Content-Disposition', `attachment; filename="${generated.fileName}"`);
      res.json(generated.workflow);
    }),
  );
  return rest;
}
