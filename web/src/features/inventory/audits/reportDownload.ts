import type { Session } from '../../../lib/session';

/** GET the audit's report (PDF or CSV) with the access token, renewed once if it just expired, and hand it to the browser as a file. */
export async function downloadAuditReport(session: Session, auditId: string, format: 'pdf' | 'csv'): Promise<void> {
  const url = `/api/v1/inventory/audits/${encodeURIComponent(auditId)}/report.${format}`;
  const get = () => fetch(url, { headers: { authorization: `Bearer ${session.accessToken ?? ''}` } });
  let response = await get();
  if (response.status === 401 && (await session.refresh())) response = await get();
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new Error(body?.message ?? `Não foi possível baixar o relatório (HTTP ${response.status})`);
  }
  const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `inventario.${format}`;
  const objectUrl = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: objectUrl, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
}
