import type { Session } from '../../../lib/session';
import { fetchWithSession, saveAsFile } from '../../../lib/sessionFetch';

/** The term's PDF, downloaded with the session's access token. */
export async function downloadTermPdf(session: Session, termId: string): Promise<void> {
  await saveAsFile(await fetchWithSession(session, `/api/v1/inventory/terms/${encodeURIComponent(termId)}.pdf`), 'termo.pdf');
}

/** A file the user picked, as base64 (for the hash check). */
export async function fileAsBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}
