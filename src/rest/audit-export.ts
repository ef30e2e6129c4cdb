import type { Request, Response } from 'express';
import { z } from 'zod';
import { withTenant } from '../db/tenant-scope';
import { AUDIT_CSV_COLUMNS, auditItemToCsvRow, iterateAuditEntries } from '../platform/audit/audit-log';
import { platformPermissions } from '../platform/platform-permissions';
import type { Services } from '../platform/services';
import { auditFiltersInput } from '../trpc/routers/audit';
import { authenticateRestRequest, requirePermission } from './authentication';
import { streamExport } from './streamed-export';

const exportQuery = auditFiltersInput.extend({ format: z.enum(['csv', 'json']).default('csv') });

/**
 * GET /api/v1/audit/export?format=csv|json&action=…: the tenant's audit log, streamed page by
 * page so a large export never sits in memory.
 */
export function auditExportHandler(services: Services) {
  return async (req: Request, res: Response): Promise<void> => {
    const principal = await authenticateRestRequest(services, req);
    requirePermission(principal, platformPermissions['audit.export']);
    const { format, ...filters } = exportQuery.parse(req.query);
    await streamExport(res, {
      format,
      fileName: 'auditoria',
      csvColumns: AUDIT_CSV_COLUMNS,
      toCsvRow: auditItemToCsvRow,
      items: iterateAuditEntries((work) => withTenant(services.db, principal.tenantId, work), filters),
    });
  };
}
