import type { RouterOutputs } from '../../../lib/trpc';

export type AuditView = RouterOutputs['inventory']['audits']['get'];
export type AuditStatus = AuditView['status'];
export type AuditItem = RouterOutputs['inventory']['audits']['items']['items'][number];
export type AuditItemStatus = AuditItem['status'];
export type AuditCorrection = AuditItem['corrections'][number];
export type ScanResult = RouterOutputs['inventory']['audits']['scan'];

type Tone = 'green' | 'red' | 'amber' | 'zinc' | 'blue';

export const AUDIT_STATUS: Record<AuditStatus, { label: string; tone: Tone }> = {
  draft: { label: 'Rascunho', tone: 'zinc' },
  in_progress: { label: 'Em andamento', tone: 'blue' },
  closed: { label: 'Encerrado', tone: 'green' },
  cancelled: { label: 'Cancelado', tone: 'zinc' },
};

export const ITEM_STATUS: Record<AuditItemStatus, { label: string; tone: Tone }> = {
  PENDING: { label: 'Pendente', tone: 'zinc' },
  FOUND: { label: 'Encontrado', tone: 'green' },
  MISSING: { label: 'Faltando', tone: 'red' },
  UNEXPECTED: { label: 'Inesperado', tone: 'amber' },
  WRONG_LOCATION: { label: 'Local errado', tone: 'amber' },
};

/** The order of the lists on the audit's page: what needs a decision first. */
export const ITEM_STATUS_ORDER: readonly AuditItemStatus[] = ['MISSING', 'WRONG_LOCATION', 'UNEXPECTED', 'PENDING', 'FOUND'];

export const CORRECTION_LABELS: Record<AuditCorrection, string> = {
  move_here: 'Mover para cá',
  mark_lost: 'Marcar como extraviado',
  keep: 'Manter como está',
};

export const RESOLUTION_LABELS: Record<NonNullable<AuditItem['resolution']>, string> = {
  moved_here: 'Movido para cá',
  marked_lost: 'Marcado como extraviado',
  kept: 'Mantido',
};

/** "Prédio Sede e sublocais · Computadores, Notebooks", or "Todos os ativos". */
export function describeScope(scope: AuditView['scope']): string {
  const parts = [
    ...(scope.location ? [`${scope.location.name} e sublocais`] : []),
    ...(scope.categories.length ? [scope.categories.map((category) => category.name).join(', ')] : []),
  ];
  return parts.length ? parts.join(' · ') : 'Todos os ativos';
}
