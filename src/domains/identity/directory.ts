import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withTenant } from '../../db/tenant-scope';
import { expandGrants, type PermissionDefinition } from '../../platform/auth/permissions';
import type { UserAccess, UserDirectory } from '../../platform/auth/principals';
import type { EventHub } from '../../platform/events/hub';
import type { ModuleName } from '../../platform/modules';

export { userActor, type TenantProfile, type UserAccess } from '../../platform/auth/principals';

interface CacheEntry {
  access: UserAccess | null;
  expiresAt: number;
}

const DEFAULT_TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;
const DEFAULT_ACCESS_TOKEN_TTL_MS = 3_600_000;

/**
 * Answers "who is this user now" per request from memory. Entries drop on the identity
 * events that change them (from any instance, through the event hub), on a local commit
 * that changes them, and after a short TTL as a backstop.
 */
export class IdentityDirectory implements UserDirectory {
  #entries = new Map<string, CacheEntry>();
  #revocations = new EventEmitter();
  /** Ended sessions, each kept until every access token it issued has expired. */
  #revokedSessions = new Map<string, number>();
  #stopListening: (() => void) | undefined;

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      catalogue: readonly PermissionDefinition[];
      ttlMs?: number;
      /** How long an access token lives: an ended session is remembered that long. */
      accessTokenTtlMs?: number;
    },
  ) {
    this.#revocations.setMaxListeners(0);
  }

  listenTo(hub: EventHub): void {
    this.#stopListening = hub.subscribeAll(({ tenantId, event }) => {
      switch (event.type) {
        case 'user.updated':
          this.forgetUser(event.data.userId);
          if (!event.data.active) this.#revocations.emit('revoked', event.data.userId);
          break;
        case 'identity.session.revoked':
          for (const sessionId of event.data.sessionIds) this.#endSession(sessionId);
          break;
        case 'role.updated':
        case 'tenant.updated':
          this.forgetTenant(tenantId);
          break;
        default:
          break;
      }
    });
  }

  stop(): void {
    this.#stopListening?.();
  }

  async userAccess(tenantId: string, userId: string): Promise<UserAccess | null> {
    const key = `${tenantId}:${userId}`;
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.access;
    const access = await this.#load(tenantId, userId);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { access, expiresAt: Date.now() + (this.deps.ttlMs ?? DEFAULT_TTL_MS) });
    return access;
  }

  forgetUser(userId: string): void {
    for (const key of this.#entries.keys()) if (key.endsWith(`:${userId}`)) this.#entries.delete(key);
  }

  forgetTenant(tenantId: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(`${tenantId}:`)) this.#entries.delete(key);
  }

  /** Called for a user whose sessions just died (deactivated): open subscriptions end. */
  revokeUser(userId: string): void {
    this.forgetUser(userId);
    this.#revocations.emit('revoked', userId);
  }

  onUserRevoked(userId: string, listener: () => void): () => void {
    const handler = (revokedUserId: string) => {
      if (revokedUserId === userId) listener();
    };
    this.#revocations.on('revoked', handler);
    return () => this.#revocations.off('revoked', handler);
  }

  isSessionRevoked(sessionId: string): boolean {
    const until = this.#revokedSessions.get(sessionId);
    return until !== undefined && until > Date.now();
  }

  onSessionRevoked(sessionId: string, listener: () => void): () => void {
    const handler = (revokedSessionId: string) => {
      if (revokedSessionId === sessionId) listener();
    };
    this.#revocations.on('session-revoked', handler);
    return () => this.#revocations.off('session-revoked', handler);
  }

  #endSession(sessionId: string): void {
    const now = Date.now();
    if (this.#revokedSessions.size >= MAX_ENTRIES) {
      for (const [id, until] of this.#revokedSessions) if (until <= now) this.#revokedSessions.delete(id);
    }
    // A token issued just before the session ended lives one full TTL more; a second covers clock rounding.
    this.#revokedSessions.set(sessionId, now + (this.deps.accessTokenTtlMs ?? DEFAULT_ACCESS_TOKEN_TTL_MS) + 1_000);
    this.#revocations.emit('session-revoked', sessionId);
  }

  async #load(tenantId: string, userId: string): Promise<UserAccess | null> {
    const row = await withTenant(this.deps.db, tenantId, (trx) =>
      trx
        .selectFrom('users as u')
        .innerJoin('roles as r', 'r.id', 'u.role_id')
        .innerJoin('tenants as t', 't.id', 'u.tenant_id')
        .select([
          'u.id as user_id',
          'u.email',
          'u.name',
          'u.active',
          'r.id as role_id',
          'r.key as role_key',
          'r.name as role_name',
          'r.permissions as grants',
          't.slug as tenant_slug',
          't.name as tenant_name',
          't.timezone',
          't.modules',
        ])
        .where('u.id', '=', userId)
        .where('u.tenant_id', '=', tenantId)
        .executeTakeFirst(),
    );
    if (!row) return null;
    return {
      userId: row.user_id,
      email: row.email,
      name: row.name,
      active: row.active,
      role: { id: row.role_id, key: row.role_key, name: row.role_name },
      permissions: new Set(expandGrants(row.grants, this.deps.catalogue)),
      tenant: { id: tenantId, slug: row.tenant_slug, name: row.tenant_name, timezone: row.timezone, modules: row.modules as ModuleName[] },
    };
  }
}
