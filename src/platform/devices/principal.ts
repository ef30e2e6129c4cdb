import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, Device } from '../../db/schema';
import { GroupCommit, type Settled } from '../../db/group-commit';
import { withSystem } from '../../db/system-scope';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
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

type DeviceRow = Pick<
  Device,
  'id' | 'tenant_id' | 'kind' | 'name' | 'scopes' | 'resource_id' | 'token_prefix' | 'token_hash' | 'revoked_at'
> & {
  modules: string[];
};

/** Each presented token's device row, when the row has that token and is not revoked (the digests compared in constant time). */
function verifyTokens(rows: readonly DeviceRow[], presented: readonly PresentedDeviceToken[]) {
  const byPrefix = new Map(rows.map((row) => [row.token_prefix, row]));
  return presented.map((token) => {
    const row = byPrefix.get(token.prefix);
    if (!row?.token_hash || row.revoked_at || !digestsMatch(row.token_hash, token.digest)) return null;
    return { row, client: token.client };
  });
}

const toPrincipal = (row: DeviceRow): DevicePrincipal => ({
  deviceId: row.id,
  tenantId: row.tenant_id,
  kind: row.kind,
  name: row.name,
  scopes: new Set(row.scopes),
  resourceId: row.resource_id,
  tenantModules: row.modules,
});

/**
 * Devices with what a principal carries: across tenants on the system path (the caller's tenant is
 * not known yet), or within a tenant's transaction (its policies show that tenant's devices only).
 */
const deviceRows = (trx: Transaction<DB>) =>
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
      'devices.token_prefix',
      'devices.token_hash',
      'devices.revoked_at',
      'tenants.modules',
    ]);

/** A device token as a call presents it, read once: its lookup prefix, its digest, and where the call came from. */
export interface PresentedDeviceToken {
  prefix: string;
  digest: string;
  client: DeviceClient;
}

/** A presented token read as a device token, or undefined when it is not one. */
export function presentedDeviceToken(presented: string, client: DeviceClient): PresentedDeviceToken | undefined {
  const parsed = parseDeviceToken(presented);
  return parsed && { prefix: parsed.prefix, digest: parsed.digest, client };
}

interface LastSeen {
  deviceId: string;
  at: Date;
  client: DeviceClient;
}

/** The most token checks that share one lookup. */
const MAX_LOOKUPS_PER_BATCH = 500;

/** Writes when, from where and with what each device was last seen: one statement for them all. */
async function writeLastSeen(trx: Transaction<DB>, seen: readonly LastSeen[]): Promise<void> {
  if (seen.length === 0) return;
  await sql`
    update devices set last_seen_at = seen.at, last_ip = seen.ip, last_user_agent = seen.user_agent
    from unnest(
      ${seen.map((entry) => entry.deviceId)}::uuid[],
      ${seen.map((entry) => entry.at.toISOString())}::timestamptz[],
      ${seen.map((entry) => entry.client.ip)}::text[],
      ${seen.map((entry) => entry.client.userAgent?.slice(0, 500) ?? null)}::text[]
    ) as seen(device_id, at, ip, user_agent)
    where devices.id = seen.device_id`.execute(trx);
}

/**
 * Checks device tokens by their lookup prefix and digest, against the row as it is now (no
 * cache: a revoked device fails its very next call on every instance). Checks arriving together
 * share one lookup (a fleet of agents heartbeating costs one query per batch, not one
 * transaction per call). Last seen, address and user agent are written at most once a minute per
 * device, or at once when they change, in the same transaction as the lookup.
 *
 * A call whose work is in the device's tenant can instead check its token in that work's own
 * transaction (authenticateInTenant): the tenant of a device this process has authenticated
 * before is remembered (a device never changes tenant; that says nothing of its token's validity).
 */
export class DeviceAuthenticator {
  readonly #lastSeen = new Map<string, { at: number; ip: string | null; userAgent: string | null }>();
  readonly #tenantOfPrefix = new Map<string, string>();
  readonly #lookups: GroupCommit<PresentedDeviceToken, DevicePrincipal | null>;

