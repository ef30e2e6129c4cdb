import { tracked } from '@trpc/server';
import type { DevicePrincipal } from '../../platform/devices/principal';
import { untilDeviceRevoked } from '../../platform/devices/revocable-stream';
import type { EventType } from '../../platform/events/catalog';
import { streamTenantEvents } from '../../platform/events/stream';
import type { Services } from '../../platform/services';

/** The scope a device needs to receive its kind's live events. */
export const DEVICE_EVENTS_SCOPE = 'events.read';

/**
 * The live events a device's kind may receive, as `tracked(id, event)`, from its own tenant only.
 * The stream ends with UNAUTHORIZED the moment the device is revoked, on whichever instance holds it.
 */
export function streamDeviceEvents(
  services: Services,
  device: DevicePrincipal,
  options: { lastEventId?: string | undefined; signal?: AbortSignal | undefined },
) {
  const declared = services.devices.kinds.get(device.kind)?.eventTypes ?? [];
  const wanted = new Set<string>(declared);
  return untilDeviceRevoked(services.devices, device, options.signal, async function* (signal) {
    const events = streamTenantEvents({
      db: services.db,
      hub: services.hub,
      tenantId: device.tenantId,
      lastEventId: options.lastEventId,
      types: declared.length > 0 ? (declared as EventType[]) : undefined,
      signal,
    });
    for await (const event of events) {
      if (wanted.has(event.type)) yield tracked(event.id, event);
    }
  });
}
