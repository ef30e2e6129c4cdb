import express from 'express';
import { isUuid, withTenant } from '../../db/tenant-scope';
import { authenticateRestRequest, requirePermission, type RestPrincipal } from '../../rest/authentication';
import { RestError } from '../../rest/errors';
import { handleAsync } from '../../rest/handlers';
import { sendStoredFile } from '../../platform/files/downloads';
import { largestAllowed } from '../../platform/files/uploads';
import type { Services } from '../../platform/services';
import { ALLOWED_MEDIA, mediaForDownload, mediaLinkResource, storeMedia, tenantMedia } from './media';
import { helpdeskPermissions as can } from './permissions';

const LARGEST_MEDIA_BYTES = largestAllowed(ALLOWED_MEDIA);

async function requireHelpdeskModule(services: Services, principal: RestPrincipal): Promise<void> {
  const tenant = await withTenant(services.db, principal.tenantId, (trx) =>
    trx.selectFrom('tenants').select('modules').executeTakeFirstOrThrow(),
  );
  if (!tenant.modules.includes('helpdesk'))
    throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Atendimento não está ativo para esta empresa', { module: 'helpdesk' });
}

/**
 * Attachments: the dashboard uploads a file (raw body, its type in Content-Type, its name in
 * X-File-Name) and gets a link to put in a reply. The dashboard reads files with the user's
 * session; providers (n8n, Meta) fetch them by a signed link that expires, made at each send.
 */
export function helpdeskMediaRoutes(services: Services): express.Router {
  const routes = express.Router();
  const principals = new WeakMap<express.Request, RestPrincipal>();

  routes.post(
    '/helpdesk/media',
    // Who is sending is settled before any of the body is read: a stranger cannot make the server take in 16 MiB.
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const admitted = async () => {
        const principal = await authenticateRestRequest(services, req);
        requirePermission(principal, can['helpdesk.messages.send']);
        await requireHelpdeskModule(services, principal);
        principals.set(req, principal);
      };
      admitted().then(
        () => next(),
        (error: unknown) => {
          // The unread body is not drained: the connection closes after the refusal.
          res.setHeader('connection', 'close');
          next(error);
        },
      );
    },
    express.raw({ type: () => true, limit: LARGEST_MEDIA_BYTES }),
    handleAsync(async (req, res) => {
      const principal = principals.get(req)!;
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
    '/helpdesk/media/:id',
    handleAsync(async (req, res) => {
      const principal = await authenticateRestRequest(services, req);
      requirePermission(principal, can['helpdesk.tickets.read']);
      await requireHelpdeskModule(services, principal);
      const id = String(req.params.id);
      // Row-level security scopes the read: another tenant's file is as unknown as a missing one.
      const media = isUuid(id) ? await withTenant(services.db, principal.tenantId, (trx) => tenantMedia(trx, id)) : undefined;
      if (!media) throw new RestError(404, 'ERR_NOT_FOUND', 'Arquivo inexistente');
      sendStoredFile(res, media, 'private, no-store');
    }),
  );

  routes.get(
    '/media/:id/:fileName',
    handleAsync(async (req, res) => {
      const id = String(req.params.id);
      const fileName = String(req.params.fileName);
      const verdict = services.links.verify(mediaLinkResource(id, fileName), req.query);
      if (verdict === 'expired') throw new RestError(410, 'ERR_LINK_EXPIRED', 'Este link expirou');
      if (verdict !== 'valid') throw new RestError(403, 'ERR_LINK_INVALID', 'Link inválido: falta a assinatura ou ela não confere');
      const media = isUuid(id) ? await mediaForDownload(services.db, id) : undefined;
      if (!media || media.file_name !== fileName) throw new RestError(404, 'ERR_NOT_FOUND', 'Arquivo inexistente');
      sendStoredFile(res, media, 'private, max-age=300');
    }),
  );

  return routes;
}
