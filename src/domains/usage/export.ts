import express, { type Router } from 'express';
import { withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { csvField } from '../../platform/audit/audit-log';
import type { Services } from '../../platform/services';
import { authenticateRestRequest, requirePermission } from '../../rest/authentication';
import { handleAsync } from '../../rest/handlers';
import { streamExport } from '../../rest/streamed-export';
import { recordsQuery, toRecordView, type UsageRecordView } from './analytics';
import { usagePermissions as can } from './permissions';
import { exportQuery } from './schemas';

const PAGE = 1000;

const CSV_COLUMNS = [
  'id',
  'createdAt',
  'userId',
  'userName',
  'requestId',
  'sessionId',
  'model',
  'endpoint',
  'method',
  'promptTokens',
  'completionTokens',
  'totalTokens',
  'estimatedTokens',
  'estimationAccuracy',
  'costPerToken',
  'totalCost',
  'responseTimeMs',
  'queueTimeMs',
  'processingTimeMs',
  'statusCode',
  'errorType',
  'errorMessage',
  'isCached',
  'isRetry',
  'retryCount',
  'userAgent',
  'ipAddress',
  'countryCode',
] as const satisfies ReadonlyArray<keyof UsageRecordView>;

function recordToCsvRow(record: UsageRecordView): string {
  return CSV_COLUMNS.map((column) => {
    const value = record[column];
    return csvField(value === null ? null : String(value));
  }).join(',');
}

/** Every matching record, oldest first, a page per transaction. */
async function* recordsInOrder(
  runInTenant: <T>(work: (trx: TenantTransaction) => Promise<T>) => Promise<T>,
  filters: { userId?: string | undefined; from?: string | undefined; to?: string | undefined },
): AsyncGenerator<UsageRecordView> {
  let after: string | undefined;
  for (;;) {
    const page = await runInTenant((trx) => {
      let query = recordsQuery(trx, filters).orderBy('r.id').limit(PAGE);
      if (after) query = query.where('r.id', '>', after);
      return query.execute();
    });
    for (const row of page) yield toRecordView(row);
    if (page.length < PAGE) return;
    after = page.at(-1)!.id;
  }
}

/** GET /api/v1/usage/export?format=csv|json&from&to&userId — the usage records, streamed (API token with usage.export, or a user allowed to). */
export function usageRestRoutes(services: Services): Router {
  const router = express.Router();
  router.get(
    '/usage/export',
    handleAsync(async (req, res) => {
      const principal = await authenticateRestRequest(services, req);
      requirePermission(principal, can['usage.export']);
      const { format, ...filters } = exportQuery.parse(req.query);
      await streamExport(res, {
        format,
        fileName: 'uso-ia',
        csvColumns: CSV_COLUMNS,
        toCsvRow: recordToCsvRow,
        items: recordsInOrder((work) => withTenant(services.db, principal.tenantId, work), filters),
      });
    }),
  );
  return router;
}
