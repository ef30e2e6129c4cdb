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
 * Uploads a file for a reply with the session's access token, as tRPC calls carry it; an
 * expired token is renewed once. A refusal throws the server's message (ERR_MEDIA_TYPE_FORBIDDEN,
 * ERR_MEDIA_TOO_LARGE, ERR_MEDIA_CONTENT_MISMATCH …).
 */
export async function uploadMedia(session: Session, file: File): Promise<UploadedMedia> {
  const post = () =>
    fetch(MEDIA_UPLOAD_PATH, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${session.accessToken ?? ''}`,
        'content-type': file.type,
        'x-file-name': encodeURIComponent(file.name),
      },
      body: file,
    });
  let response: Response;
  try {
    response = await post();
    if (response.status === 401 && (await restErrorOf(response))?.error === 'ERR_TOKEN_EXPIRED' && (await session.refresh()))
      response = await post();
  } catch {
    throw new Error('Não foi possível enviar o arquivo; verifique a conexão.');
  }
  if (response.ok) return (await response.json()) as UploadedMedia;
  throw new Error((await restErrorOf(response))?.message ?? `O envio do arquivo falhou (HTTP ${response.status})`);
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
