import type { z } from 'zod';
import type { AgendaAppointment, AgendaService, AppointmentSource } from '../../db/schema';
import { EXCLUSION_VIOLATION, inSavepoint, sqlStateOf } from '../../db/savepoint';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import { isWithinWorkingHours, occupiedRange } from './availability';
import { findClient } from './clients';
import type { AppointmentSummary } from './events';
import { assertProfessionalDoes } from './professionals';
import type { cancelAppointmentInput, listAppointmentsInput, setAppointmentOutcomeInput } from './schemas';
import { findService } from './services';
import { alternativesNear, professionalCalendars } from './slots';

export interface BookingRequest {
  clientId: string;
  serviceId: string;
  professionalId: string;
  startsAt: Date;
}

/** What a booking would occupy, once it is known to make sense (client, service, who does it, working hours). */
export interface CheckedBooking extends BookingRequest {
  service: AgendaService;
  endsAt: Date;
  occupied: { startsAt: Date; endsAt: Date };
}

/** How a booking looks for conflicts: ignoring its own old time when it moves; past pending proposals when it is one. */
export interface ConflictRules {
  appointmentId?: string;
  /** Pending auth requests hold their time against bookings; proposals (and their approval) compete for it instead. */
  holdsBlock?: boolean;
}

const overlaps = (a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) =>
  a.startsAt < b.endsAt && b.startsAt < a.endsAt;

/**
 * Checks a booking against the catalogue and the professional's calendar: 400 when it cannot
 * make sense (unknown client, inactive service, a service the professional does not do), 409
 * with the nearest free slots when its time is not free (outside hours, time off, taken, held).
 */
export async function checkBooking(trx: TenantTransaction, request: BookingRequest, rules: ConflictRules = {}): Promise<CheckedBooking> {
  await findClient(trx, request.clientId);
  const service = await findService(trx, request.serviceId);
  if (!service.active) throw new DomainError('BAD_REQUEST', 'SERVICE_INACTIVE', `O serviço ${service.name} está desativado`);
  await assertProfessionalDoes(trx, request.professionalId, request.serviceId);
  const endsAt = new Date(request.startsAt.getTime() + service.duration_min * 60_000);
  const occupied = occupiedRange(request.startsAt, service.duration_min, service.buffer_before_min, service.buffer_after_min);
  const [calendar] = await professionalCalendars(trx, service, {
    from: occupied.startsAt,
    to: occupied.endsAt,
    professionalId: request.professionalId,
    ignoreAppointmentId: rules.appointmentId,
    holdsBlock: rules.holdsBlock,
  });
  if (!calendar) throw new DomainError('BAD_REQUEST', 'PROFESSIONAL_INACTIVE', 'Este profissional está desativado');
  const { availability } = calendar;
  const problem = !isWithinWorkingHours(availability, request.startsAt, service.duration_min)
    ? { reason: 'OUTSIDE_WORKING_HOURS', message: 'Fora do horário de trabalho do profissional' }
    : (availability.timeOff ?? []).some((away) => overlaps(away, occupied))
      ? { reason: 'PROFESSIONAL_AWAY', message: 'O profissional está de folga neste horário' }
      : availability.busy.some((busy) => overlaps(busy, occupied))
        ? { reason: 'SLOT_TAKEN', message: 'Horário ocupado (ou reservado para uma autorização pendente)' }
        : undefined;
  if (problem) await refuseWithAlternatives(trx, service, request, rules.appointmentId, problem);
  return { ...request, service, endsAt, occupied };
}

async function refuseWithAlternatives(
  trx: TenantTransaction,
  service: AgendaService,
  request: BookingRequest,
  ignoreAppointmentId: string | undefined,
  problem: { reason: string; message: string },
): Promise<never> {
  const alternatives = await alternativesNear(trx, service, request.professionalId, request.startsAt, ignoreAppointmentId);
  throw new DomainError('CONFLICT', problem.reason, problem.message, { requested: request.startsAt.toISOString(), alternatives });
}

/**
 * Writes the booking. The exclusion constraint has the last word: when another booking took the
 * time after the check (two at once), this one is refused with a 409 and the nearest free slots.
 */
