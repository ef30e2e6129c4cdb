import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { SecretBox } from '../platform/auth/secret-box';
import { seedAgendaDemoData } from './agenda/demo-data';
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
  const domainSteps = [
    ...(tenant.modules.includes('helpdesk')
      ? [{ step: 'atendimento', seed: () => seedHelpdeskDemoData(db, tenant, deps.secrets, deps.publicUrl) }]
      : []),
    ...(tenant.modules.includes('agenda') ? [{ step: 'agenda', seed: () => seedAgendaDemoData(db, tenant, deps.secrets) }] : []),
  ];
  let identitySteps = 0;
  await seedIdentityDemoData(db, tenant, (progress) => {
    identitySteps = progress.total;
    onProgress({ ...progress, total: progress.total + domainSteps.length });
  });
  for (const [index, { step, seed }] of domainSteps.entries()) {
    await seed();
    onProgress({ total: identitySteps + domainSteps.length, done: identitySteps + index + 1, step });
  }
}
