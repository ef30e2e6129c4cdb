import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { SecretBox } from '../platform/auth/secret-box';
import { seedHelpdeskDemoData } from './helpdesk/demo-data';
import { seedIdentityDemoData, type DemoProgress } from './identity/demo-data';

export type { DemoProgress };

/** Demo data of every domain the tenant has on, for `npm start`'s demo tenant and `tenant:seed --demo`. */
export async function seedDemoData(
  db: Kysely<DB>,
  tenant: { id: string; slug: string; modules: readonly string[] },
  deps: { secrets: SecretBox; publicUrl: string },
  onProgress: (progress: DemoProgress) => void = () => undefined,
): Promise<void> {
  const withHelpdesk = tenant.modules.includes('helpdesk');
  let identitySteps = 0;
  await seedIdentityDemoData(db, tenant, (progress) => {
    identitySteps = progress.total;
    onProgress({ ...progress, total: progress.total + (withHelpdesk ? 1 : 0) });
  });
  if (withHelpdesk) {
    await seedHelpdeskDemoData(db, tenant, deps.secrets, deps.publicUrl);
    onProgress({ total: identitySteps + 1, done: identitySteps + 1, step: 'atendimento' });
  }
}
