import { defineFeatureEvents, type EventOf } from '../../lib/appEvents';

type DeviceEvent = EventOf<'identity.device.created' | 'identity.device.enrolled' | 'identity.device.revoked'>;
const deviceSummary = (event: DeviceEvent) => `${event.data.name} (${event.data.kind})`;

export default defineFeatureEvents('identity', {
  'identity.device.created': { label: 'Dispositivo cadastrado', summary: deviceSummary },
  'identity.device.enrolled': { label: 'Dispositivo ativado', summary: deviceSummary },
  'identity.device.revoked': { label: 'Dispositivo revogado', summary: deviceSummary },
});
