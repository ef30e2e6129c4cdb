import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withSystem } from '../../db/system-scope';
import type { DB } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { LinkSigner } from '../../platform/auth/signed-links';
import { DomainError } from '../../platform/errors';

export type MediaKind = 'image' | 'audio' | 'video' | 'document';

interface AllowedType {
  extension: string;
  kind: MediaKind;
  /** What WhatsApp accepts for the kind. */
  maxBytes: number;
  /** The file must start like one (so an HTML page cannot pass as an image from our domain). */
  signature?: (bytes: Uint8Array) => boolean;
}

const MiB = 1024 * 1024;
const startsWith =
  (...prefix: number[]) =>
  (bytes: Uint8Array) =>
    prefix.every((byte, index) => bytes[index] === byte);
const at = (offset: number, text: string) => (bytes: Uint8Array) =>
  Buffer.from(bytes.subarray(offset, offset + text.length)).toString('latin1') === text;
const zip = startsWith(0x50, 0x4b, 0x03, 0x04);
const ole = startsWith(0xd0, 0xcf, 0x11, 0xe0);
const plainText = (bytes: Uint8Array) =>
  !bytes.subarray(0, 4096).includes(0) && !/^\s*</.test(Buffer.from(bytes.subarray(0, 64)).toString('utf8'));

/** What agents may attach: the types WhatsApp delivers, each checked by its first bytes. */
export const ALLOWED_MEDIA: Record<string, AllowedType> = {
  'image/jpeg': { extension: 'jpg', kind: 'image', maxBytes: 5 * MiB, signature: startsWith(0xff, 0xd8, 0xff) },
  'image/png': { extension: 'png', kind: 'image', maxBytes: 5 * MiB, signature: startsWith(0x89, 0x50, 0x4e, 0x47) },
  'image/webp': { extension: 'webp', kind: 'image', maxBytes: 5 * MiB, signature: (bytes) => at(0, 'RIFF')(bytes) && at(8, 'WEBP')(bytes) },
  'audio/ogg': { extension: 'ogg', kind: 'audio', maxBytes: 16 * MiB, signature: at(0, 'OggS') },
  'audio/mpeg': {
    extension: 'mp3',
    kind: 'audio',
    maxBytes: 16 * MiB,
    signature: (bytes) => at(0, 'ID3')(bytes) || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0),
  },
  'audio/mp4': { extension: 'm4a', kind: 'audio', maxBytes: 16 * MiB, signature: at(4, 'ftyp') },
  'video/mp4': { extension: 'mp4', kind: 'video', maxBytes: 16 * MiB, signature: at(4, 'ftyp') },
  'application/pdf': { extension: 'pdf', kind: 'document', maxBytes: 16 * MiB, signature: at(0, '%PDF-') },
  'text/plain': { extension: 'txt', kind: 'document', maxBytes: 16 * MiB, signature: plainText },
  'text/csv': { extension: 'csv', kind: 'document', maxBytes: 16 * MiB, signature: plainText },
  'application/msword': { extension: 'doc', kind: 'document', maxBytes: 16 * MiB, signature: ole },
  'application/vnd.ms-excel': { extension: 'xls', kind: 'document', maxBytes: 16 * MiB, signature: ole },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    extension: 'docx',
    kind: 'document',
    maxBytes: 16 * MiB,
    signature: zip,
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    extension: 'xlsx',
    kind: 'document',
    maxBytes: 16 * MiB,
    signature: zip,
  },
};

/** A file name safe in a URL path and a Content-Disposition header, with the type's extension. */
function safeFileName(raw: string | undefined, extension: string): string {
  const base = (raw ?? 'arquivo')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'arquivo'}.${extension}`;
}

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
  const mimeType = file.mimeType.split(';')[0]!.trim().toLowerCase();
  const allowed = ALLOWED_MEDIA[mimeType];
  if (!allowed) {
    throw new DomainError('BAD_REQUEST', 'MEDIA_TYPE_FORBIDDEN', `Tipo de arquivo não permitido: ${mimeType.slice(0, 80) || '(vazio)'}`, {
      allowed: Object.keys(ALLOWED_MEDIA),
    });
  }
  if (file.content.byteLength === 0) throw new DomainError('BAD_REQUEST', 'MEDIA_EMPTY', 'Arquivo vazio');
  if (file.content.byteLength > allowed.maxBytes) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      'MEDIA_TOO_LARGE',
      `Arquivo grande demais para ${allowed.kind} (máx. ${allowed.maxBytes / MiB} MiB)`,
      { maxBytes: allowed.maxBytes },
    );
  }
  if (allowed.signature && !allowed.signature(file.content)) {
    throw new DomainError('BAD_REQUEST', 'MEDIA_CONTENT_MISMATCH', `O conteúdo não é um arquivo ${mimeType}`);
  }
  const stored = await keepMedia(
    trx,
    publicUrl,
    { ...file, mimeType, fileName: safeFileName(file.fileName, allowed.extension) },
    audit.actor.type === 'user' ? audit.actor.id : null,
  );
  await recordAudit(trx, audit, {
    action: 'helpdesk.media.uploaded',
    entity: 'helpdesk_media',
    entityId: stored.id,
    after: { fileName: stored.fileName, mimeType, sizeBytes: stored.sizeBytes },
  });
  return { ...stored, kind: allowed.kind };
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
