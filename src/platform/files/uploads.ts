import { DomainError } from '../errors';

/** What a file is for the people who see it: shown inline (image, audio, video) or downloaded (document). */
export type FileKind = 'image' | 'audio' | 'video' | 'document';

/** A file type the platform knows: its extension, its kind and how its first bytes look. */
export interface FileType {
  extension: string;
  kind: FileKind;
  /** The file must start like one (so an HTML page cannot pass as an image from our domain). */
  signature: (bytes: Uint8Array) => boolean;
}

/** A type a domain accepts, with its own size limit for it. */
export interface AllowedType extends FileType {
  maxBytes: number;
}

export const MiB = 1024 * 1024;

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

/** Every file type uploads may carry, by MIME type, each checked by its first bytes. */
export const FILE_TYPES = {
  'image/jpeg': { extension: 'jpg', kind: 'image', signature: startsWith(0xff, 0xd8, 0xff) },
  'image/png': { extension: 'png', kind: 'image', signature: startsWith(0x89, 0x50, 0x4e, 0x47) },
  'image/webp': { extension: 'webp', kind: 'image', signature: (bytes) => at(0, 'RIFF')(bytes) && at(8, 'WEBP')(bytes) },
  'audio/ogg': { extension: 'ogg', kind: 'audio', signature: at(0, 'OggS') },
  'audio/mpeg': {
    extension: 'mp3',
    kind: 'audio',
    signature: (bytes) => at(0, 'ID3')(bytes) || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0),
  },
  'audio/mp4': { extension: 'm4a', kind: 'audio', signature: at(4, 'ftyp') },
  'video/mp4': { extension: 'mp4', kind: 'video', signature: at(4, 'ftyp') },
  'application/pdf': { extension: 'pdf', kind: 'document', signature: at(0, '%PDF-') },
  'text/plain': { extension: 'txt', kind: 'document', signature: plainText },
  'text/csv': { extension: 'csv', kind: 'document', signature: plainText },
  'application/msword': { extension: 'doc', kind: 'document', signature: ole },
  'application/vnd.ms-excel': { extension: 'xls', kind: 'document', signature: ole },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extension: 'docx', kind: 'document', signature: zip },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { extension: 'xlsx', kind: 'document', signature: zip },
} as const satisfies Record<string, FileType>;

export type KnownMimeType = keyof typeof FILE_TYPES;

/** A domain's allowed types: some of the known ones, each with its size limit. */
export function allowTypes(limits: Partial<Record<KnownMimeType, number>>): Record<string, AllowedType> {
  return Object.fromEntries(
    Object.entries(limits).map(([mimeType, maxBytes]) => [mimeType, { ...FILE_TYPES[mimeType as KnownMimeType], maxBytes: maxBytes! }]),
  );
}

/** The largest size any of the allowed types may have: the body limit of the upload route. */
export const largestAllowed = (allowed: Record<string, AllowedType>) => Math.max(...Object.values(allowed).map((type) => type.maxBytes));

/** A file name safe in a URL path and a Content-Disposition header, with the type's extension. */
export function safeFileName(raw: string | undefined, extension: string): string {
  const base = (raw ?? 'arquivo')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'arquivo'}.${extension}`;
}

/** An upload as it arrives: its bytes, the type its sender claims and the name it had. */
export interface IncomingFile {
  content: Uint8Array;
  mimeType: string;
  fileName?: string;
}

/** A checked upload: its bare MIME type, its allowed type and a safe name. */
export interface CheckedFile {
  content: Uint8Array;
  mimeType: string;
  fileName: string;
  type: AllowedType;
}

/**
 * Checks an upload against a domain's allowed types: the claimed type, emptiness, size and first
 * bytes. Each refusal's reason is `<prefix>_TYPE_FORBIDDEN`, `_EMPTY`, `_TOO_LARGE` or `_CONTENT_MISMATCH`.
 */
export function checkUpload(file: IncomingFile, allowed: Record<string, AllowedType>, reasonPrefix: string): CheckedFile {
  const mimeType = file.mimeType.split(';')[0]!.trim().toLowerCase();
  const type = allowed[mimeType];
  if (!type) {
    throw new DomainError(
      'BAD_REQUEST',
      `${reasonPrefix}_TYPE_FORBIDDEN`,
      `Tipo de arquivo não permitido: ${mimeType.slice(0, 80) || '(vazio)'}`,
      { allowed: Object.keys(allowed) },
    );
  }
  if (file.content.byteLength === 0) throw new DomainError('BAD_REQUEST', `${reasonPrefix}_EMPTY`, 'Arquivo vazio');
  if (file.content.byteLength > type.maxBytes) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `${reasonPrefix}_TOO_LARGE`,
      `Arquivo grande demais para ${type.kind} (máx. ${type.maxBytes / MiB} MiB)`,
      { maxBytes: type.maxBytes },
    );
  }
  if (!type.signature(file.content)) {
    throw new DomainError('BAD_REQUEST', `${reasonPrefix}_CONTENT_MISMATCH`, `O conteúdo não é um arquivo ${mimeType}`);
  }
  return { content: file.content, mimeType, fileName: safeFileName(file.fileName, type.extension), type };
}
