import type { z } from 'zod';
import type { AgendaService } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { createServiceInput, updateServiceInput } from './schemas';

export interface ServiceView {
  id: string;
  name: string;
  durationMin: number;
  priceCents: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  returnCycleDays: number | null;
  active: boolean;
}

export const toServiceView = (service: AgendaService): ServiceView => ({
  id: service.id,
  name: service.name,
  durationMin: service.duration_min,
  priceCents: service.price_cents,
  bufferBeforeMin: service.buffer_before_min,
  bufferAfterMin: service.buffer_after_min,
  returnCycleDays: service.return_cycle_days,
  active: service.active,
});

async function assertNameFree(trx: TenantTransaction, name: string, exceptId?: string): Promise<void> {
  let query = trx.selectFrom('agenda_services').select('id').where('name', '=', name);
  if (exceptId) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) throw new DomainError('CONFLICT', 'SERVICE_NAME_TAKEN', `Já existe um serviço chamado ${name}`);
}

export async function createService(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof createServiceInput>,
): Promise<AgendaService> {
  await assertNameFree(trx, input.name);
  const service = await trx
    .insertInto('agenda_services')
    .values({
      tenant_id: tenantOf(trx),
      name: input.name,
      duration_min: input.durationMin,
      price_cents: input.priceCents,
      return_cycle_days: input.returnCycleDays ?? null,
      buffer_before_min: input.bufferBeforeMin ?? 0,
      buffer_after_min: input.bufferAfterMin ?? 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'agenda.service.created',
    entity: 'agenda_service',
    entityId: service.id,
    after: { ...toServiceView(service) },
  });
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'service', id: service.id });
  return service;
}

export async function findService(trx: TenantTransaction, id: string): Promise<AgendaService> {
  const service = await trx.selectFrom('agenda_services').selectAll().where('id', '=', id).executeTakeFirst();
  if (!service) throw notFound('Serviço');
  return service;
}

export async function updateService(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof updateServiceInput>,
): Promise<AgendaService> {
  const before = await findService(trx, input.id);
  if (input.name !== undefined && input.name !== before.name) await assertNameFree(trx, input.name, before.id);
  const after = await trx
    .updateTable('agenda_services')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.durationMin !== undefined ? { duration_min: input.durationMin } : {}),
      ...(input.priceCents !== undefined ? { price_cents: input.priceCents } : {}),
      ...(input.returnCycleDays !== undefined ? { return_cycle_days: input.returnCycleDays } : {}),
      ...(input.bufferBeforeMin !== undefined ? { buffer_before_min: input.bufferBeforeMin } : {}),
      ...(input.bufferAfterMin !== undefined ? { buffer_after_min: input.bufferAfterMin } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'agenda.service.updated',
    entity: 'agenda_service',
    entityId: after.id,
    before: { ...toServiceView(before) },
    after: { ...toServiceView(after) },
  });
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'service', id: after.id });
  return after;
}

export async function listServices(trx: TenantTransaction): Promise<AgendaService[]> {
  return trx.selectFrom('agenda_services').selectAll().orderBy('active', 'desc').orderBy('name').execute();
}
