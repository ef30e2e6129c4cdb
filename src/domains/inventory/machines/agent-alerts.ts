import type { z } from 'zod';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { findInventoryAlert, raiseInventoryAlert, type InventoryAlertView } from '../alerts';
import { machineNotRegistered } from './heartbeats';
import type { agentAlertInput } from './schemas';

/**
 * An alert an agent sends about its own machine, linked to the machine's asset and device. With
 * an externalId, a retried send answers the alert the first one raised (`duplicate`).
 */
export async function raiseAgentAlert(
  trx: TenantTransaction,
  deviceId: string,
  input: z.infer<typeof agentAlertInput>,
): Promise<{ alert: InventoryAlertView; duplicate: boolean }> {
  const machine = await trx.selectFrom('inventory_machines').select('asset_id').where('device_id', '=', deviceId).executeTakeFirst();
  if (!machine) throw machineNotRegistered();
  const sourceKey = input.externalId ? `agent:${deviceId}:${input.externalId}` : undefined;
  const raised = await raiseInventoryAlert(trx, {
    type: input.type,
    severity: input.severity,
    message: input.message,
    assetId: machine.asset_id,
    deviceId,
    ...(sourceKey ? { sourceKey } : {}),
  });
  if (raised) return { alert: await findInventoryAlert(trx, raised), duplicate: false };
  const first = await trx.selectFrom('inventory_alerts').select('id').where('source_key', '=', sourceKey!).executeTakeFirstOrThrow();
  return { alert: await findInventoryAlert(trx, first.id), duplicate: true };
}
