import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withSystem } from '../../db/system-scope';
import type { DB } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { LinkSigner } from '../../platform/auth/signed-links';
import { allowTypes, checkUpload, MiB, safeFileName, type AllowedType, type FileKind } from '../../platform/files/uploads';

export type MediaKind = FileKind;

/** What agents may attach: the types WhatsApp delivers, each with the size WhatsApp accepts for it. */
export const ALLOWED_MEDIA: Record<string, AllowedType> = allowTypes({
  'image/jpeg': 5 * MiB,
  'image/png': 5 * MiB,
  'image/webp': 5 * MiB,
  'audio/ogg': 16 * MiB,
  'audio/mpeg': 16 * MiB,
  'audio/mp4': 16 * MiB,
  'video/mp4': 16 * MiB,
  'application/pdf': 16 * MiB,
  'text/plain': 16 * MiB,
  'text/csv': 16 * MiB,
  'application/msword': 16 * MiB,
  'application/vnd.ms-excel': 16 * MiB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 16 * MiB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 16 * MiB,
});

export interface StoredMedia {
  id: string;
  url: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  kind: MediaKind;
}

/** What a signed media link names: one stored file, under its name. */
export function mediaLinkResource(id: string, fileName: string): string {
  return `helpdesk-media:${id}/${fileName}`;
}

export function mediaUrl(publicUrl: string, id: string, fileName: string): string {
  return `${publicUrl}/api/v1/media/${id}/${fileName}`;
}

const OWN_MEDIA_PATH = /\/api\/v1\/media\/([0-9a-f-]{36})\/([^/?#]+)$/i;

/** How links to stored media are made for providers: signed, for a while, from this server's public URL. */
export interface MediaLinks {
  links: LinkSigner;
  publicUrl: string;
}

/**
 * The link a provider (n8n, Meta) fetches a message's file by: for a file of this tenant stored
 * here, a signed link that expires (made at each send, so a retry carries a fresh one); any other
 * link as it is.
 */
export async function providerMediaUrl(trx: TenantTransaction, media: MediaLinks, url: string): Promise<string> {
  const [, id, fileName] = (url.startsWith(`${media.publicUrl}/api/v1/media/`) && OWN_MEDIA_PATH.exec(url)) || [];
  if (!id || !fileName) return url;
  const own = await trx.selectFrom('helpdesk_media').select('id').where('id', '=', id).where('file_name', '=', fileName).executeTakeFirst();
  return own ? media.links.sign(url, mediaLinkResource(id, fileName)) : url;
}

/** Type, size and name of a file of this tenant that a link points at; nothing for a link elsewhere. */
export async function describeOwnMedia(
  trx: TenantTransaction,
  url: string,
): Promise<{ mime_type: string; size_bytes: number; file_name: string } | undefined> {
  const id = OWN_MEDIA_PATH.exec(url)?.[1];
  if (!id) return undefined;
  return trx.selectFrom('helpdesk_media').select(['mime_type', 'size_bytes', 'file_name']).where('id', '=', id).executeTakeFirst();
}

/** Checks a file an agent attaches (type, size, first bytes) and keeps it; answers its public link. */
export async function storeMedia(
  trx: TenantTransaction,
  audit: AuditContext,
  publicUrl: string,
  file: { content: Uint8Array; mimeType: string; fileName?: string },
): Promise<StoredMedia> {
  const checked = checkUpload(file, ALLOWED_MEDIA, 'MEDIA');
  const { mimeType } = checked;
  const stored = await keepMedia(
    trx,
    publicUrl,
    { content: checked.content, mimeType, fileName: checked.fileName },
    audit.actor.type === 'user' ? audit.actor.id : null,
  );
  await recordAudit(trx, audit, {
    action: 'helpdesk.media.uploaded',
    entity: 'helpdesk_media',
    entityId: stored.id,
    after: { fileName: stored.fileName, mimeType, sizeBytes: stored.sizeBytes },
  });
  return { ...stored, kind: checked.type.kind };
}

/** Stores a file as given (a provider's media for an inbound message, or a checked upload). */
export async function keepMedia(
  trx: TenantTransaction,
  publicUrl: string,
  file: { content: Uint8Array; mimeType: string; fileName: string },
  uploadedBy: string | null = null,
): Promise<Omit<StoredMedia, 'kind'>> {
  const stored = await trx
    .insertInto('helpdesk_media')
    .values({
      tenant_id: tenantOf(trx),
      file_name: file.fileName,
      mime_type: file.mimeType,
      size_bytes: file.content.byteLength,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      content: file.content,
      uploaded_by: uploadedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: stored.id,
    url: mediaUrl(publicUrl, stored.id, file.fileName),
    fileName: file.fileName,
    mimeType: file.mimeType,
    sizeBytes: file.content.byteLength,
  };
}

/** A safe file name for a provider's media: its own name when it has one, else one from the message id and type. */
export function providerMediaFileName(messageId: string, mimeType: string, fileName?: string | null): string {
  const extension = ALLOWED_MEDIA[mimeType]?.extension ?? /^[a-z]+\/([a-z0-9]{1,5})$/.exec(mimeType)?.[1] ?? 'bin';
  return safeFileName(fileName ?? `whatsapp-${messageId.slice(0, 8)}`, extension);
}

/** A stored file of this tenant, for the dashboard (which reads it with the user's session). */
export async function tenantMedia(trx: TenantTransaction, id: string) {
  return trx
    .selectFrom('helpdesk_media')
    .select(['file_name', 'mime_type', 'size_bytes', 'content', 'sha256'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A stored file by its id, for a provider following a signed link (the signature is what admits it). */
export async function mediaForDownload(db: Kysely<DB>, id: string) {
  return withSystem(db, (trx) =>
    trx
      .selectFrom('helpdesk_media')
      .select(['file_name', 'mime_type', 'size_bytes', 'content', 'sha256'])
      .where('id', '=', id)
      .executeTakeFirst(),
  );
}

const DAY_MS = 86_400_000;

/** Deletes the tenant's stored media older than its retention setting; nothing when it keeps media for good. */
export async function deleteExpiredMedia(trx: TenantTransaction, now: Date): Promise<{ mediaDeleted: number; bytesFreed: number }> {
  const settings = await trx
    .selectFrom('helpdesk_settings')
    .select('media_retention_days')
    .where('tenant_id', '=', tenantOf(trx))
    .executeTakeFirst();
  const days = settings?.media_retention_days;
  if (!days) return { mediaDeleted: 0, bytesFreed: 0 };
  const deleted = await trx
    .deleteFrom('helpdesk_media')
    .where('tenant_id', '=', tenantOf(trx))
    .where('created_at', '<', new Date(now.getTime() - days * DAY_MS))
    .returning('size_bytes')
    .execute();
  return { mediaDeleted: deleted.length, bytesFreed: deleted.reduce((total, row) => total + row.size_bytes, 0) };
}
