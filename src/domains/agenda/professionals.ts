import type { z } from 'zod';
import type { AgendaProfessional, WeeklyHoursEntry } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type {
  addTimeOffInput,
  clearDateOverrideInput,
  createProfessionalInput,
  setDateOverrideInput,
  updateProfessionalInput,
} from './schemas';

export interface ProfessionalView {
  id: string;
  name: string;
  serviceIds: string[];
  hours: WeeklyHoursEntry[];
  breaks: WeeklyHoursEntry[];
  active: boolean;
}

export const toProfessionalView = (professional: AgendaProfessional, serviceIds: string[]): ProfessionalView => ({
  id: professional.id,
  name: professional.name,
  serviceIds,
  hours: professional.weekly_hours,
  breaks: professional.breaks,
  active: professional.active,
});

async function assertServicesExist(trx: TenantTransaction, serviceIds: readonly string[]): Promise<void> {
  if (serviceIds.length === 0) return;
  const found = await trx
    .selectFrom('agenda_services')
    .select('id')
    .where('id', 'in', [...new Set(serviceIds)])
    .execute();
  const missing = [...new Set(serviceIds)].filter((serviceId) => !found.some((service) => service.id === serviceId));
  if (missing.length > 0) throw new DomainError('NOT_FOUND', 'SERVICE_NOT_FOUND', 'Serviço não encontrado', { serviceIds: missing });
}

async function replaceServices(trx: TenantTransaction, professionalId: string, serviceIds: readonly string[]): Promise<void> {
  await assertServicesExist(trx, serviceIds);
  await trx.deleteFrom('agenda_professional_services').where('professional_id', '=', professionalId).execute();
  const unique = [...new Set(serviceIds)];
  if (unique.length > 0) {
    await trx
      .insertInto('agenda_professional_services')
      .values(unique.map((serviceId) => ({ tenant_id: tenantOf(trx), professional_id: professionalId, service_id: serviceId })))
      .execute();
  }
}

export async function createProfessional(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof createProfessionalInput>,
): Promise<ProfessionalView> {
  const professional = await trx
    .insertInto('agenda_professionals')
    .values({
      tenant_id: tenantOf(trx),
      name: input.name,
      weekly_hours: JSON.stringify(input.hours),
      breaks: JSON.stringify(input.breaks ?? []),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await replaceServices(trx, professional.id, input.serviceIds);
  const view = toProfessionalView(professional, [...new Set(input.serviceIds)]);
  await recordAudit(trx, audit, {
    action: 'agenda.professional.created',
    entity: 'agenda_professional',
    entityId: professional.id,
    after: { ...view },
  });
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'professional', id: professional.id });
  return view;
}

export async function findProfessional(trx: TenantTransaction, id: string): Promise<ProfessionalView> {
  const professional = await trx.selectFrom('agenda_professionals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!professional) throw notFound('Profissional');
  const services = await trx.selectFrom('agenda_professional_services').select('service_id').where('professional_id', '=', id).execute();
  return toProfessionalView(
    professional,
    services.map((service) => service.service_id),
  );
}

export async function updateProfessional(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof updateProfessionalInput>,
): Promise<ProfessionalView> {
  const before = await findProfessional(trx, input.id);
  await trx
    .updateTable('agenda_professionals')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.hours !== undefined ? { weekly_hours: JSON.stringify(input.hours) } : {}),
      ...(input.breaks !== undefined ? { breaks: JSON.stringify(input.breaks) } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', input.id)
    .execute();
  if (input.serviceIds !== undefined) await replaceServices(trx, input.id, input.serviceIds);
  const after = await findProfessional(trx, input.id);
  await recordAudit(trx, audit, {
    action: 'agenda.professional.updated',
    entity: 'agenda_professional',
    entityId: input.id,
    before: { ...before },
    after: { ...after },
  });
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'professional', id: input.id });
  return after;
}

