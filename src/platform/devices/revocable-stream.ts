import { DomainError } from '../errors';
import { streamFailure } from '../events/stream';
import type { DevicePrincipal } from './principal';
import type { Devices } from './index';

/**
 * A device's live stream that ends with UNAUTHORIZED the moment the device is revoked, on
 * whichever instance holds it (and at once if it was revoked before the stream began). `open`
 * gets a signal that aborts when the client leaves or the device is revoked.
 */
export async function* untilDeviceRevoked<T>(
  devices: Devices,
  device: DevicePrincipal,
  clientSignal: AbortSignal | undefined,
  open: (signal: AbortSignal) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const stop = new AbortController();
  let endedBy: DomainError | undefined;
  const onClientGone = () => stop.abort();
  clientSignal?.addEventListener('abort', onClientGone, { once: true });
  const stopRevocation = devices.revocations.onRevoked(device.deviceId, () => {
    endedBy ??= new DomainError('UNAUTHORIZED', 'DEVICE_REVOKED', 'Dispositivo revogado');
    stop.abort();
  });
  try {
    // Revoked between the check and the subscription: end now rather than wait for an announcement already past.
    if (!(await devices.authenticator.current(device.deviceId))) {
      throw new DomainError('UNAUTHORIZED', 'DEVICE_REVOKED', 'Dispositivo revogado');
    }
    try {
      for await (const item of open(stop.signal)) {
        if (endedBy) break;
        yield item;
      }
    } catch (error) {
      throw streamFailure(error);
    }
    if (endedBy) throw endedBy;
  } finally {
    stopRevocation();
    clientSignal?.removeEventListener('abort', onClientGone);
  }
}
