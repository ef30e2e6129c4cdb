import { sql } from 'kysely';
import { containing } from '../../db/like-patterns';
import type { z } from 'zod';
import type { AgendaClient } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import { normalisePhone } from '../../platform/phones';
import type { createClientInput, listClientsInput, updateClientInput } from './schemas';

export interface ClientView {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  birthday: string | null;
  notes: string;
  optedOut: boolean;
  lastContactedAt: Date | null;
  createdAt: Date;
}

export const toClientView = (client: AgendaClient): ClientView => ({
  id: client.id,
  name: client.name,
  phone: client.phone,
  email: client.email,
  birthday: client.birthday,
  notes: client.notes,
  optedOut: client.opted_out_at !== null,
  lastContactedAt: client.last_contacted_at,
  createdAt: client.created_at,
});

/** The phone in E.164, or a 400 that says why. */
export function clientPhone(raw: string): string {
  const phone = normalisePhone(raw);
  if (!phone.ok) throw new DomainError('BAD_REQUEST', 'INVALID_PHONE', `${phone.reason}: ${raw}`, { phone: raw });
  return phone.e164;
}

async function assertPhoneFree(trx: TenantTransaction, phone: string, exceptId?: string): Promise<void> {
  let query = trx.selectFrom('agenda_clients').select(['id', 'name']).where('phone', '=', phone);
  if (exceptId) query = query.where('id', '<>', exceptId);
  const holder = await query.executeTakeFirst();
  if (holder) throw new DomainError('CONFLICT', 'PHONE_TAKEN', `O telefone ${phone} já é de ${holder.name}`, { clientId: holder.id });
}

export async function createClient(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof createClientInput>,
): Promise<AgendaClient> {
  const phone = clientPhone(input.phone);
  await assertPhoneFree(trx, phone);
  const client = await trx
    .insertInto('agenda_clients')
    .values({
      tenant_id: tenantOf(trx),
      name: input.name,
      phone,
      email: input.email ?? null,
      birthday: input.birthday ?? null,
      notes: input.notes ?? '',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'agenda.client.created',
    entity: 'agenda_client',
    entityId: client.id,
    after: { name: client.name, phone },
  });
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'client', id: client.id });
  return client;
}

/** The client with this phone, created with `name` when there is none: how n8n and campaigns meet people. */
export async function clientForPhone(trx: TenantTransaction, phone: string, name: string): Promise<AgendaClient> {
  const inserted = await trx
    .insertInto('agenda_clients')
    .values({ tenant_id: tenantOf(trx), name: name.trim().slice(0, 160) || phone, phone })
    .onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'client', id: inserted.id });
  return inserted ?? trx.selectFrom('agenda_clients').selectAll().where('phone', '=', phone).executeTakeFirstOrThrow();
}

export async function findClient(trx: TenantTransaction, id: string): Promise<AgendaClient> {
  const client = await trx.selectFrom('agenda_clients').selectAll().where('id', '=', id).executeTakeFirst();
  if (!client) throw notFound('Cliente');
  return client;
}

export async function updateClient(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof updateClientInput>,
): Promise<AgendaClient> {
  const before = await findClient(trx, input.id);
  const phone = input.phone !== undefined ? clientPhone(input.phone) : undefined;
  if (phone && phone !== before.phone) await assertPhoneFree(trx, phone, before.id);
  const after = await trx
    .updateTable('agenda_clients')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(phone !== undefined ? { phone } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.birthday !== undefined ? { birthday: input.birthday } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(input.optedOut !== undefined ? { opted_out_at: input.optedOut ? (before.opted_out_at ?? new Date()) : null } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'agenda.client.updated',
    entity: 'agenda_client',
    entityId: after.id,
    before: toClientView(before) as unknown as Record<string, unknown>,
    after: toClientView(after) as unknown as Record<string, unknown>,
  });
  await appendEvent(trx, 'agenda.catalogue_changed', { entity: 'client', id: after.id });
  return after;
}

/** The client asked to hear nothing more (PARAR, SAIR): campaigns and offers skip them from now on. */
export async function optOutClient(trx: TenantTransaction, clientId: string): Promise<void> {
  await trx
    .updateTable('agenda_clients')
    .set({ opted_out_at: sql<Date>`coalesce(opted_out_at, now())`, updated_at: new Date() })
    .where('id', '=', clientId)
    .execute();
}

export async function listClients(trx: TenantTransaction, input: z.output<typeof listClientsInput>): Promise<AgendaClient[]> {
  let query = trx
    .selectFrom('agenda_clients')
    .selectAll()
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(input.limit ?? 100);
  if (input.search) {
    const pattern = containing(input.search);
    const digits = input.search.replace(/\D/g, '');
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), ...(digits.length >= 3 ? [eb('phone', 'like', `%${digits}%`)] : [])]));
  }
  return query.execute();
}
