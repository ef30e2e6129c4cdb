import express from 'express';
import { isUuid, withTenant } from '../../../db/tenant-scope';
import type { Services } from '../../../platform/services';
import { authenticateRestRequest, requirePermission } from '../../../rest/authentication';
import { RestError } from '../../../rest/errors';
import { handleAsync } from '../../../rest/handlers';
import { inventoryPermissions as can } from '../permissions';
import { termPdf } from './terms';

/** The responsibility terms' PDFs, for the dashboard (the user's access token) and integrations (an API token with the read scope). */
export function movementsRestRoutes(services: Services): express.Router {
  const routes = express.Router();

  routes.get(
    '/inventory/terms/:termId.pdf',
    handleAsync(async (req, res) => {
      const principal = await authenticateRestRequest(services, req);
      requirePermission(principal, can['inventory.movements.read']);
      const termId = String(req.params.termId);
      // Row-level security scopes the read: another tenant's term is as unknown as a missing one.
      const term = await withTenant(services.db, principal.tenantId, async (trx) => {
        const tenant = await trx.selectFrom('tenants').select('modules').executeTakeFirstOrThrow();
        if (!tenant.modules.includes('inventory'))
          throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Inventário não está ativo para esta empresa', { module: 'inventory' });
        return isUuid(termId) ? termPdf(trx, termId) : undefined;
      });
      if (!term) throw new RestError(404, 'ERR_NOT_FOUND', 'Termo inexistente');
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-length', String(term.pdf.length));
      res.setHeader('content-disposition', `attachment; filename="${term.fileName}"`);
      res.setHeader('content-security-policy', "default-src 'none'; sandbox");
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader('x-content-sha256', term.sha256);
      res.end(Buffer.from(term.pdf));
    }),
  );

  return routes;
}
