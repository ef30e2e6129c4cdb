import type { Kysely } from 'kysely';
import type { DB, Role } from '../../db/schema';
import { withSystem } from '../../db/system-scope';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { expandGrants, isValidGrant, type PermissionDefinition } from '../../platform/auth/permissions';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import { MODULES } from '../../platform/modules';

export interface BuiltinRole {
  key: 'owner' | 'admin' | 'manager' | 'agent' | 'viewer';
  name: string;
  description: string;
  grants: string[];
}

const moduleGrants = MODULES.map((module) => `${module}.*`);
const AGENT_HELPDESK_GRANTS = [
  'helpdesk.tickets.read',
  'helpdesk.tickets.write',
  'helpdesk.messages.send',
  'helpdesk.contacts.*',
  'helpdesk.channels.read',
];
/** Agenda: the day's work (bookings, clients, proposals to decide); the integration settings and campaigns are for managers. */
const AGENT_AGENDA_GRANTS = [
  'agenda.appointments.read',
  'agenda.appointments.write',
  'agenda.catalogue.write',
  'agenda.authRequests.decide',
  'agenda.chat.read',
];

/** Queue: the operator panel and what it needs to read; configuring units, services and desks is for managers. */
const AGENT_QUEUE_GRANTS = ['queue.panel', 'queue.setup.read', 'queue.stats.read'];

/** Inventory: a manager runs it all, but approves movements only into the locations they manage; approving any is an administrator's. */
const MANAGER_INVENTORY_GRANTS = [
  'inventory.assets.*',
  'inventory.locations.*',
  'inventory.movements.read',
  'inventory.movements.request',
  'inventory.movements.approve',
  'inventory.audits.*',
  'inventory.maintenance.*',
  'inventory.purchasing.*',
  'inventory.machines.*',
  'inventory.settings.*',
];

/** Inventory for the team: see assets, ask for a movement, open an audit in progress and scan in it. */
const AGENT_INVENTORY_GRANTS = [
  'inventory.assets.read',
  'inventory.movements.read',
  'inventory.movements.request',
  'inventory.audits.read',
  'inventory.audits.scan',
];

/** Built-in roles are code: they are re-synced at every start, so new domains' permissions reach them. */
export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  { key: 'owner', name: 'Proprietário', description: 'Tudo, inclusive dados e módulos da empresa', grants: ['*'] },
  {
    key: 'admin',
    name: 'Administrador',
    description: 'Tudo, menos dados e módulos da empresa',
    grants: [
      '*.read',
      'identity.users.*',
      'identity.roles.*',
      'identity.apiTokens.*',
      'identity.devices.*',
      'audit.*',
      'jobs.*',
      'events.*',
      'deliveries.*',
      ...moduleGrants,
    ],
  },
  {
    key: 'manager',
    name: 'Gerente',
    description: 'Opera todos os módulos e vê a equipe',
    grants: ['*.read', ...moduleGrants.filter((grant) => grant !== 'inventory.*'), ...MANAGER_INVENTORY_GRANTS],
  },
  {
    key: 'agent',
    name: 'Atendente',
    description: 'Atende nos módulos de atendimento, agenda e fila; consulta e pede ativos do inventário',
    // Helpdesk: the inbox of their own queues; seeing every queue and configuring channels is for managers.
    grants: ['events.read', ...AGENT_HELPDESK_GRANTS, ...AGENT_AGENDA_GRANTS, ...AGENT_QUEUE_GRANTS, ...AGENT_INVENTORY_GRANTS],
  },
  { key: 'viewer', name: 'Leitor', description: 'Somente leitura', grants: ['*.read'] },
];

export interface RoleView {
  id: string;
  key: string;
  name: string;
  description: string;
  grants: string[];
  permissions: string[];
  builtin: boolean;
}

export function toRoleView(role: Role, catalogue: readonly PermissionDefinition[]): RoleView {
  return {
    id: role.id,
    key: role.key,
    name: role.name,
    description: role.description,
    grants: role.permissions,
    permissions: expandGrants(role.permissions, catalogue),
    builtin: role.builtin,
  };
}

export async function insertBuiltinRoles(trx: TenantTransaction): Promise<Map<BuiltinRole['key'], string>> {
  const rows = await trx
    .insertInto('roles')
    .values(
      BUILTIN_ROLES.map((role) => ({
        tenant_id: tenantOf(trx),
        key: role.key,
        name: role.name,
        description: role.description,
        permissions: role.grants,
        builtin: true,
      })),
    )
    .returning(['id', 'key'])
    .execute();
  return new Map(rows.map((row) => [row.key as BuiltinRole['key'], row.id]));
}

/** Brings every tenant's built-in roles in line with the code (system work at start). */
export async function syncBuiltinRoles(db: Kysely<DB>): Promise<void> {
  await withSystem(db, async (trx) => {
    for (const role of BUILTIN_ROLES) {
      await trx
        .updateTable('roles')
        .set({ name: role.name, description: role.description, permissions: role.grants })
        .where('builtin', '=', true)
        .where('key', '=', role.key)
        .execute();
    }
  });
}