export async function listProfessionals(trx: TenantTransaction): Promise<ProfessionalView[]> {
  const professionals = await trx.selectFrom('agenda_professionals').selectAll().orderBy('active', 'desc').orderBy('name').execute();
  const links = await trx.selectFrom('agenda_professional_services').select(['professional_id', 'service_id']).execute();
  return professionals.map((professional) =>
    toProfessionalView(
      professional,
      links.filter((link) => link.professional_id === professional.id).map((link) => link.service_id),
    ),
  );
}

/** The professional does the service, or a 400 that says so (a booking for it makes no sense). */
export async function assertProfessionalDoes(trx: TenantTransaction, professionalId: string, serviceId: string): Promise<void> {
  const link = await trx
    .selectFrom('agenda_professional_services')
    .select('service_id')
    .where('professional_id', '=', professionalId)
    .where('service_id', '=', serviceId)
    .executeTakeFirst();
  if (!link) {
    await findProfessional(trx, professionalId);
    throw new DomainError('BAD_REQUEST', 'SERVICE_NOT_OFFERED', 'Este profissional não faz este serviço', { professionalId, serviceId });
  }
}

export async function setDateOverride(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof setDateOverrideInput>,
): Promise<void> {
  await findProfessional(trx, input.professionalId);
  await trx
    .insertInto('agenda_date_overrides')
    .values({
      tenant_id: tenantOf(trx),
      professional_id: input.professionalId,
      date: input.date,
      intervals: JSON.stringify(input.intervals),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'professional_id', 'date']).doUpdateSet({ intervals: JSON.stringify(input.intervals) }))
    .execute();
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'professional', id: input.professionalId });
  await recordAudit(trx, audit, {
    action: 'agenda.professional.date_override_set',
    entity: 'agenda_professional',
    entityId: input.professionalId,
    details: { date: input.date, intervals: input.intervals },
  });
}

export async function clearDateOverride(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof clearDateOverrideInput>,
): Promise<void> {
  await findProfessional(trx, input.professionalId);
  await trx
    .deleteFrom('agenda_date_overrides')
    .where('professional_id', '=', input.professionalId)
    .where('date', '=', input.date)
    .execute();
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'professional', id: input.professionalId });
  await recordAudit(trx, audit, {
    action: 'agenda.professional.date_override_cleared',
    entity: 'agenda_professional',
    entityId: input.professionalId,
    details: { date: input.date },
  });
}

export async function addTimeOff(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof addTimeOffInput>,
): Promise<{ id: string }> {
  await findProfessional(trx, input.professionalId);
  const timeOff = await trx
    .insertInto('agenda_time_off')
    .values({
      tenant_id: tenantOf(trx),
      professional_id: input.professionalId,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      reason: input.reason ?? '',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'professional', id: input.professionalId });
  await recordAudit(trx, audit, {
    action: 'agenda.professional.time_off_added',
    entity: 'agenda_professional',
    entityId: input.professionalId,
    details: { startsAt: input.startsAt, endsAt: input.endsAt },
  });
  return timeOff;
}

export async function removeTimeOff(trx: TenantTransaction, audit: AuditContext, id: string): Promise<void> {
  const removed = await trx.deleteFrom('agenda_time_off').where('id', '=', id).returning(['professional_id']).executeTakeFirst();
  if (!removed) throw notFound('Folga');
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'professional', id: removed.professional_id });
  await recordAudit(trx, audit, {
    action: 'agenda.professional.time_off_removed',
    entity: 'agenda_professional',
    entityId: removed.professional_id,
    details: { timeOffId: id },
  });
}

export async function listScheduleExceptions(trx: TenantTransaction, professionalId: string) {
  await findProfessional(trx, professionalId);
  const overrides = await trx
    .selectFrom('agenda_date_overrides')
    .select(['date', 'intervals'])
    .where('professional_id', '=', professionalId)
    .orderBy('date')
    .execute();
  const timeOff = await trx
    .selectFrom('agenda_time_off')
    .select(['id', 'starts_at as startsAt', 'ends_at as endsAt', 'reason'])
    .where('professional_id', '=', professionalId)
    .orderBy('starts_at')
    .execute();
  return { overrides, timeOff };
}
