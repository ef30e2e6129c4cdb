import express from 'express';
import { isUuid, withTenant } from '../../../db/tenant-scope';
import type { Services } from '../../../platform/services';
import { authenticateRestRequest, requirePermission } from '../../../rest/authentication';
import { RestError } from '../../../rest/errors';
import { handleAsync } from '../../../rest/handlers';
import { inventoryPermissions as can } from '../permissions';
import { auditReportCsv, auditReportPdf, loadAuditReport, type AuditReport } from './report';

/** The download's name: the audit's name as letters, digits and dashes. */
const fileNameOf = (report: AuditReport, extension: string) =>
  `inventario-${
    report.audit.name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\w]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase()
      .slice(0, 60) || 'relatorio'
  }.${extension}`;

/**
 * A closed audit's report, for whoever reads audits (a user's session, or an API token with the
 * scope): GET /api/v1/inventory/audits/:id/report.pdf and …/report.csv. Another tenant's audit is
 * as unknown as a made-up id.
 */
export function auditsRestRoutes(services: Services): express.Router {
  const routes = express.Router();
  const reportOf = async (req: express.Request) => {
    const principal = await authenticateRestRequest(services, req);
    requirePermission(principal, can['inventory.audits.read']);
    const tenant = await withTenant(services.db, principal.tenantId, (trx) =>
      trx.selectFrom('tenants').select(['name', 'timezone', 'modules']).executeTakeFirstOrThrow(),
    );
    if (!tenant.modules.includes('inventory'))
      throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Inventário não está ativo para esta empresa', { module: 'inventory' });
    const auditId = String(req.params.id);
    if (!isUuid(auditId)) throw new RestError(404, 'ERR_NOT_FOUND', 'Inventário não encontrado');
    const report = await withTenant(services.db, principal.tenantId, (trx) => loadAuditReport(trx, auditId));
    return { report, tenant };
  };
  const send = (res: express.Response, body: Buffer, type: string, fileName: string) => {
    res.setHeader('content-type', type);
    res.setHeader('content-disposition', `attachment; filename="${fileName}"`);
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(body);
  };

  routes.get(
    '/inventory/audits/:id/report.pdf',
    handleAsync(async (req, res) => {
      const { report, tenant } = await reportOf(req);
      const pdf = await auditReportPdf(report, { tenantName: tenant.name, timeZone: tenant.timezone });
      send(res, Buffer.from(pdf), 'application/pdf', fileNameOf(report, 'pdf'));
    }),
  );

  routes.get(
    '/inventory/audits/:id/report.csv',
    handleAsync(async (req, res) => {
      const { report } = await reportOf(req);
      send(res, Buffer.from(auditReportCsv(report), 'utf8'), 'text/csv; charset=utf-8', fileNameOf(report, 'csv'));
    }),
  );
  return routes;
}
