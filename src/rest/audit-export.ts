import type { Request, Response } from 'express';
import { z } from 'zod';
import { withTenant } from '../db/tenant-scope';
import { AUDIT_CSV_COLUMNS, auditItemToCsvRow, iterateAuditEntries } from '../platform/audit/audit-log';
import { platformPermissions } from '../platform/platform-permissions';
import type { Services } from '../platform/services';
import { auditFiltersInput } from '../trpc/routers/audit';
import { authenticateRestRequest, requirePermission } from './authentication';

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
    const entries = iterateAuditEntries((work) => withTenant(services.db, principal.tenantId, work), filters);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    res.setHeader('Content-Disposition', `attachment; filename="auditoria-${stamp}.${format}"`);
    res.setHeader('Cache-Control', 'no-store');
    let aborted = false;
    res.on('close', () => {
      aborted = !res.writableFinished;
    });
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8');
      res.write(`\uFEFF${AUDIT_CSV_COLUMNS.join(',')}\r\n`);
      for await (const item of entries) {
        if (aborted) return;
        if (!res.write(`${auditItemToCsvRow(item)}\r\n`)) await waitForDrain(res);
      }
    } else {
      res.type('application/json; charset=utf-8');
      res.write('[');
      let first = true;
      for await (const item of entries) {
        if (aborted) return;
        if (!res.write(`${first ? '' : ','}\n${JSON.stringify(item)}`)) await waitForDrain(res);
        first = false;
      }
      res.write('\n]\n');
    }
    res.end();
  };
}

function waitForDrain(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
