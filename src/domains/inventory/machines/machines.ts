import { sql } from 'kysely';
import type { z } from 'zod';
import type { InventoryMachine } from '../../../db/schema';
import { containing } from '../../../db/like-patterns';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { notFound } from '../../../platform/errors';
import type { listMachinesInput } from './schemas';

export interface MachineView {
  deviceId: string;
  /** The device's name, as the admin gave it in Dispositivos. */
  name: string;
  hostname: string;
  hardwareId: string;
  assetId: string | null;
  assetTag: string | null;
  assetName: string | null;
  facts: Record<string, unknown>;
  lastSequence: number;
  lastHeartbeatAt: string | null;
  /** A heartbeat within the tenant's silence window, from an agent not revoked. */
  online: boolean;
  revoked: boolean;
  silenceMinutes: number;
  registeredAt: string;
}

export interface MachineDetail extends MachineView {
  recentHeartbeats: Array<{ sequence: number; receivedAt: string; facts: Record<string, unknown> }>;
  openTickets: number;
  pendingAlerts: number;
}

const MAX_LISTED = 2000;
const RECENT_HEARTBEATS = 20;

/** The online test, in SQL so the list can filter on it. */
const onlineNow = sql<boolean>`(devices.revoked_at is null and machine.last_heartbeat_at is not null
  and machine.last_heartbeat_at >= now() - make_interval(mins => settings.agent_silence_minutes))`;

function selectMachines(trx: TenantTransaction) {
  return (
    trx
      .selectFrom('inventory_machines as machine')
      .innerJoin('devices', 'devices.id', 'machine.device_id')
      .leftJoin('inventory_assets as asset', 'asset.id', 'machine.asset_id')
      // Registration makes the settings row: every machine has one.
      .innerJoin('inventory_settings as settings', 'settings.tenant_id', 'machine.tenant_id')
      .selectAll('machine')
      .select([
        'devices.name as device_name',
        'devices.revoked_at',
        'asset.tag as asset_tag',
        'asset.name as asset_name',
        'settings.agent_silence_minutes as silence_minutes',
        onlineNow.as('online'),
      ])
  );
}

type MachineRow = InventoryMachine & {
  device_name: string;
  revoked_at: Date | null;
  asset_tag: string | null;
  asset_name: string | null;
  silence_minutes: number;
  online: boolean;
};

const toMachineView = (row: MachineRow): MachineView => ({
  deviceId: row.device_id,
  name: row.device_name,
  hostname: row.hostname,
  hardwareId: row.hardware_id,
  assetId: row.asset_id,
  assetTag: row.asset_tag,
  assetName: row.asset_name,
  facts: row.facts,
  lastSequence: Number(row.last_sequence),
  lastHeartbeatAt: row.last_heartbeat_at?.toISOString() ?? null,
  online: row.online,
  revoked: row.revoked_at !== null,
  silenceMinutes: row.silence_minutes,
  registeredAt: row.registered_at.toISOString(),
});

export async function listMachines(trx: TenantTransaction, input: z.infer<typeof listMachinesInput>): Promise<MachineView[]> {
  let query = selectMachines(trx);
  if (input.status) query = query.where(input.status === 'online' ? onlineNow : sql<boolean>`not ${onlineNow}`);
  if (input.q) {
    const pattern = containing(input.q);
    query = query.where((eb) =>
      eb.or([
        eb('machine.hostname', 'ilike', pattern),
        eb('machine.hardware_id', 'ilike', pattern),
        eb('devices.name', 'ilike', pattern),
        eb('asset.tag', 'ilike', pattern),
      ]),
    );
  }
  const rows = await query.orderBy('machine.hostname').orderBy('machine.device_id').limit(MAX_LISTED).execute();
  return rows.map(toMachineView);
}

export async function getMachine(trx: TenantTransaction, deviceId: string): Promise<MachineDetail> {
  const row = await selectMachines(trx).where('machine.device_id', '=', deviceId).executeTakeFirst();
  if (!row) throw notFound('Máquina');
  const heartbeats = await trx
    .selectFrom('inventory_machine_heartbeats')
    .select(['sequence', 'received_at', 'facts'])
    .where('device_id', '=', deviceId)
    .orderBy('sequence', 'desc')
    .limit(RECENT_HEARTBEATS)
    .execute();
  const counts = await trx
    .selectNoFrom((eb) => [
      eb
        .selectFrom('inventory_tickets')
        .select((inner) => inner.fn.countAll<string>().as('count'))
        .where('device_id', '=', deviceId)
        .where('status', '<>', 'closed')
        .as('open_tickets'),
      eb
        .selectFrom('inventory_alerts')
        .select((inner) => inner.fn.countAll<string>().as('count'))
        .where('device_id', '=', deviceId)
        .where('acknowledged_at', 'is', null)
        .as('pending_alerts'),
    ])
    .executeTakeFirstOrThrow();
  return {
    ...toMachineView(row),
    recentHeartbeats: heartbeats.map((heartbeat) => ({
      sequence: Number(heartbeat.sequence),
      receivedAt: heartbeat.received_at.toISOString(),
      facts: heartbeat.facts,
    })),
    openTickets: Number(counts.open_tickets ?? 0),
    pendingAlerts: Number(counts.pending_alerts ?? 0),
  };
}
