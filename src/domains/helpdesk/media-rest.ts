import express from 'express';
import { isUuid, withTenant } from '../../db/tenant-scope';
import { authenticateRestRequest, requirePermission } from '../../rest/authentication';
import { RestError } from '../../rest/errors';
import { handleAsync } from '../../rest/handlers';
import type { Services } from '../../platform/services';
import { ALLOWED_MEDIA, mediaForDownload, storeMedia } from './media';
import { helpdeskPermissions as can } from './permissions';

const LARGEST_MEDIA_BYTES = Math.max(...Object.values(ALLOWED_MEDIA).map((type) => type.maxBytes));

/**
 * Attachments: the dashboard uploads a file (raw body, its type in Content-Type, its name in
 * X-File-Name) and gets a link to put in a reply; providers and browsers fetch it by that link.
 */
export function helpdeskMediaRoutes(services: Services): express.Router {
  const routes = express.Router();

  routes.post(
    '/helpdesk/media',
    express.raw({ type: () => true, limit: LARGEST_MEDIA_BYTES }),
    handleAsync(async (req, res) => {
      const principal = await authenticateRestRequest(services, req);
      requirePermission(principal, can['helpdesk.messages.send']);
      const tenant = await withTenant(services.db, principal.tenantId, (trx) =>
        trx.selectFrom('tenants').select('modules').executeTakeFirstOrThrow(),
      );
      if (!tenant.modules.includes('helpdesk'))
        throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Atendimento não está ativo para esta empresa', { module: 'helpdesk' });
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const fileName = req.get('x-file-name');
      const stored = await withTenant(services.db, principal.tenantId, (trx) =>
        storeMedia(trx, principal.audit, services.config.publicUrl, {
          content,
          mimeType: req.get('content-type') ?? '',
          ...(fileName ? { fileName: decodeURIComponent(fileName) } : {}),
        }),
      );
      res.status(201).json(stored);
    }),
  );

  routes.get(
    '/media/:id/:fileName',
    handleAsync(async (req, res) => {
      const id = String(req.params.id);
      const media = isUuid(id) ? await mediaForDownload(services.db, id) : undefined;
      if (!media || media.file_name !== req.params.fileName) throw new RestError(404, 'ERR_NOT_FOUND', 'Arquivo inexistente');
      const inline = media.mime_type.startsWith('image/') || media.mime_type.startsWith('audio/') || media.mime_type.startsWith('video/');
      res.setHeader('content-type', media.mime_type);
      res.setHeader('content-length', String(media.size_bytes));
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-security-policy', "default-src 'none'; sandbox");
      res.setHeader('cache-control', 'private, max-age=86400, immutable');
      res.setHeader('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${media.file_name}"`);
      res.setHeader('etag', `"${media.sha256}"`);
      res.end(Buffer.from(media.content));
    }),
  );

  return routes;
}
