import { createHash } from 'node:crypto';
import type { InventoryAttachment, InventoryAttachmentKind } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { appendEvent } from '../../../platform/events/outbox';
import type { StoredFile } from '../../../platform/files/downloads';
import { allowTypes, checkUpload, MiB, type IncomingFile } from '../../../platform/files/uploads';
import { lockAsset, toAssetSummary } from './assets';
import { missing } from './errors';

/** Photos, invoices and manuals: pictures, PDFs, text and office files, never anything a browser would run. */
export const ATTACHMENT_TYPES = allowTypes({
  'image/jpeg': 10 * MiB,
  'image/png': 10 * MiB,
  'image/webp': 10 * MiB,
  'application/pdf': 20 * MiB,
  'text/plain': 5 * MiB,
  'text/csv': 5 * MiB,
  'application/msword': 20 * MiB,
  'application/vnd.ms-excel': 20 * MiB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 20 * MiB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 20 * MiB,
});

export interface AttachmentView {
  id: string;
  assetId: string;
  kind: InventoryAttachmentKind;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  createdAt: string;
  /** Where the dashboard reads it, with the user's session. */
  url: string;
}

export const attachmentNotFound = () => missing('Anexo não encontrado');

export const attachmentPath = (id: string, fileName: string) => `/api/v1/inventory/attachments/${id}/${fileName}`;

type AttachmentRow = Omit<InventoryAttachment, 'content' | 'tenant_id' | 'sha256' | 'uploaded_by'>;

const toAttachmentView = (row: AttachmentRow): AttachmentView => ({
  id: row.id,
  assetId: row.asset_id,
  kind: row.kind,
  fileName: row.file_name,
  mimeType: row.mime_type,
  sizeBytes: row.size_bytes,
  createdAt: new Date(row.created_at).toISOString(),
  url: attachmentPath(row.id, row.file_name),
});

const LISTED = ['id', 'asset_id', 'kind', 'file_name', 'mime_type', 'size_bytes', 'created_at'] as const;

async function assertAsset(trx: TenantTransaction, assetId: string): Promise<void> {
  const asset = await trx.selectFrom('inventory_assets').select('id').where('id', '=', assetId).executeTakeFirst();
  if (!asset) throw missing('Ativo não encontrado');
}

/** The asset's files, oldest first (the first photo stays the first). */
export async function listAttachments(trx: TenantTransaction, assetId: string): Promise<AttachmentView[]> {
  await assertAsset(trx, assetId);
  const rows = await trx
    .selectFrom('inventory_attachments')
    .select(LISTED)
    .where('asset_id', '=', assetId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toAttachmentView);
}

/** Checks a file (type, size, first bytes) and keeps it with the asset; a picture is a photo unless said otherwise. */
export async function storeAttachment(
  trx: TenantTransaction,
  audit: AuditContext,
  assetId: string,
  file: IncomingFile & { kind?: InventoryAttachmentKind | undefined },
): Promise<AttachmentView> {
  await assertAsset(trx, assetId);
  const checked = checkUpload(file, ATTACHMENT_TYPES, 'ATTACHMENT');
  const row = await trx
    .insertInto('inventory_attachments')
    .values({
      tenant_id: tenantOf(trx),
      asset_id: assetId,
      kind: file.kind ?? (checked.type.kind === 'image' ? 'photo' : 'other'),
      file_name: checked.fileName,
      mime_type: checked.mimeType,
      size_bytes: checked.content.byteLength,
      sha256: createHash('sha256').update(checked.content).digest('hex'),
      content: checked.content,
      uploaded_by: audit.actor.type === 'user' ? audit.actor.id : null,
    })
    .returning(LISTED)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.asset.attachment_added',
    entity: 'inventory_attachments',
    entityId: row.id,
    after: { assetId, kind: row.kind, fileName: row.file_name, mimeType: row.mime_type, sizeBytes: row.size_bytes },
  });
  await appendEvent(trx, 'inventory.asset.attachment_added', { assetId, attachmentId: row.id, fileName: row.file_name });
  return toAttachmentView(row);
}

export async function deleteAttachment(trx: TenantTransaction, audit: AuditContext, attachmentId: string): Promise<void> {
  const deleted = await trx.deleteFrom('inventory_attachments').where('id', '=', attachmentId).returning(LISTED).executeTakeFirst();
  if (!deleted) throw attachmentNotFound();
  await recordAudit(trx, audit, {
    action: 'inventory.asset.attachment_deleted',
    entity: 'inventory_attachments',
    entityId: deleted.id,
    before: { assetId: deleted.asset_id, kind: deleted.kind, fileName: deleted.file_name },
  });
  await appendEvent(trx, 'inventory.asset.updated', toAssetSummary(await lockAsset(trx, deleted.asset_id)));
}

/** A file of this tenant under its name, to send; undefined for another tenant's, a missing one or a wrong name. */
export async function attachmentForDownload(
  trx: TenantTransaction,
  attachmentId: string,
  fileName: string,
): Promise<StoredFile | undefined> {
  return trx
    .selectFrom('inventory_attachments')
    .select(['file_name', 'mime_type', 'size_bytes', 'content', 'sha256'])
    .where('id', '=', attachmentId)
    .where('file_name', '=', fileName)
    .executeTakeFirst();
}
