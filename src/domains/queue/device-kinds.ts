import { isUuid, type TenantTransaction } from '../../db/tenant-scope';
import type { DeviceKind } from '../../platform/devices/kinds';
import type { DevicePrincipal } from '../../platform/devices/principal';
import { DomainError, notFound } from '../../platform/errors';
import { CALL_EVENT_TYPES } from './events';

export const KIOSK_KIND = 'queue.kiosk';
export const DISPLAY_KIND = 'queue.display';
export const QUEUE_ISSUE_SCOPE = 'queue.tickets.issue';
export const QUEUE_DISPLAY_SCOPE = 'queue.display.read';

const unitExists = async (trx: TenantTransaction, unitId: string) =>
  isUuid(unitId) && (await trx.selectFrom('queue_units').select('id').where('id', '=', unitId).executeTakeFirst()) !== undefined;

const boundToUnit = { required: true, label: 'a unidade', exists: unitExists };

/** The queue's devices: a kiosk issues tickets for its unit without anyone logging in; a TV display shows its unit's calls. */
export const queueDeviceKinds: readonly DeviceKind[] = [
  {
    key: KIOSK_KIND,
    label: 'Totem de senhas',
    scopes: [{ key: QUEUE_ISSUE_SCOPE, description: 'Emitir senhas na unidade' }],
    resource: boundToUnit,
  },
  {
    key: DISPLAY_KIND,
    label: 'Painel de chamadas (TV)',
    scopes: [{ key: QUEUE_DISPLAY_SCOPE, description: 'Mostrar as chamadas da unidade' }],
    resource: boundToUnit,
    eventTypes: CALL_EVENT_TYPES,
  },
];

/** The unit a queue device serves, once it is of the right kind and its tenant has the queue on. */
export function unitOfQueueDevice(device: DevicePrincipal, kind: typeof KIOSK_KIND | typeof DISPLAY_KIND): string {
  if (device.kind !== kind) throw new DomainError('FORBIDDEN', 'DEVICE_KIND_NOT_ALLOWED', `Somente dispositivos do tipo ${kind}`);
  if (!device.tenantModules.includes('queue'))
    throw new DomainError('FORBIDDEN', 'MODULE_DISABLED', 'O módulo Fila não está ativo para esta empresa', { module: 'queue' });
  if (!device.resourceId) throw notFound('Unidade');
  return device.resourceId;
}
