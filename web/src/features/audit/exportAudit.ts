import type { Session } from '../../lib/session';
import { toSearchParams, type AuditQueryFilters } from './filters';

export type ExportFormat = 'csv' | 'json';

async function fetchExport(session: Session, url: string): Promise<Response> {
  const send = () => fetch(url, { headers: { authorization: `Bearer ${session.accessToken ?? ''}` } });
  const response = await send();
  if (response.status !== 401) return response;
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { error?: string } | null;
  // The REST surface says ERR_TOKEN_EXPIRED where tRPC says TOKEN_EXPIRED: renew once and retry.
  if (body?.error === 'ERR_TOKEN_EXPIRED' && (await session.refresh())) return send();
  return response;
}

function filenameOf(response: Response, format: ExportFormat): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? `auditoria.${format}`;
}

/** GET /api/v1/audit/export with the access token, saved as a file by the browser. */
export async function downloadAuditExport(session: Session, format: ExportFormat, filters: AuditQueryFilters): Promise<void> {
  const params = toSearchParams(filters);
  params.set('format', format);
  const response = await fetchExport(session, `/api/v1/audit/export?${params.toString()}`);
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new Error(body?.message ?? `A exportação falhou (HTTP ${response.status})`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filenameOf(response, format);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
