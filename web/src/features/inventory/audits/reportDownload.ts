import type { Session } from '../../../lib/session';
import { fetchWithSession, saveAsFile } from '../../../lib/sessionFetch';

/** Downloads the audit's report (PDF or CSV) with the session, as a file. */
export async function downloadAuditReport(session: Session, auditId: string, format: 'pdf' | 'csv'): Promise<void> {
  const response = await fetchWithSession(session, `/api/v1/inventory/audits/${encodeURIComponent(auditId)}/report.${format}`);
  await saveAsFile(response, `inventario.${format}`);
}
