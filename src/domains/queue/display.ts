import { tracked } from '@trpc/server';
import { sql } from 'kysely';
import { tenantOf, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import type { DevicePrincipal } from '../../platform/devices/principal';
import { untilDeviceRevoked } from '../../platform/devices/revocable-stream';
import { streamTenantEvents } from '../../platform/events/stream';
import type { Services } from '../../platform/services';
import { CALL_EVENT_TYPES, type QueueTicketSummary } from './events';

/** One call as a display shows it. */
export interface DisplayCall {
  ticketId: string;
  code: string;
  serviceId: string;
  serviceName: string;
  deskName: string | null;
  deskNumber: number | null;
  calledAt: string;
  /** 1 for the first call, 2 and up for recalls: a recall is announced again. */
  callCount: number;
  priority: string | null;
}

export type DisplayFrame =
  | { type: 'state'; unit: { id: string; name: string }; current: DisplayCall | null; recent: DisplayCall[]; serverTime: string }
  /** `announce` is false for calls the display missed while away: the state frame already shows them, and they are never spoken. */
  | { type: 'call'; call: DisplayCall; announce: boolean };

const RECENT_CALLS = 5;

/** The unit's current call and the ones before it (one entry per ticket, newest first), from the transition log. */
export async function displayState(trx: TenantTransaction, unitId: string): Promise<Extract<DisplayFrame, { type: 'state' }>> {
  const unit = await trx.selectFrom('queue_units').select(['id', 'name']).where('id', '=', unitId).executeTakeFirst();
  if (!unit) return { type: 'state', unit: { id: unitId, name: '' }, current: null, recent: [], serverTime: new Date().toISOString() };
  const rows = await trx
    .selectFrom('queue_transitions')
    .innerJoin('queue_tickets', 'queue_tickets.id', 'queue_transitions.ticket_id')
    .innerJoin('queue_services', 'queue_services.id', 'queue_transitions.service_id')
    .leftJoin('queue_desks', 'queue_desks.id', 'queue_transitions.desk_id')
    .select([
      'queue_transitions.ticket_id',
      'queue_transitions.at',
      'queue_transitions.service_id',
      'queue_tickets.code',
      'queue_tickets.call_count',
      'queue_tickets.priority_name',
      'queue_services.name as service_name',
      'queue_desks.name as desk_name',
      'queue_desks.number as desk_number',
    ])
    .where('queue_transitions.tenant_id', '=', tenantOf(trx))
    .where('queue_transitions.unit_id', '=', unit.id)
    .where('queue_transitions.action', 'in', ['called', 'recalled'])
    .where('queue_transitions.at', '>', sql<Date>`now() - interval '1 day'`)
    .orderBy('queue_transitions.id', 'desc')
    .limit(50)
    .execute();
  const seen = new Set<string>();
  const calls: DisplayCall[] = [];
  for (const row of rows) {
    if (seen.has(row.ticket_id)) continue;
    seen.add(row.ticket_id);
    calls.push({
      ticketId: row.ticket_id,
      code: row.code,
      serviceId: row.service_id,
      serviceName: row.service_name,
      deskName: row.desk_name,
      deskNumber: row.desk_number,
      calledAt: row.at.toISOString(),
      callCount: row.call_count,
      priority: row.priority_name,
    });
    if (calls.length > RECENT_CALLS) break;
  }
  return {
    type: 'state',
    unit,
    current: calls[0] ?? null,
    recent: calls.slice(1, RECENT_CALLS + 1),
    serverTime: new Date().toISOString(),
  };
}

/** The service names a display's call frames carry, read once per stream and again when a service appears. */
async function serviceNames(services: Services, tenantId: string, unitId: string): Promise<Map<string, string>> {
  const rows = await withTenant(services.db, tenantId, (trx) =>
    trx.selectFrom('queue_services').select(['id', 'name']).where('unit_id', '=', unitId).execute(),
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}

const toDisplayCall = (summary: QueueTicketSummary, serviceName: string): DisplayCall => ({
  ticketId: summary.ticketId,
  code: summary.code,
  serviceId: summary.serviceId,
  serviceName,
  deskName: summary.deskName,
  deskNumber: summary.deskNumber,
  calledAt: summary.calledAt ?? new Date().toISOString(),
  callCount: summary.callCount,
  priority: summary.priority,
});

/**
 * A display's stream: its unit's current state first, then each call as `tracked(eventId, frame)`.
 * It subscribes before reading the state, so nothing that happens meanwhile is lost; after a
 * reconnect with its last id, the calls it missed come marked `announce: false` (the state already
 * shows them, and old calls are never spoken), and only calls that happen from then on are announced.
 */
export function streamDisplay(
  services: Services,
  device: DevicePrincipal,
  unitId: string,
  options: { lastEventId?: string | undefined; signal?: AbortSignal | undefined },
) {
  return untilDeviceRevoked(services.devices, device, options.signal, async function* (signal) {
    let caughtUp = false;
    const events = streamTenantEvents({
      db: services.db,
      hub: services.hub,
      tenantId: device.tenantId,
      lastEventId: options.lastEventId,
      types: CALL_EVENT_TYPES,
      signal,
      onCaughtUp: () => {
        caughtUp = true;
      },
    });
    // The generator subscribes on its first step: start it before the state is read.
    const first = events.next();
    first.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
    yield await withTenant(services.db, device.tenantId, (trx) => displayState(trx, unitId));
    let names = await serviceNames(services, device.tenantId, unitId);
    for (let step = await first; !step.done; step = await events.next()) {
      const event = step.value;
      if (event.type !== 'queue.ticket.called' && event.type !== 'queue.ticket.recalled') continue;
      if (event.data.unitId !== unitId) continue;
      if (!names.has(event.data.serviceId)) names = await serviceNames(services, device.tenantId, unitId);
      const frame: DisplayFrame = {
        type: 'call',
        call: toDisplayCall(event.data, names.get(event.data.serviceId) ?? ''),
        announce: caughtUp,
      };
      yield tracked(event.id, frame);
    }
  });
}

export interface DisplayStatusView {
  deviceId: string;
  name: string;
  unitId: string;
  lastHeartbeatAt: string;
  showingTicketId: string | null;
  /** No heartbeat for longer than SILENT_AFTER_MS: the screen froze, lost its network or was switched off. */
  silent: boolean;
}

/** A display beats every 20 s; three missed beats make it silent. */
export const DISPLAY_HEARTBEAT_MS = 20_000;
export const SILENT_AFTER_MS = 3 * DISPLAY_HEARTBEAT_MS;

export async function recordDisplayHeartbeat(
  trx: TenantTransaction,
  device: DevicePrincipal,
  unitId: string,
  input: { showingTicketId?: string | null | undefined; userAgent: string | null },
): Promise<{ nextBeatInMs: number }> {
  const values = {
    tenant_id: tenantOf(trx),
    unit_id: unitId,
    device_name: device.name,
    showing_ticket_id: input.showingTicketId ?? null,
    last_heartbeat_at: new Date(),
    user_agent: input.userAgent?.slice(0, 300) ?? null,
  };
  await trx
    .insertInto('queue_display_status')
    .values({ device_id: device.deviceId, ...values })
    .onConflict((conflict) => conflict.column('device_id').doUpdateSet(values))
    .execute();
  return { nextBeatInMs: DISPLAY_HEARTBEAT_MS };
}

export async function listDisplayStatus(trx: TenantTransaction, unitId?: string, now = Date.now()): Promise<DisplayStatusView[]> {
  const rows = await trx
    .selectFrom('queue_display_status')
    .selectAll()
    .$if(unitId !== undefined, (query) => query.where('unit_id', '=', unitId!))
    .orderBy('device_name')
    .execute();
  return rows.map((row) => ({
    deviceId: row.device_id,
    name: row.device_name,
    unitId: row.unit_id,
    lastHeartbeatAt: row.last_heartbeat_at.toISOString(),
    showingTicketId: row.showing_ticket_id,
    silent: now - row.last_heartbeat_at.getTime() > SILENT_AFTER_MS,
  }));
}
