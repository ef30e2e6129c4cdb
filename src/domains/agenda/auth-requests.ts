import { sql } from 'kysely';
import type { AgendaAuthRequest, AppointmentSource, AuthRequestAgent, BookingOffer } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import { checkBooking, insertAppointment, type BookingRequest } from './appointments';
import { findClient } from './clients';
import type { AuthRequestSummary } from './events';
import { notifyClient } from './notifications';
import { findProfessional } from './professionals';
import { bookingApprovedMessage, bookingRejectedMessage } from './chat/replies';
import { findService } from './services';
import { tenantTimeZone } from './slots';

export interface Proposal extends BookingRequest {
  offer: BookingOffer;
  createdByAgent: AuthRequestAgent;
  campaignRunId?: string;
  conversationId?: string;
  /** A proposal made again under the same key (a campaign run again) is the first one, not a second. */
  dedupeKey?: string;
}

export const NO_OFFER: BookingOffer = { type: 'none', value: 0 };

export const priceWithOffer = (priceCents: number, offer: BookingOffer) =>
  offer.type === 'discount_percent' ? Math.round((priceCents * (100 - offer.value)) / 100) : priceCents;

export function summaryOfRequest(request: AgendaAuthRequest): AuthRequestSummary {
  return {
    authRequestId: request.id,
    clientId: request.client_id,
    serviceId: request.service_id,
    professionalId: request.professional_id,
    startsAt: request.starts_at.toISOString(),
    endsAt: request.ends_at.toISOString(),
    offer: request.offer,
    createdByAgent: request.created_by_agent,
    expiresAt: request.expires_at.toISOString(),
  };
}

/**
 * A booking an agent (or a person) proposes for the owner to approve. Its time must be free of
 * appointments (409 with alternatives otherwise); it then holds that time against bookings and
 * the slots offered until it is decided or expires (the tenant's TTL, never past its own start).
 * Proposals may compete for one time (one slot offered to a few clients): the first approved
 * gets it, and the others' approval answers 409 with alternatives.
 */
