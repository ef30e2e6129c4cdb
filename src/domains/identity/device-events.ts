import { tracked } from '@trpc/server';
import type { DevicePrincipal } from '../../platform/devices/principal';
import { DomainError } from '../../platform/errors';
import type { EventType } from '../../platform/events/catalog';
import { streamFailure, streamTenantEvents } from '../../platform/events/stream';
import type { Services } from '../../platform/services';

/** The scope a device needs to receive its kind's live events. */
export const DEVICE_EVENTS_SCOPE = 'events.read';

/**
 * The live events a device's kind may receive, as `tracked(id, event)`, from its own tenant only.
 * The stream ends with UNAUTHORIZED the moment the device is revoked, on whichever instance holds it.
 */
export async function* streamDeviceEvents(
  services: Services,
  device: DevicePrincipal,
  options: { lastEventId?: string | undefined; signal?: AbortSignal | undefined },
) {
  const declared = services.devices.kinds.get(device.kind)?.eventTypes ?? [];
  const wanted = new Set<string>(declared);
  const stop = new AbortController();
  let endedBy: DomainError | undefined;
  const onClientGone = () => stop.abort();
  options.signal?.addEventListener('abort', onClientGone, { once: true });
  const stopRevocation = services.devices.revocations.onRevoked(device.deviceId, () => {
    endedBy ??= new DomainError('UNAUTHORIZED', 'DEVICE_REVOKED', 'Dispositivo revogado');
    stop.abort();
  });
  try {
    // Revoked between the check and the subscription: end now rather than wait for an announcement already past.
    if (!(await services.devices.authenticator.current(device.deviceId))) {
      throw new DomainError('UNAUTHORIZED', 'DEVICE_REVOKED', 'Dispositivo revogado');
    }
    const events = streamTenantEvents({
      db: services.db,
      hub: services.hub,
      tenantId: device.tenantId,
      lastEventId: options.lastEventId,
      types: declared.length > 0 ? (declared as EventType[]) : undefined,
      signal: stop.signal,
    });
    try {
      for await (const event of events) {
        if (endedBy) break;
        if (!wanted.has(event.type)) continue;
        yield tracked(event.id, event);
      }
    } catch (error) {
      throw streamFailure(error);
    }
    if (endedBy) throw endedBy;
  } finally {
    stopRevocation();
    options.signal?.removeEventListener('abort', onClientGone);
  }
}
