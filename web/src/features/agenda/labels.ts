/** The agenda's server answers as the dashboard sees them, and the pt-BR words for their states. */
import type { RouterOutputs } from '../../lib/trpc';

export type Appointment = RouterOutputs['agenda']['appointments']['list'][number];
export type AppointmentStatus = Appointment['status'];
export type AuthRequest = RouterOutputs['agenda']['authRequests']['list'][number];
export type AuthRequestStatus = AuthRequest['status'];
export type Client = RouterOutputs['agenda']['clients']['list'][number];
export type Service = RouterOutputs['agenda']['services']['list'][number];
export type Professional = RouterOutputs['agenda']['professionals']['list'][number];
export type WeeklyInterval = Professional['hours'][number];

type Tone = 'green' | 'red' | 'amber' | 'zinc' | 'blue';

/** Each status with its badge tone and the colours of its block on the calendar. */
export const APPOINTMENT_STATUSES: Record<AppointmentStatus, { label: string; tone: Tone; block: string }> = {
  pending_approval: { label: 'Aguardando aprovação', tone: 'amber', block: 'border-amber-500 bg-amber-50 text-amber-950' },
  confirmed: { label: 'Confirmado', tone: 'blue', block: 'border-sky-600 bg-sky-50 text-sky-950' },
  completed: { label: 'Concluído', tone: 'green', block: 'border-emerald-600 bg-emerald-50 text-emerald-950' },
  no_show: { label: 'Faltou', tone: 'red', block: 'border-red-500 bg-red-50 text-red-950' },
  cancelled: { label: 'Cancelado', tone: 'zinc', block: 'border-zinc-400 bg-zinc-100 text-zinc-500 line-through opacity-60' },
};

/** Still on the calendar's books: these can be moved, cancelled or given an outcome. */
export const isActive = (appointment: Pick<Appointment, 'status'>) =>
  appointment.status === 'confirmed' || appointment.status === 'pending_approval';

export const APPOINTMENT_SOURCES: Record<Appointment['source'], string> = {
  manual: 'Marcado no painel',
  prazo_certo: 'Prazo Certo',
  encher_agenda: 'Encher Agenda',
  chat: 'Chat',
};

/** Who proposed a booking for approval. */
export const AGENT_LABELS: Record<AuthRequest['createdByAgent'], string> = {
  prazo_certo: 'Prazo Certo',
  encher_agenda: 'Encher Agenda',
  chat: 'Chat',
  manual: 'Manual',
};

export const AUTH_REQUEST_STATUSES: Record<AuthRequestStatus, { label: string; tab: string; tone: Tone }> = {
  pending: { label: 'Pendente', tab: 'Pendentes', tone: 'amber' },
  approved: { label: 'Aprovada', tab: 'Aprovadas', tone: 'green' },
  rejected: { label: 'Rejeitada', tab: 'Rejeitadas', tone: 'red' },
  expired: { label: 'Expirada', tab: 'Expiradas', tone: 'zinc' },
};

export const AUTH_REQUEST_STATUS_ORDER: readonly AuthRequestStatus[] = ['pending', 'approved', 'rejected', 'expired'];

/** "15% de desconto", or that there is none. */
export function describeOffer(offer: AuthRequest['offer']): string {
  return offer.type === 'discount_percent' && offer.value > 0 ? `${offer.value}% de desconto` : 'Sem oferta';
}
