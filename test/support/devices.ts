import type { DeviceKind } from '../../src/platform/devices/kinds';

/** A kind of device only the tests declare: a kiosk bound to a unit, with its own token header. */
export const TEST_KIOSK: DeviceKind = {
  key: 'test-kiosk',
  label: 'Totem de teste',
  scopes: [
    { key: 'events.read', description: 'Eventos ao vivo' },
    { key: 'tickets.issue', description: 'Emitir senhas' },
  ],
  resource: { required: true, label: 'a unidade' },
  eventTypes: ['user.created'],
  tokenHeaders: ['X-Agent-Token'],
};