export async function proposeBooking(
  trx: TenantTransaction,
  proposal: Proposal,
): Promise<{ request: AgendaAuthRequest; created: boolean }> {
  if (proposal.dedupeKey) {
    const existing = await trx
      .selectFrom('agenda_auth_requests')
      .selectAll()
      .where('dedupe_key', '=', proposal.dedupeKey)
      .executeTakeFirst();
    if (existing) return { request: existing, created: false };
  }
  const booking = await checkBooking(trx, proposal, { holdsBlock: false });
  const settings = await trx
    .selectFrom('agenda_settings')
    .select('auth_request_ttl_hours')
    .where('tenant_id', '=', tenantOf(trx))
    .executeTakeFirst();
  const ttlEnd = Date.now() + (settings?.auth_request_ttl_hours ?? 24) * 3_600_000;
  const inserted = await trx
    .insertInto('agenda_auth_requests')
    .values({
      tenant_id: tenantOf(trx),
      client_id: proposal.clientId,
      service_id: proposal.serviceId,
      professional_id: proposal.professionalId,
      starts_at: booking.startsAt,
      ends_at: booking.endsAt,
      occupied_starts_at: booking.occupied.startsAt,
      occupied_ends_at: booking.occupied.endsAt,
      offer: JSON.stringify(proposal.offer),
      price_cents: priceWithOffer(booking.service.price_cents, proposal.offer),
      created_by_agent: proposal.createdByAgent,
      campaign_run_id: proposal.campaignRunId ?? null,
      conversation_id: proposal.conversationId ?? null,
      expires_at: new Date(Math.min(ttlEnd, booking.startsAt.getTime())),
      dedupe_key: proposal.dedupeKey ?? null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'dedupe_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) {
    // Another run proposed it under the same key meanwhile.
    return {
      request: await trx
        .selectFrom('agenda_auth_requests')
        .selectAll()
        .where('dedupe_key', '=', proposal.dedupeKey!)
        .executeTakeFirstOrThrow(),
      created: false,
    };
  }
  await appendEvent(trx, 'auth_request_created', { auth_request: summaryOfRequest(inserted) });
  return { request: inserted, created: true };
}

export interface AuthRequestView extends AuthRequestSummary {
  id: string;
  status: AgendaAuthRequest['status'];
  clientName: string;
  clientPhone: string;
  serviceName: string;
  professionalName: string;
  priceCents: number;
  decidedAt: Date | null;
  decisionNotes: string | null;
  appointmentId: string | null;
  createdAt: Date;
}

/** "Autorizações pendentes" and their history, newest first; a pending one past its expiry reads as expired. */
export async function listAuthRequests(
  trx: TenantTransaction,
  input: { status?: AgendaAuthRequest['status'] | undefined; limit?: number | undefined },
): Promise<AuthRequestView[]> {
  let query = trx
    .selectFrom('agenda_auth_requests as request')
    .innerJoin('agenda_clients as client', 'client.id', 'request.client_id')
    .innerJoin('agenda_services as service', 'service.id', 'request.service_id')
    .innerJoin('agenda_professionals as professional', 'professional.id', 'request.professional_id')
    .selectAll('request')
    .select([
      'client.name as client_name',
      'client.phone as client_phone',
      'service.name as service_name',
      'professional.name as professional_name',
    ])
    .orderBy('request.created_at', 'desc')
    .orderBy('request.id', 'desc')
    .limit(input.limit ?? 100);
  if (input.status === 'pending') query = query.where('request.status', '=', 'pending').where('request.expires_at', '>', sql<Date>`now()`);
  else if (input.status === 'expired')
    query = query.where((eb) =>
      eb.or([
        eb('request.status', '=', 'expired'),
        eb.and([eb('request.status', '=', 'pending'), eb('request.expires_at', '<=', sql<Date>`now()`)]),
      ]),
    );
  else if (input.status) query = query.where('request.status', '=', input.status);
  const rows = await query.execute();
  return rows.map((row) => ({
    ...summaryOfRequest(row),
    id: row.id,
    status: row.status === 'pending' && row.expires_at.getTime() <= Date.now() ? 'expired' : row.status,
    clientName: row.client_name,
    clientPhone: row.client_phone,
    serviceName: row.service_name,
    professionalName: row.professional_name,
    priceCents: row.price_cents,
    decidedAt: row.decided_at,
    decisionNotes: row.decision_notes,
    appointmentId: row.appointment_id,
    createdAt: row.created_at,
  }));
}

const SOURCE_OF_AGENT: Record<AuthRequestAgent, AppointmentSource> = {
  prazo_certo: 'prazo_certo',
  encher_agenda: 'encher_agenda',
  chat: 'chat',
  manual: 'manual',
};

/**
 * The owner's decision, atomic: the request is locked, so two owners deciding it at once yield one
 * decision (the second gets 409 with the status it found). Approving books the appointment at the
 * offered price, or answers 409 with the nearest free slots when its time was taken meanwhile (the
 * request stays pending); of two overlapping requests approved at once, the exclusion constraint
 * lets one through. The client is told once, through the tenant's route.
 */
export async function decideAuthRequest(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { id: string; decision: 'approve' | 'reject'; notes?: string | undefined },
): Promise<{ status: 'approved' | 'rejected'; appointmentId: string | null; clientNotificationSent: boolean }> {
  const request = await trx.selectFrom('agenda_auth_requests').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
  if (!request) throw notFound('Autorização');
  if (request.status !== 'pending')
    throw new DomainError('CONFLICT', 'ALREADY_DECIDED', `Esta autorização já está ${STATUS_LABELS[request.status]}`, {
      status: request.status,
    });
  // Past its expiry it holds nothing already; the expiry job records it (a refusal here rolls back).
  if (request.expires_at.getTime() <= Date.now())
    throw new DomainError('CONFLICT', 'EXPIRED', 'Esta autorização expirou; o horário foi liberado', { status: 'expired' });
  const decidedBy = audit.actor.type === 'user' ? audit.actor.id : null;
  let appointmentId: string | null = null;
  if (input.decision === 'approve') {
    const booking = await checkBooking(
      trx,
      { clientId: request.client_id, serviceId: request.service_id, professionalId: request.professional_id, startsAt: request.starts_at },
      { holdsBlock: false },
    );
    const appointment = await insertAppointment(trx, booking, {
      source: SOURCE_OF_AGENT[request.created_by_agent],
      createdBy: decidedBy,
      authRequestId: request.id,
      priceCents: request.price_cents,
    });
    appointmentId = appointment.id;
  }
  const status = input.decision === 'approve' ? 'approved' : 'rejected';
  await trx
    .updateTable('agenda_auth_requests')
    .set({ status, decided_by: decidedBy, decided_at: new Date(), decision_notes: input.notes ?? null, appointment_id: appointmentId })
    .where('id', '=', request.id)
    .execute();
  await recordAudit(trx, audit, {
    action: `agenda.auth_request.${status}`,
    entity: 'agenda_auth_request',
    entityId: request.id,
    details: { appointmentId, notes: input.notes ?? null },
  });
  await appendEvent(trx, 'auth_request_resolved', { auth_request_id: request.id, status, appointment_id: appointmentId });
  const clientNotificationSent = await notifyDecision(trx, request, status);
  return { status, appointmentId, clientNotificationSent };
}

const STATUS_LABELS: Record<AgendaAuthRequest['status'], string> = {
  pending: 'pendente',
  approved: 'aprovada',
  rejected: 'rejeitada',
  expired: 'expirada',
};

async function notifyDecision(trx: TenantTransaction, request: AgendaAuthRequest, status: 'approved' | 'rejected'): Promise<boolean> {
  const [client, service, professional, timeZone] = [
    await findClient(trx, request.client_id),
    await findService(trx, request.service_id),
    await findProfessional(trx, request.professional_id),
    await tenantTimeZone(trx),
  ];
  const booking = {
    clientName: client.name,
    serviceName: service.name,
    professionalName: professional.name,
    start: request.starts_at,
    timeZone,
  };
  return notifyClient(trx, {
    client,
    kind: status === 'approved' ? 'auth_request_approved' : 'auth_request_rejected',
    message: status === 'approved' ? bookingApprovedMessage(booking) : bookingRejectedMessage(booking),
    dedupeKey: `auth_request:${request.id}:decision`,
    details: { authRequestId: request.id, status, startsAt: request.starts_at.toISOString() },
  });
}

/** The expiry job's work in one tenant: pending requests past their time release their slots. */
export async function expireAuthRequests(trx: TenantTransaction): Promise<number> {
  const due = await trx
    .selectFrom('agenda_auth_requests')
    .select('id')
    .where('status', '=', 'pending')
    .where('expires_at', '<=', sql<Date>`now()`)
    .forUpdate()
    .skipLocked()
    .limit(1000)
    .execute();
  if (due.length === 0) return 0;
  const expired = await trx
    .updateTable('agenda_auth_requests')
    .set({ status: 'expired', decided_at: new Date() })
    .where(
      'id',
      'in',
      due.map((request) => request.id),
    )
    .returning('id')
    .execute();
  for (const { id } of expired)
    await appendEvent(trx, 'auth_request_resolved', { auth_request_id: id, status: 'expired', appointment_id: null });
  return expired.length;
}