export async function listRoles(trx: TenantTransaction, catalogue: readonly PermissionDefinition[]): Promise<RoleView[]> {
  const roles = await trx.selectFrom('roles').selectAll().orderBy('builtin', 'desc').orderBy('name').execute();
  return roles.map((role) => toRoleView(role, catalogue));
}

export async function findRoleByKey(trx: TenantTransaction, key: string): Promise<Role> {
  const role = await trx.selectFrom('roles').selectAll().where('key', '=', key).executeTakeFirst();
  if (!role) throw new DomainError('BAD_REQUEST', 'UNKNOWN_ROLE', `Papel desconhecido: ${key}`, { role: key });
  return role;
}

/** Who hands out access, and what they hold: no one grants, through a role, more than they have. */
export interface Grantor {
  permissions: ReadonlySet<string>;
  catalogue: readonly PermissionDefinition[];
}

/** Refuses grants that would give permissions the grantor lacks; system work (no grantor) may grant anything. */
export function assertGrantsHeld(grants: readonly string[], grantor: Grantor | undefined): void {
  if (!grantor) return;
  const beyond = expandGrants(grants, grantor.catalogue).filter((permission) => !grantor.permissions.has(permission));
  if (beyond.length > 0) {
    throw new DomainError('FORBIDDEN', 'GRANT_NOT_HELD', `Você não tem as permissões: ${beyond.join(', ')}`, { permissions: beyond });
  }
}

function assertGrantsDeclared(grants: readonly string[], catalogue: readonly PermissionDefinition[]): void {
  const invalid = grants.filter((grant) => !isValidGrant(grant) || expandGrants([grant], catalogue).length === 0);
  if (invalid.length > 0) {
    throw new DomainError('BAD_REQUEST', 'UNKNOWN_PERMISSION', `Permissões desconhecidas: ${invalid.join(', ')}`, { permissions: invalid });
  }
}

export interface RoleInput {
  key: string;
  name: string;
  description?: string | undefined;
  permissions: string[];
}

export async function createRole(
  trx: TenantTransaction,
  audit: AuditContext,
  catalogue: readonly PermissionDefinition[],
  input: RoleInput,
  grantor?: Grantor,
): Promise<RoleView> {
  assertGrantsDeclared(input.permissions, catalogue);
  assertGrantsHeld(input.permissions, grantor);
  if (BUILTIN_ROLES.some((role) => role.key === input.key)) {
    throw new DomainError('CONFLICT', 'ROLE_EXISTS', `Já existe um papel com a chave ${input.key}`);
  }
  const role = await trx
    .insertInto('roles')
    .values({
      tenant_id: tenantOf(trx),
      key: input.key,
      name: input.name,
      description: input.description ?? '',
      permissions: [...new Set(input.permissions)],
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!role) throw new DomainError('CONFLICT', 'ROLE_EXISTS', `Já existe um papel com a chave ${input.key}`);
  await recordAudit(trx, audit, {
    action: 'role.create',
    entity: 'role',
    entityId: role.id,
    after: { key: role.key, name: role.name, permissions: role.permissions },
  });
  await appendEvent(trx, 'role.updated', { roleId: role.id, key: role.key, name: role.name, change: 'created' });
  return toRoleView(role, catalogue);
}

export async function updateRole(
  trx: TenantTransaction,
  audit: AuditContext,
  catalogue: readonly PermissionDefinition[],
  input: { id: string; name?: string | undefined; description?: string | undefined; permissions?: string[] | undefined },
  grantor?: Grantor,
): Promise<RoleView> {
  const before = await trx.selectFrom('roles').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
  if (!before) throw notFound('Papel');
  if (before.builtin)
    throw new DomainError('FORBIDDEN', 'BUILTIN_ROLE', 'Papéis padrão não podem ser alterados; crie um papel personalizado');
  if (input.permissions) {
    assertGrantsDeclared(input.permissions, catalogue);
    assertGrantsHeld(input.permissions, grantor);
  }
  const after = await trx
    .updateTable('roles')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.permissions !== undefined ? { permissions: [...new Set(input.permissions)] } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', input.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'role.update',
    entity: 'role',
    entityId: after.id,
    before: { name: before.name, description: before.description, permissions: before.permissions },
    after: { name: after.name, description: after.description, permissions: after.permissions },
  });
  await appendEvent(trx, 'role.updated', { roleId: after.id, key: after.key, name: after.name, change: 'updated' });
  return toRoleView(after, catalogue);
}

export async function deleteRole(trx: TenantTransaction, audit: AuditContext, id: string): Promise<void> {
  const role = await trx.selectFrom('roles').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!role) throw notFound('Papel');
  if (role.builtin) throw new DomainError('FORBIDDEN', 'BUILTIN_ROLE', 'Papéis padrão não podem ser excluídos');
  const holder = await trx.selectFrom('users').select('id').where('role_id', '=', id).limit(1).executeTakeFirst();
  if (holder) throw new DomainError('CONFLICT', 'ROLE_IN_USE', 'O papel ainda está atribuído a usuários');
  await trx.deleteFrom('roles').where('id', '=', id).execute();
  await recordAudit(trx, audit, { action: 'role.delete', entity: 'role', entityId: id, before: { key: role.key, name: role.name } });
  await appendEvent(trx, 'role.updated', { roleId: id, key: role.key, name: role.name, change: 'deleted' });
}
