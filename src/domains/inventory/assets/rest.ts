import express from 'express';
import { isUuid, withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import { sendStoredFile } from '../../../platform/files/downloads';
import { largestAllowed } from '../../../platform/files/uploads';
import type { Services } from '../../../platform/services';
import { authenticateRestRequest, requirePermission, type RestPrincipal } from '../../../rest/authentication';
import { RestError } from '../../../rest/errors';
import { handleAsync } from '../../../rest/handlers';
import { streamExport } from '../../../rest/streamed-export';
import { inventoryPermissions as can } from '../permissions';
import { listAssets } from './asset-search';
import type { AssetView } from './asset-views';
import { ATTACHMENT_TYPES, attachmentForDownload, storeAttachment } from './attachments';
import { assetCells, csvLine, exportColumns, exportContext } from './csv-export';
import { labelAssets, labelSheetPdf, singleLabelPdf, tenantLabelGrid } from './labels';
import { attachmentKind, labelAssetIds, listAssetsInput, type ListAssetsInput } from './schemas';

const EXPORT_PAGE = 1_000;

/** Runs `work` in the principal's tenant once the tenant is known to have the inventory on (403 otherwise). */
async function inInventory<T>(services: Services, principal: RestPrincipal, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
  return withTenant(services.db, principal.tenantId, async (trx) => {
    const tenant = await trx.selectFrom('tenants').select('modules').executeTakeFirstOrThrow();
    if (!tenant.modules.includes('inventory'))
      throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Inventário não está ativo para esta empresa', { module: 'inventory' });
    return work(trx);
  });
}

async function admitted(services: Services, req: express.Request, permission: string): Promise<RestPrincipal> {
  const principal = await authenticateRestRequest(services, req);
  requirePermission(principal, permission);
  return principal;
}

const notFound = (message: string) => new RestError(404, 'ERR_NOT_FOUND', message);

/** Ids from `?assetIds=a,b` (or the parameter repeated). */
const idsOfQuery = (value: unknown) =>
  [value ?? []]
    .flat()
    .flatMap((item) => String(item).split(','))
    .map((id) => id.trim())
    .filter(Boolean);

function sendPdf(res: express.Response, pdf: Uint8Array, fileName: string): void {
  res.setHeader('content-type', 'application/pdf');
  res.setHeader('content-length', String(pdf.byteLength));
  res.setHeader('content-disposition', `inline; filename="${fileName}"`);
  res.setHeader('cache-control', 'private, no-store');
  res.end(Buffer.from(pdf));
}

/**
 * The assets' files under /api/v1/inventory: attachments (uploaded as the raw body, its type in
 * Content-Type and name in X-File-Name; read with the user's session), QR label PDFs (a sheet
 * on the tenant's grid, or one label) and the CSV export of a filtered list.
 */
export function assetsRestRoutes(services: Services): express.Router {
  const routes = express.Router();
  const principals = new WeakMap<express.Request, RestPrincipal>();

  routes.post(
    '/inventory/assets/:assetId/attachments',
    // Who is sending is settled before any of the body is read: a stranger cannot make the server take in 20 MiB.
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      admitted(services, req, can['inventory.assets.write']).then(
        (principal) => {
          principals.set(req, principal);
          next();
        },
        (error: unknown) => {
          res.setHeader('connection', 'close');
          next(error);
        },
      );
    },
    express.raw({ type: () => true, limit: largestAllowed(ATTACHMENT_TYPES) }),
    handleAsync(async (req, res) => {
      const principal = principals.get(req)!;
      const assetId = String(req.params.assetId);
      const kind = req.query.kind === undefined ? undefined : attachmentKind.parse(req.query.kind);
      const fileName = req.get('x-file-name');
      const stored = await inInventory(services, principal, async (trx) => {
        if (!isUuid(assetId)) throw notFound('Ativo não encontrado');
        return storeAttachment(trx, principal.audit, assetId, {
          content: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          mimeType: req.get('content-type') ?? '',
          ...(fileName ? { fileName: decodeURIComponent(fileName) } : {}),
          kind,
        });
      });
      res.status(201).json(stored);
    }),
  );

  routes.get(
    '/inventory/attachments/:id/:fileName',
    handleAsync(async (req, res) => {
      const principal = await admitted(services, req, can['inventory.assets.read']);
      const id = String(req.params.id);
      // Row-level security scopes the read: another tenant's file is as unknown as a missing one.
      const file = await inInventory(services, principal, async (trx) =>
        isUuid(id) ? attachmentForDownload(trx, id, String(req.params.fileName)) : undefined,
      );
      if (!file) throw notFound('Anexo inexistente');
      sendStoredFile(res, file, 'private, no-store');
    }),
  );

  const labelSheet = async (req: express.Request, res: express.Response, ids: unknown) => {
    const principal = await admitted(services, req, can['inventory.assets.read']);
    const assetIds = labelAssetIds.parse(ids);
    const pdf = await inInventory(services, principal, async (trx) =>
      labelSheetPdf(await labelAssets(trx, assetIds), await tenantLabelGrid(trx), services.config.publicUrl),
    );
    sendPdf(res, pdf, `etiquetas-${assetIds.length}.pdf`);
  };
  routes.get(
    '/inventory/labels.pdf',
    handleAsync((req, res) => labelSheet(req, res, idsOfQuery(req.query.assetIds))),
  );
  routes.post(
    '/inventory/labels.pdf',
    handleAsync((req, res) => labelSheet(req, res, (req.body as { assetIds?: unknown } | undefined)?.assetIds)),
  );

  routes.get(
    '/inventory/assets/export.csv',
    handleAsync(async (req, res) => {
      const principal = await admitted(services, req, can['inventory.assets.read']);
      const filters = listAssetsInput.parse({
        ...(req.query.q ? { q: String(req.query.q) } : {}),
        ...(req.query.categoryId ? { categoryId: String(req.query.categoryId) } : {}),
        ...(req.query.locationId ? { locationId: String(req.query.locationId) } : {}),
        ...(req.query.status ? { status: idsOfQuery(req.query.status) } : {}),
        ...(req.query.sort ? { sort: String(req.query.sort) } : {}),
      });
      const context = await inInventory(services, principal, (trx) => exportContext(trx));
      // Page by page, each in its own short transaction: a million rows never sit in memory or hold one snapshot open.
      async function* assets(): AsyncGenerator<AssetView> {
        let cursor: string | undefined;
        do {
          const input: ListAssetsInput = { ...filters, limit: EXPORT_PAGE, ...(cursor ? { cursor } : {}) };
          const page = await inInventory(services, principal, (trx) => listAssets(trx, input));
          yield* page.items;
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      await streamExport(res, {
        format: 'csv',
        fileName: 'ativos',
        csvColumns: exportColumns(context),
        toCsvRow: (asset) => csvLine(assetCells(asset, context)),
        items: assets(),
      });
    }),
  );

  routes.get(
    '/inventory/assets/:id/label.pdf',
    handleAsync(async (req, res) => {
      const principal = await admitted(services, req, can['inventory.assets.read']);
      const id = String(req.params.id);
      const label = await inInventory(services, principal, async (trx) => {
        if (!isUuid(id)) throw notFound('Ativo não encontrado');
        const [asset] = await labelAssets(trx, [id]);
        return { asset: asset!, pdf: await singleLabelPdf(asset!, await tenantLabelGrid(trx), services.config.publicUrl) };
      });
      sendPdf(res, label.pdf, `etiqueta-${label.asset.tag}.pdf`);
    }),
  );

  return routes;
}
