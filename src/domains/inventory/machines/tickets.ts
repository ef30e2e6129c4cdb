import type { z } from 'zod';
import type { InventoryTicket, InventoryTicketStatus } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { machineNotRegistered } from './heartbeats';
import type { agentTicketInput, listTicketsInput, updateTicketInput } from './schemas';

export interface TicketView {
  id: string;
  title: string;
  description: string;
  status: InventoryTicketStatus;
  assigneeId: string | null;
  assigneeName: string | null;
  assetId: string | null;
  assetTag: string | null;
  assetName: string | null;
  deviceId: string | null;
  machineHostname: string | null;
  externalId: string | null;
  createdAt: string;
  updatedAt: string;
}

function selectTickets(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_tickets as ticket')
    .leftJoin('users as assignee', 'assignee.id', 'ticket.assignee_id')
    .leftJoin('inventory_assets as asset', 'asset.id', 'ticket.related_asset_id')
    .leftJoin('inventory_machines as machine', 'machine.device_id', 'ticket.device_id')
    .selectAll('ticket')
    .select([
      'assignee.name as assignee_name',
      'asset.tag as asset_tag',
      'asset.name as asset_name',
      'machine.hostname as machine_hostname',
    ]);
}

type TicketRow = InventoryTicket & {
  assignee_name: string | null;
  asset_tag: string | null;
  asset_name: string | null;
  machine_hostname: string | null;
};

const toTicketView = (row: TicketRow): TicketView => ({
  id: row.id,
  title: row.title,
  description: row.description,
  status: row.status,
  assigneeId: row.assignee_id,
  assigneeName: row.assignee_name,
  assetId: row.related_asset_id,
  assetTag: row.asset_tag,
  assetName: row.asset_name,
  deviceId: row.device_id,
  machineHostname: row.machine_hostname,
  externalId: row.external_id,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

async function findTicket(trx: TenantTransaction, ticketId: string): Promise<TicketView> {
  const row = await selectTickets(trx).where('ticket.id', '=', ticketId).executeTakeFirst();
  if (!row) throw notFound('Chamado');
  return toTicketView(row);
}

export async function listTickets(trx: TenantTransaction, input: z.infer<typeof listTicketsInput>): Promise<TicketView[]> {
  let query = selectTickets(trx);
  if (input.status) query = query.where('ticket.status', '=', input.status);
  if (input.assetId) query = query.where('ticket.related_asset_id', '=', input.assetId);
  const rows = await query.orderBy('ticket.created_at', 'desc').orderBy('ticket.id').limit(500).execute();
  return rows.map(toTicketView);
}

/**
 * A ticket an agent opens for its own machine, linked to the machine's asset and device. With an
 * externalId, a retried create answers the ticket the first one made (`duplicate`).
 */
export async function createAgentTicket(
  trx: TenantTransaction,
  audit: AuditContext,
  deviceId: string,
  input: z.infer<typeof agentTicketInput>,
): Promise<{ ticket: TicketView; duplicate: boolean }> {
  const machine = await trx.selectFrom('inventory_machines').select('asset_id').where('device_id', '=', deviceId).executeTakeFirst();
  if (!machine) throw machineNotRegistered();
  const inserted = await trx
    .insertInto('inventory_tickets')
    .values({
      tenant_id: tenantOf(trx),
      title: input.title,
      description: input.description ?? '',
      related_asset_id: machine.asset_id,
      device_id: deviceId,
      external_id: input.externalId ?? null,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'device_id', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) {
    const first = await selectTickets(trx)
      .where('ticket.device_id', '=', deviceId)
      .where('ticket.external_id', '=', input.externalId!)
      .executeTakeFirstOrThrow();
    return { ticket: toTicketView(first), duplicate: true };
  }
  await recordAudit(trx, audit, {
    action: 'inventory.ticket.created',
    entity: 'inventory_tickets',
    entityId: inserted.id,
    after: { title: inserted.title, assetId: inserted.related_asset_id, externalId: inserted.external_id },
  });
  await appendEvent(trx, 'inventory.ticket.created', { ticketId: inserted.id, title: inserted.title, assetId: inserted.related_asset_id });
  return { ticket: await findTicket(trx, inserted.id), duplicate: false };
}

/** Moves a ticket (open, in progress, closed: any to any) and/or hands it to a user of the tenant (null: nobody). */
export async function updateTicket(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateTicketInput>,
): Promise<TicketView> {
  const before = await trx.selectFrom('inventory_tickets').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
  if (!before) throw notFound('Chamado');
  if (input.assigneeId) {
    const assignee = await trx.selectFrom('users').select('id').where('id', '=', input.assigneeId).executeTakeFirst();
    if (!assignee) throw notFound('Usuário');
  }
  const after = await trx
    .updateTable('inventory_tickets')
    .set({
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.assigneeId !== undefined ? { assignee_id: input.assigneeId } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.ticket.updated',
    entity: 'inventory_tickets',
    entityId: after.id,
    before: { status: before.status, assigneeId: before.assignee_id },
    after: { status: after.status, assigneeId: after.assignee_id },
  });
  await appendEvent(trx, 'inventory.ticket.updated', {
    ticketId: after.id,
    title: after.title,
    status: after.status,
    assigneeId: after.assignee_id,
  });
  return findTicket(trx, after.id);
}
