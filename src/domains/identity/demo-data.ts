import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withTenant } from '../../db/tenant-scope';
import { systemAudit } from '../../platform/audit/audit-log';
import type { PermissionDefinition } from '../../platform/auth/permissions';
import { createRole } from './roles';
import { createUser } from './users';

/** The published demo password: only ever used outside production. */
export const DEMO_PASSWORD = 'balcao-demo';

/**
 * The password a new demo tenant's people get: the published one in development and tests, a
 * fresh random one in production, where a password printed in the README would open the tenant.
 */
export function demoPasswordFor(env: 'development' | 'production' | 'test'): string {
  return env === 'production' ? randomBytes(15).toString('base64url') : DEMO_PASSWORD;
}

const demoUsers = [
  { name: 'Gabriela Gerente', local: 'gerente', role: 'manager' },
  { name: 'Artur Atendente', local: 'atendente', role: 'agent' },
  { name: 'Rita Recepção', local: 'recepcao', role: 'recepcao' },
  { name: 'Leo Leitor', local: 'leitor', role: 'viewer' },
] as const;

/** Parts `seedIdentityDemoData` reports: the custom role, then each user. */
export const IDENTITY_DEMO_STEPS = demoUsers.length + 1;

/** A custom role and one user per role, so every screen has something to show. */
export async function seedIdentityDemoData(
  db: Kysely<DB>,
  tenant: { id: string; slug: string },
  permissionCatalogue: readonly PermissionDefinition[],
  password: string,
  onStep: (label: string) => void = () => undefined,
): Promise<{ users: number }> {
  const audit = systemAudit('tenant:seed --demo');
  await withTenant(db, tenant.id, async (trx) => {
    const exists = await trx.selectFrom('roles').select('id').where('key', '=', 'recepcao').executeTakeFirst();
    if (!exists) {
      await createRole(trx, audit, permissionCatalogue, {
        key: 'recepcao',
        name: 'Recepção',
        description: 'Atende o balcão: vê a equipe e a atividade, sem gestão',
        permissions: ['events.read', 'identity.users.read', 'jobs.read'],
      });
    }
  });
  onStep('papel Recepção');
  for (const user of demoUsers) {
    const email = `${user.local}@${tenant.slug}.balcao.test`;
    await withTenant(db, tenant.id, async (trx) => {
      const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      if (!existing) await createUser(trx, audit, { email, name: user.name, password, role: user.role });
    });
    onStep(user.name);
  }
  return { users: demoUsers.length };
}
