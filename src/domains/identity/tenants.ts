import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { tenantOf, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, systemAudit, type AuditContext } from '../../platform/audit/audit-log';
import { hashPassword } from '../../platform/auth/passwords';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { ModuleName } from '../../platform/modules';
import type { TenantProfile } from './directory';
import { insertBuiltinRoles } from './roles';

export const DEFAULT_TIMEZONE = 'America/Sao_Paulo';

export function isIanaTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
}

export interface NewTenantInput {
  slug: string;
  name: string;
  timezone?: string | undefined;
  modules?: ModuleName[] | undefined;
  owner: { email: string; name: string; password: string };
}

export interface CreatedTenant {
  tenantId: string;
  slug: string;
  ownerId: string;
}

/** A tenant with its built-in roles and its owner, all or nothing. */
export async function createTenant(db: Kysely<DB>, input: NewTenantInput): Promise<CreatedTenant> {
  const passwordHash = await hashPassword(input.owner.password);
  const timezone = input.timezone ?? DEFAULT_TIMEZONE;
  const modules = input.modules ?? [];
  // The id is chosen first so the whole creation runs as the new tenant's own scoped work.
  return withTenant(db, randomUUID(), async (trx) => {
    const tenant = await trx
      .insertInto('tenants')
      .values({ id: tenantOf(trx), slug: input.slug, name: input.name, timezone, modules })
      .onConflict((conflict) => conflict.column('slug').doNothing())
      .returning(['id', 'slug'])
      .executeTakeFirst();
    if (!tenant)
      throw new DomainError('CONFLICT', 'TENANT_EXISTS', `Já existe uma empresa com o identificador ${input.slug}`, { field: 'slug' });
    const roles = await insertBuiltinRoles(trx);
    const owner = await trx
      .insertInto('users')
      .values({
        tenant_id: tenant.id,
        email: input.owner.email,
        name: input.owner.name,
        password_hash: passwordHash,
        role_id: roles.get('owner')!,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const audit = systemAudit('tenant:seed');
    await recordAudit(trx, audit, {
      action: 'tenant.create',
      entity: 'tenant',
      entityId: tenant.id,
      after: { slug: input.slug, name: input.name, timezone, modules },
    });
    await recordAudit(trx, audit, {
      action: 'user.create',
      entity: 'user',
      entityId: owner.id,
      after: { email: input.owner.email, name: input.owner.name, role: 'owner' },
    });
    await appendEvent(trx, 'user.created', { userId: owner.id, email: input.owner.email, name: input.owner.name, role: 'owner' });
    return { tenantId: tenant.id, slug: tenant.slug, ownerId: owner.id };
  });
}

export async function getTenantProfile(trx: TenantTransaction): Promise<TenantProfile & { settings: Record<string, unknown> }> {
  const tenant = await trx.selectFrom('tenants').selectAll().executeTakeFirst();
  if (!tenant) throw notFound('Empresa');
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    timezone: tenant.timezone,
    modules: tenant.modules as ModuleName[],
    settings: tenant.settings,
  };
}

export interface TenantChanges {
  name?: string | undefined;
  timezone?: string | undefined;
  modules?: ModuleName[] | undefined;
  settings?: Record<string, unknown> | undefined;
}

export async function updateTenant(trx: TenantTransaction, audit: AuditContext, changes: TenantChanges) {
  const before = await getTenantProfile(trx);
  await trx
    .updateTable('tenants')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.timezone !== undefined ? { timezone: changes.timezone } : {}),
      ...(changes.modules !== undefined ? { modules: [...new Set(changes.modules)] } : {}),
      ...(changes.settings !== undefined ? { settings: JSON.stringify({ ...before.settings, ...changes.settings }) } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .execute();
  const after = await getTenantProfile(trx);
  await recordAudit(trx, audit, {
    action: 'tenant.update',
    entity: 'tenant',
    entityId: before.id,
    before: { ...before },
    after: { ...after },
  });
  await appendEvent(trx, 'tenant.updated', { tenantId: before.id, changes: Object.keys(changes) });
  return after;
}