  constructor(private readonly db: Kysely<DB>) {
    this.#lookups = new GroupCommit({
      maxBatch: MAX_LOOKUPS_PER_BATCH,
      writeBatch: (_key, presented) => this.#checkTokens(presented),
    });
  }

  async authenticate(presented: string, client: DeviceClient): Promise<DevicePrincipal | null> {
    const token = presentedDeviceToken(presented, client);
    if (!token) return null;
    const device = await this.#lookups.submit('devices', token);
    if (device) this.#rememberTenant(token.prefix, device.tenantId);
    return device;
  }

  /** The tenant of the token's device, when this process has authenticated that device before; nothing about whether the token is still good. */
  knownTenantOf(token: PresentedDeviceToken): string | undefined {
    return this.#tenantOfPrefix.get(token.prefix);
  }

  /**
   * Checks tokens inside a transaction of their devices' tenant, against the rows as they are now,
   * and writes their last seen there when due: a call whose work is in that tenant (a heartbeat)
   * checks its token in the transaction it writes in, instead of in one of its own. A token of no
   * device of this tenant, or of a revoked one, is null. Answers in the tokens' order.
   */
  async authenticateInTenant(trx: TenantTransaction, tokens: readonly PresentedDeviceToken[]): Promise<Array<DevicePrincipal | null>> {
    if (tokens.length === 0) return [];
    const prefixes = [...new Set(tokens.map((token) => token.prefix))];
    const rows = await deviceRows(trx)
      .where('devices.tenant_id', '=', tenantOf(trx))
      .where('devices.token_prefix', 'in', prefixes)
      .execute();
    const verified = verifyTokens(rows, tokens);
    verified.forEach((found, index) => {
      if (!found) this.#tenantOfPrefix.delete(tokens[index]!.prefix);
    });
    await writeLastSeen(
      trx,
      this.#dueLastSeen(verified.flatMap((found) => (found ? [{ deviceId: found.row.id, client: found.client }] : []))),
    );
    return verified.map((found) => (found ? toPrincipal(found.row) : null));
  }

  /**
   * The device as it is now, for a call on a connection authenticated earlier (a WebSocket);
   * with the caller's address, the call counts as the device being seen.
   */
  async current(deviceId: string, client?: DeviceClient): Promise<DevicePrincipal | null> {
    return withSystem(this.db, async (trx) => {
      const row = await deviceRows(trx).where('devices.id', '=', deviceId).executeTakeFirst();
      if (!row?.token_hash || row.revoked_at) return null;
      if (client) await writeLastSeen(trx, this.#dueLastSeen([{ deviceId: row.id, client }]));
      return toPrincipal(row);
    });
  }

  async #checkTokens(presented: readonly PresentedDeviceToken[]): Promise<Array<Settled<DevicePrincipal | null>>> {
    const prefixes = [...new Set(presented.map((token) => token.prefix))];
    return withSystem(this.db, async (trx) => {
      const rows = await deviceRows(trx).where('devices.token_prefix', 'in', prefixes).execute();
      const principals = verifyTokens(rows, presented);
      const seen = principals.flatMap((found) => (found ? [{ deviceId: found.row.id, client: found.client }] : []));
      await writeLastSeen(trx, this.#dueLastSeen(seen));
      return principals.map((found) => ({ ok: true as const, value: found ? toPrincipal(found.row) : null }));
    });
  }

  #rememberTenant(prefix: string, tenantId: string): void {
    if (this.#tenantOfPrefix.size >= MAX_TRACKED && !this.#tenantOfPrefix.has(prefix)) this.#tenantOfPrefix.clear();
    this.#tenantOfPrefix.set(prefix, tenantId);
  }

  /** Of the devices just seen, those whose last seen is due a write (one entry per device, its latest client). */
  #dueLastSeen(seen: ReadonlyArray<{ deviceId: string; client: DeviceClient }>): LastSeen[] {
    const due = new Map<string, LastSeen>();
    const now = Date.now();
    for (const { deviceId, client } of seen) {
      const previous = this.#lastSeen.get(deviceId);
      if (previous && now - previous.at < LAST_SEEN_RESOLUTION_MS && previous.ip === client.ip && previous.userAgent === client.userAgent)
        continue;
      if (this.#lastSeen.size >= MAX_TRACKED) this.#lastSeen.clear();
      this.#lastSeen.set(deviceId, { at: now, ip: client.ip, userAgent: client.userAgent });
      due.set(deviceId, { deviceId, at: new Date(now), client });
    }
    return [...due.values()];
  }
}
