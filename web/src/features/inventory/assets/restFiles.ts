import type { Session } from '../../../lib/session';
import { fetchWithSession, saveAsFile } from '../../../lib/sessionFetch';

/** A label sheet (A4, the tenant's grid) for the chosen assets. */
export async function downloadLabelSheet(session: Session, assetIds: readonly string[]): Promise<void> {
  const response = await fetchWithSession(session, '/api/v1/inventory/labels.pdf', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assetIds }),
  });
  await saveAsFile(response, 'etiquetas.pdf');
}

/** One asset's label on a page of its own size. */
export async function downloadAssetLabel(session: Session, assetId: string): Promise<void> {
  await saveAsFile(await fetchWithSession(session, `/api/v1/inventory/assets/${encodeURIComponent(assetId)}/label.pdf`), 'etiqueta.pdf');
}

/** The filtered list as CSV, in the columns an import reads back. */
export async function downloadAssetsCsv(session: Session, filters: Record<string, string | undefined>): Promise<void> {
  const params = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  await saveAsFile(await fetchWithSession(session, `/api/v1/inventory/assets/export.csv?${params.toString()}`), 'ativos.csv');
}

/** Uploads a file to the asset (raw body: its type in Content-Type, its name in X-File-Name). */
export async function uploadAttachment(session: Session, assetId: string, file: File, kind: string): Promise<void> {
  await fetchWithSession(session, `/api/v1/inventory/assets/${encodeURIComponent(assetId)}/attachments?kind=${encodeURIComponent(kind)}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
    body: file,
  });
}

/** A stored attachment's bytes, read with the session (its address needs the access token). */
export async function attachmentBlob(session: Session, url: string, signal?: AbortSignal): Promise<Blob> {
  return (await fetchWithSession(session, url, signal ? { signal } : {})).blob();
}
