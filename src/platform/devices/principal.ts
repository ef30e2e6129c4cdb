import type { Kysely } from 'kysely';
import type { DB, Device } from '../../db/schema';
import { withSystem, type SystemTransaction } from '../../db/system-scope';
import { digestsMatch } from '../auth/opaque-tokens';
import type { Actor } from '../audit/audit-log';
import { parseDeviceToken } from './credentials';

/** An enrolled, unrevoked device as the caller of a request. */
export interface DevicePrincipal {
  deviceId: string;
  tenantId: string;
  kind: string;
  name: string;
  scopes: ReadonlySet<string>;
  resourceId: string | null;
  /** The modules the device's tenant has on. */
  tenantModules: readonly string[];
}

export const deviceActor = (device: DevicePrincipal): Actor => ({ type: 'device', id: device.deviceId, label: device.name });

export interface DeviceClient {
  ip: string | null;
  userAgent: string | null;
}

const LAST_SEEN_RESOLUTION_MS = 60_000;
const MAX_TRACKED = 50_000;

type DeviceRow = Pick<Device, 'id' | 'tenant_id' | 'kind' | 'name' | 'scopes' | 'resource_id' | 'token_hash' | 'revoked_at'> & {
  modules: string[];
};

const toPrincipal = (row: DeviceRow): DevicePrincipal => ({
  deviceId: row.id,
  tenantId: row.tenant_id,
  kind: row.kind,
  name: row.name,
  scopes: new Set(row.scopes),
  resourceId: row.resource_id,
  tenantModules: row.modules,
});

/** Devices with what a principal carries, across tenants: the caller's tenant is not known yet. */
const deviceRows = (trx: SystemTransaction) =>
  trx
    .selectFrom('devices')
    .innerJoin('tenants', 'tenants.id', 'devices.tenant_id')
    .select([
      'devices.id',
      'devices.tenant_id',
      'devices.kind',
      'devices.name',
      'devices.scopes',
      'devices.resource_id',
      'devices.token_hash',
      'devices.revoked_at',
      'tenants.modules',
    ]);

/**
 * Checks device tokens by their lookup prefix and digest, against the row as it is now (no
 * cache: a revoked device fails its very next call on every instance). Last seen, address and
 * user agent are written at most once a minute per device, or at once when they change.
 */
export class DeviceAuthenticator {
  readonly #lastSeen = new Map<string, { at: number; ip: string | null; userAgent: string | null }>();

  constructor(private readonly db: Kysely<DB>) {}

  async authenticate(presented: string, client: DeviceClient): Promise<DevicePrincipal | null> {
    const parsed = parseDeviceToken(presented);
    if (!parsed) return null;
    const row = await withSystem(this.db, (trx) => deviceRows(trx).where('devices.token_prefix', '=', parsed.prefix).executeTakeFirst());
    if (!row?.token_hash || row.revoked_at || !digestsMatch(row.token_hash, parsed.digest)) return null;
    await this.#touch(row.id, client);
    return toPrincipal(row);
  }

  /**
   * The device as it is now, for a call on a connection authenticated earlier (a WebSocket);
   * with the caller's address, the call counts as the device being seen.
   */
  async current(deviceId: string, client?: DeviceClient): Promise<DevicePrincipal | null> {
    const row = await withSystem(this.db, (trx) => deviceRows(trx).where('devices.id', '=', deviceId).executeTakeFirst());
    if (!row?.token_hash || row.revoked_at) return null;
    if (client) await this.#touch(row.id, client);
    return toPrincipal(row);
  }

  async #touch(deviceId: string, client: DeviceClient): Promise<void> {
    const previous = this.#lastSeen.get(deviceId);
    const now = Date.now();
    if (previous && now - previous.at < LAST_SEEN_RESOLUTION_MS && previous.ip === client.ip && previous.userAgent === client.userAgent)
      return;
    if (this.#lastSeen.size >= MAX_TRACKED) this.#lastSeen.clear();
    this.#lastSeen.set(deviceId, { at: now, ip: client.ip, userAgent: client.userAgent });
    await withSystem(this.db, (trx) =>
      trx
        .updateTable('devices')
        .set({ last_seen_at: new Date(now), last_ip: client.ip, last_user_agent: client.userAgent?.slice(0, 500) ?? null })
        .where('id', '=', deviceId)
        .execute(),
    );
  }
}
