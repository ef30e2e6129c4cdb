import type { HelpdeskQueue } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { appendEvent } from '../../platform/events/outbox';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import type { BusinessHours } from '../../platform/business-hours';

export interface QueueView {
  id: string;
  name: string;
  color: string;
  greeting: string;
  position: number;
  businessHours: BusinessHours | null;
  memberIds: string[];
}

export interface QueueInput {
  name: string;
  color?: string;
  greeting?: string;
  position?: number;
  businessHours?: BusinessHours | null;
  memberIds?: string[];
}

function toQueueView(queue: HelpdeskQueue, memberIds: string[]): QueueView {
  return {
    id: queue.id,
    name: queue.name,
    color: queue.color,
    greeting: queue.greeting,
    position: queue.position,
    businessHours: (queue.business_hours as BusinessHours | null) ?? null,
    memberIds,
  };
}

/** Departments in their display order, each with its members. */
export async function listQueues(trx: TenantTransaction): Promise<QueueView[]> {
  const queues = await trx.selectFrom('helpdesk_queues').selectAll().orderBy('position').orderBy('name').execute();
  const members = await trx.selectFrom('helpdesk_queue_members').select(['queue_id', 'user_id']).execute();
  return queues.map((queue) =>
    toQueueView(
      queue,
      members.filter((member) => member.queue_id === queue.id).map((member) => member.user_id),
    ),
  );
}

async function findQueue(trx: TenantTransaction, id: string): Promise<QueueView> {
  const queue = (await listQueues(trx)).find((candidate) => candidate.id === id);
  if (!queue) throw notFound('Fila');
  return queue;
}

/** Members must be active users of the tenant; an unknown or foreign id is refused as a whole. */
async function replaceMembers(trx: TenantTransaction, queueId: string, memberIds: string[]): Promise<void> {
  const unique = [...new Set(memberIds)];
  if (unique.length > 0) {
    const found = await trx.selectFrom('users').select('id').where('id', 'in', unique).where('active', '=', true).execute();
    const missing = unique.filter((id) => !found.some((user) => user.id === id));
    if (missing.length > 0)
      throw new DomainError('BAD_REQUEST', 'UNKNOWN_MEMBER', 'Há membros que não são usuários ativos desta empresa', { userIds: missing });
  }
  await trx.deleteFrom('helpdesk_queue_members').where('queue_id', '=', queueId).execute();
  if (unique.length > 0) {
    await trx
      .insertInto('helpdesk_queue_members')
      .values(unique.map((userId) => ({ tenant_id: tenantOf(trx), queue_id: queueId, user_id: userId })))
      .execute();
  }
  await appendEvent(trx, 'queue.members_changed', { queueId, memberIds: unique });
}

async function assertNameFree(trx: TenantTransaction, name: string, exceptId?: string): Promise<void> {
  let query = trx.selectFrom('helpdesk_queues').select('id').where('name', '=', name);
  if (exceptId) query = query.where('id', '!=', exceptId);
  if (await query.executeTakeFirst()) throw new DomainError('CONFLICT', 'QUEUE_NAME_TAKEN', `Já existe uma fila chamada ${name}`);
}

const auditView = (queue: QueueView) => ({
  name: queue.name,
  color: queue.color,
  greeting: queue.greeting,
  position: queue.position,
  businessHours: queue.businessHours,
  memberIds: queue.memberIds,
});

export async function createQueue(trx: TenantTransaction, audit: AuditContext, input: QueueInput): Promise<QueueView> {
  await assertNameFree(trx, input.name);
  const queue = await trx
    .insertInto('helpdesk_queues')
    .values({
      tenant_id: tenantOf(trx),
      name: input.name,
      ...(input.color ? { color: input.color } : {}),
      ...(input.greeting !== undefined ? { greeting: input.greeting } : {}),
      ...(input.position !== undefined ? { position: input.position } : {}),
      business_hours: input.businessHours ? JSON.stringify(input.businessHours) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceMembers(trx, queue.id, input.memberIds ?? []);
  const created = await findQueue(trx, queue.id);
  await recordAudit(trx, audit, {
    action: 'helpdesk.queue.created',
    entity: 'helpdesk_queue',
    entityId: queue.id,
    after: auditView(created),
  });
  return created;
}

export async function updateQueue(
  trx: TenantTransaction,
  audit: AuditContext,
  input: Partial<QueueInput> & { id: string },
): Promise<QueueView> {
  const before = await findQueue(trx, input.id);
  if (input.name !== undefined) await assertNameFree(trx, input.name, input.id);
  await trx
    .updateTable('helpdesk_queues')
    .set({
      name: input.name ?? before.name,
      color: input.color ?? before.color,
      greeting: input.greeting ?? before.greeting,
      position: input.position ?? before.position,
      business_hours:
        input.businessHours === undefined
          ? before.businessHours
            ? JSON.stringify(before.businessHours)
            : null
          : input.businessHours
            ? JSON.stringify(input.businessHours)
            : null,
      updated_at: new Date(),
    })
    .where('id', '=', input.id)
    .execute();
  if (input.memberIds) await replaceMembers(trx, input.id, input.memberIds);
  const after = await findQueue(trx, input.id);
  await recordAudit(trx, audit, {
    action: 'helpdesk.queue.updated',
    entity: 'helpdesk_queue',
    entityId: input.id,
    before: auditView(before),
    after: auditView(after),
  });
  return after;
}

/** A queue with tickets keeps them: they fall back to "no queue", where every agent sees them. */
export async function deleteQueue(trx: TenantTransaction, audit: AuditContext, id: string): Promise<void> {
  const before = await findQueue(trx, id);
  await trx.updateTable('helpdesk_tickets').set({ queue_id: null }).where('queue_id', '=', id).execute();
  await trx.deleteFrom('helpdesk_queues').where('id', '=', id).execute();
  await appendEvent(trx, 'queue.members_changed', { queueId: id, memberIds: [] });
  await recordAudit(trx, audit, { action: 'helpdesk.queue.deleted', entity: 'helpdesk_queue', entityId: id, before: auditView(before) });
}
