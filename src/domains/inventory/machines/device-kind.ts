import { isUuid, type TenantTransaction } from '../../../db/tenant-scope';
import type { DeviceKind } from '../../../platform/devices/kinds';
import type { DevicePrincipal } from '../../../platform/devices/principal';
import { DomainError } from '../../../platform/errors';

export const AGENT_KIND = 'inventory.agent';
export const AGENT_SCOPE = 'inventory.machines.report';

const assetExists = async (trx: TenantTransaction, assetId: string) =>
  isUuid(assetId) && (await trx.selectFrom('inventory_assets').select('id').where('id', '=', assetId).executeTakeFirst()) !== undefined;

/** The inventory's agent: enrolled once with a code from Dispositivos, then reports its machine with `X-Agent-Token` (or Bearer). */
export const agentDeviceKind: DeviceKind = {
  key: AGENT_KIND,
  label: 'Agente de inventário (máquina)',
  scopes: [{ key: AGENT_SCOPE, description: 'Registrar a máquina, enviar heartbeats, chamados e alertas dela' }],
  resource: { required: false, label: 'o ativo da máquina', exists: assetExists },
  tokenHeaders: ['X-Agent-Token'],
};

/** The calling agent, once it is of the right kind and its tenant has the inventory on. */
export function requireInventoryAgent(device: DevicePrincipal): DevicePrincipal {
  if (device.kind !== AGENT_KIND)
    throw new DomainError('FORBIDDEN', 'DEVICE_KIND_NOT_ALLOWED', `Somente dispositivos do tipo ${AGENT_KIND}`);
  if (!device.tenantModules.includes('inventory'))
    throw new DomainError('FORBIDDEN', 'MODULE_DISABLED', 'O módulo Inventário não está ativo para esta empresa', { module: 'inventory' });
  return device;
}