export async function insertAppointment(
  trx: TenantTransaction,
  booking: CheckedBooking,
  origin: { source: AppointmentSource; createdBy: string | null; authRequestId?: string; priceCents?: number; notes?: string },
): Promise<AgendaAppointment> {
  const attempt = await inSavepoint(trx, () =>
    trx
      .insertInto('agenda_appointments')
      .values({
        tenant_id: tenantOf(trx),
        client_id: booking.clientId,
        service_id: booking.serviceId,
        professional_id: booking.professionalId,
        starts_at: booking.startsAt,
        ends_at: booking.endsAt,
        occupied_starts_at: booking.occupied.startsAt,
        occupied_ends_at: booking.occupied.endsAt,
        status: 'confirmed',
        source: origin.source,
        price_cents: origin.priceCents ?? booking.service.price_cents,
        auth_request_id: origin.authRequestId ?? null,
        notes: origin.notes ?? '',
        created_by: origin.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  if (!attempt.ok) {
    if (sqlStateOf(attempt.error) === EXCLUSION_VIOLATION) {
      await refuseWithAlternatives(trx, booking.service, booking, undefined, {
        reason: 'SLOT_TAKEN',
        message: 'Outro agendamento acabou de ocupar este horário',
      });
    }
    throw attempt.error;
  }
  const appointment = attempt.value;
  await appendEvent(trx, 'appointment_created', { ...summaryOf(appointment), auth_request_id: appointment.auth_request_id });
  return appointment;
}

export function summaryOf(appointment: AgendaAppointment): AppointmentSummary {
  return {
    appointmentId: appointment.id,
    clientId: appointment.client_id,
    serviceId: appointment.service_id,
    professionalId: appointment.professional_id,
    startsAt: appointment.starts_at.toISOString(),
    endsAt: appointment.ends_at.toISOString(),
    status: appointment.status,
    source: appointment.source,
  };
}

export async function bookAppointment(
  trx: TenantTransaction,
  audit: AuditContext,
  request: BookingRequest & { notes?: string | undefined },
): Promise<AgendaAppointment> {
  const booking = await checkBooking(trx, request);
  const appointment = await insertAppointment(trx, booking, {
    source: 'manual',
    createdBy: audit.actor.type === 'user' ? audit.actor.id : null,
    ...(request.notes ? { notes: request.notes } : {}),
  });
  await recordAudit(trx, audit, {
    action: 'agenda.appointment.created',
    entity: 'agenda_appointment',
    entityId: appointment.id,
    after: { ...summaryOf(appointment) },
  });
  return appointment;
}

export async function findAppointment(trx: TenantTransaction, id: string): Promise<AgendaAppointment> {
  const appointment = await trx.selectFrom('agenda_appointments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!appointment) throw notFound('Agendamento');
  return appointment;
}

const ACTIVE_STATUSES = new Set(['pending_approval', 'confirmed']);

function assertActive(appointment: AgendaAppointment, action: string): void {
  if (!ACTIVE_STATUSES.has(appointment.status)) {
    throw new DomainError(
      'CONFLICT',
      'INVALID_TRANSITION',
      `Não é possível ${action} um agendamento ${STATUS_LABELS[appointment.status]}`,
      { status: appointment.status },
    );
  }
}

const STATUS_LABELS: Record<AgendaAppointment['status'], string> = {
  pending_approval: 'aguardando aprovação',
  confirmed: 'confirmado',
  cancelled: 'cancelado',
  completed: 'concluído',
  no_show: 'marcado como falta',
};

/** Moves a booking (drag on the calendar): the same checks as a new one, ignoring its own old time. */
export async function rescheduleAppointment(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { id: string; startsAt: Date; professionalId?: string | undefined },
): Promise<AgendaAppointment> {
  const before = await findAppointment(trx, input.id);
  assertActive(before, 'remarcar');
  const booking = await checkBooking(
    trx,
    {
      clientId: before.client_id,
      serviceId: before.service_id,
      professionalId: input.professionalId ?? before.professional_id,
      startsAt: input.startsAt,
    },
    { appointmentId: before.id },
  );
  const attempt = await inSavepoint(trx, () =>
    trx
      .updateTable('agenda_appointments')
      .set({
        professional_id: booking.professionalId,
        starts_at: booking.startsAt,
        ends_at: booking.endsAt,
        occupied_starts_at: booking.occupied.startsAt,
        occupied_ends_at: booking.occupied.endsAt,
        updated_at: new Date(),
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  if (!attempt.ok) {
    if (sqlStateOf(attempt.error) === EXCLUSION_VIOLATION) {
      await refuseWithAlternatives(trx, booking.service, booking, before.id, {
        reason: 'SLOT_TAKEN',
        message: 'Outro agendamento acabou de ocupar este horário',
      });
    }
    throw attempt.error;
  }
  const after = attempt.value;
  await recordAudit(trx, audit, {
    action: 'agenda.appointment.rescheduled',
    entity: 'agenda_appointment',
    entityId: after.id,
    before: { ...summaryOf(before) },
    after: { ...summaryOf(after) },
  });
  await appendEvent(trx, 'appointment_updated', { ...summaryOf(after), change: 'rescheduled' });
  return after;
}

export async function cancelAppointment(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof cancelAppointmentInput>,
): Promise<AgendaAppointment> {
  const before = await findAppointment(trx, input.id);
  assertActive(before, 'cancelar');
  const after = await trx
    .updateTable('agenda_appointments')
    .set({ status: 'cancelled', cancel_reason: input.reason ?? null, updated_at: new Date() })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'agenda.appointment.cancelled',
    entity: 'agenda_appointment',
    entityId: after.id,
    details: { reason: input.reason ?? null },
  });
  await appendEvent(trx, 'appointment_updated', { ...summaryOf(after), change: 'cancelled' });
  return after;
}

/** After the time: it happened (completed, which feeds the return cycles of Prazo Certo) or the client did not come. */
export async function setAppointmentOutcome(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof setAppointmentOutcomeInput>,
): Promise<AgendaAppointment> {
  const before = await findAppointment(trx, input.id);
  assertActive(before, input.outcome === 'completed' ? 'concluir' : 'marcar falta em');
  const after = await trx
    .updateTable('agenda_appointments')
    .set({ status: input.outcome, updated_at: new Date() })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, { action: `agenda.appointment.${input.outcome}`, entity: 'agenda_appointment', entityId: after.id });
  await appendEvent(trx, 'appointment_updated', { ...summaryOf(after), change: input.outcome });
  return after;
}

export interface AppointmentView {
  id: string;
  clientId: string;
  clientName: string;
  serviceId: string;
  serviceName: string;
  professionalId: string;
  professionalName: string;
  startsAt: Date;
  endsAt: Date;
  status: AgendaAppointment['status'];
  source: AppointmentSource;
  priceCents: number;
  notes: string;
}

/** The calendar: appointments that overlap [from, to), cancelled ones included for the record. */
export async function listAppointments(trx: TenantTransaction, input: z.output<typeof listAppointmentsInput>): Promise<AppointmentView[]> {
  let query = trx
    .selectFrom('agenda_appointments as appointment')
    .innerJoin('agenda_clients as client', 'client.id', 'appointment.client_id')
    .innerJoin('agenda_services as service', 'service.id', 'appointment.service_id')
    .innerJoin('agenda_professionals as professional', 'professional.id', 'appointment.professional_id')
    .select([
      'appointment.id',
      'appointment.client_id as clientId',
      'client.name as clientName',
      'appointment.service_id as serviceId',
      'service.name as serviceName',
      'appointment.professional_id as professionalId',
      'professional.name as professionalName',
      'appointment.starts_at as startsAt',
      'appointment.ends_at as endsAt',
      'appointment.status',
      'appointment.source',
      'appointment.price_cents as priceCents',
      'appointment.notes',
    ])
    .where('appointment.starts_at', '<', new Date(input.to))
    .where('appointment.ends_at', '>', new Date(input.from))
    .orderBy('appointment.starts_at')
    .orderBy('appointment.id')
    .limit(5000);
  if (input.professionalId) query = query.where('appointment.professional_id', '=', input.professionalId);
  return query.execute();
}
