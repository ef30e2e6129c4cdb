import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { MessageBus } from '../events/bus';
import type { Logger } from '../observability/logger';
import type { FallbackLimiter } from '../rate-limits/limiter';
import { DeviceKindCatalogue, type DeviceKind } from './kinds';
import { DeviceAuthenticator } from './principal';
import { DeviceRevocations } from './revocations';

export { DeviceKindCatalogue, type DeviceKind, type DeviceScope } from './kinds';
export { deviceActor, presentedDeviceToken, type DevicePrincipal, type PresentedDeviceToken } from './principal';

/** The device principal's parts, built once per process. */
export class Devices {
  readonly kinds: DeviceKindCatalogue;
  readonly authenticator: DeviceAuthenticator;
  readonly revocations: DeviceRevocations;

  constructor(
    deps: { db: Kysely<DB>; bus: MessageBus; logger: Logger; kinds: readonly DeviceKind[] },
    /** Enrollment attempts per client address. */
    readonly enrollLimit: FallbackLimiter,
  ) {
    this.kinds = new DeviceKindCatalogue(deps.kinds);
    this.authenticator = new DeviceAuthenticator(deps.db);
    this.revocations = new DeviceRevocations({ bus: deps.bus, logger: deps.logger });
  }
}
