import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../db/schema';
import { withSystem } from '../../../db/system-scope';
import { withTenant } from '../../../db/tenant-scope';
import { raiseInventoryAlert } from '../alerts';

const BATCH = 1000;

/**
 * Raises one alert per silence for each live agent that has sent nothing (since its last
 * heartbeat, or its registration) for longer than its tenant's `agent_silence_minutes`. The
 * source key carries the last heartbeat's time, so a rerun (or another instance) raises nothing
 * new, and the same agent falling silent again later raises a new one.
 */
export async function raiseSilentAgentAlerts(db: Kysely<DB>): Promise<{ silent: number; raised: number }> {
  const silent = await withSystem(db, (trx) =>
    trx
      .selectFrom('inventory_machines as machine')
      .innerJoin('devices', 'devices.id', 'machine.device_id')
      .innerJoin('inventory_settings as settings', 'settings.tenant_id', 'machine.tenant_id')
      .innerJoin('tenants', 'tenants.id', 'machine.tenant_id')
      .select([
        'machine.tenant_id',
        'machine.device_id',
        'machine.asset_id',
        'machine.hostname',
        'devices.name',
        'tenants.timezone',
        'settings.agent_silence_minutes',
        sql<Date>`coalesce(machine.last_heartbeat_at, machine.registered_at)`.as('last_seen'),
      ])
      .where('devices.revoked_at', 'is', null)
      .where(sql<boolean>`'inventory' = any(tenants.modules)`)
      .where(
        sql<boolean>`coalesce(machine.last_heartbeat_at, machine.registered_at) < now() - make_interval(mins => settings.agent_silence_minutes)`,
      )
      .where((eb) =>
        eb.or([
          eb('machine.silent_alerted_at', 'is', null),
          eb('machine.silent_alerted_at', '<', sql<Date>`coalesce(machine.last_heartbeat_at, machine.registered_at)`),
        ]),
      )
      .orderBy('machine.tenant_id')
      .limit(BATCH)
      .execute(),
  );
  let raised = 0;
  for (const machine of silent) {
    const lastSeen = new Date(machine.last_seen);
    const when = lastSeen.toLocaleString('pt-BR', { timeZone: machine.timezone, dateStyle: 'short', timeStyle: 'short' });
    await withTenant(db, machine.tenant_id, async (trx) => {
      // A heartbeat that arrived since the scan means the agent is back: nothing to raise.
      const stillSilent = await trx
        .updateTable('inventory_machines')
        .set({ silent_alerted_at: new Date() })
        .where('device_id', '=', machine.device_id)
        .where(sql<boolean>`coalesce(last_heartbeat_at, registered_at) < now() - make_interval(mins => ${machine.agent_silence_minutes})`)
        .executeTakeFirst();
      if (stillSilent.numUpdatedRows === 0n) return;
      const alertId = await raiseInventoryAlert(trx, {
        type: 'agent_silent',
        severity: 'warning',
        message: `A máquina ${machine.hostname || machine.name} não envia sinal há mais de ${machine.agent_silence_minutes} min (último em ${when})`,
        assetId: machine.asset_id,
        deviceId: machine.device_id,
        sourceKey: `agent-silent:${machine.device_id}:${lastSeen.toISOString()}`,
      });
      if (alertId) raised += 1;
    });
  }
  return { silent: silent.length, raised };
}
