import type { Session } from '../../../lib/session';

/** What `POST /api/v1/helpdesk/media` answers: the stored file and the link a reply carries. */
export interface UploadedMedia {
  id: string;
  url: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  kind: 'image' | 'audio' | 'video' | 'document';
}

const MEDIA_UPLOAD_PATH = '/api/v1/helpdesk/media';

/** The REST error body (`{ error, message, details }`), or null when the answer is not one. */
async function restErrorOf(response: Response): Promise<{ error?: string; message?: string } | null> {
  return (await response
    .clone()
    .json()
    .catch(() => null)) as { error?: string; message?: string } | null;
}

/**
 * Uploads a file for a reply with the session's access token. A refusal throws the server's message (ERR_MEDIA_TYPE_FORBIDDEN,
 * ERR_MEDIA_TOO_LARGE, ERR_MEDIA_CONTENT_MISMATCH …).
 */
export async function uploadMedia(session: Session, file: File): Promise<UploadedMedia> {
  let response: Response;
  try {
    response = await withSession(session, (accessToken) =>
      fetch(MEDIA_UPLOAD_PATH, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': file.type,
          'x-file-name': encodeURIComponent(file.name),
        },
        body: file,
      }),
    );
  } catch {
    throw new Error('Não foi possível enviar o arquivo; verifique a conexão.');
  }
  if (response.ok) return (await response.json()) as UploadedMedia;
  throw new Error((await restErrorOf(response))?.message ?? `O envio do arquivo falhou (HTTP ${response.status})`);
}

/** A REST call with the session's access token, as tRPC calls carry it; an expired token is renewed once. */
async function withSession(session: Session, call: (accessToken: string) => Promise<Response>): Promise<Response> {
  const response = await call(session.accessToken ?? '');
  if (response.status === 401 && (await restErrorOf(response))?.error === 'ERR_TOKEN_EXPIRED' && (await session.refresh()))
    return call(session.accessToken ?? '');
  return response;
}

const STORED_MEDIA_PATH = /\/api\/v1\/media\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/[^/?#]+$/i;

/** The id of a file stored by Balcão that a message's link names; undefined for a link elsewhere. */
export function storedMediaId(url: string): string | undefined {
  try {
    return STORED_MEDIA_PATH.exec(new URL(url).pathname)?.[1];
  } catch {
    return undefined;
  }
}

/** A stored file's bytes, read with the session (the link itself serves only providers holding a signed one). */
export async function downloadStoredMedia(session: Session, id: string, signal?: AbortSignal): Promise<Blob> {
  const response = await withSession(session, (accessToken) =>
    fetch(`/api/v1/helpdesk/media/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${accessToken}` }, signal }),
  );
  if (!response.ok) throw new Error((await restErrorOf(response))?.message ?? `Arquivo indisponível (HTTP ${response.status})`);
  return response.blob();
}

const KiB = 1024;
const sizeFormat = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });

/** "820 B", "12,4 KB", "3,1 MB". */
export function formatFileSize(bytes: number): string {
  if (bytes < KiB) return `${bytes} B`;
  if (bytes < KiB * KiB) return `${sizeFormat.format(bytes / KiB)} KB`;
  return `${sizeFormat.format(bytes / (KiB * KiB))} MB`;
}

/** The file name at the end of a media link (`…/media/<id>/foto.png` → `foto.png`). */
export function fileNameOfUrl(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').at(-1);
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}
