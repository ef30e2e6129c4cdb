import { withTenant } from '../../db/tenant-scope';
import type { JobDefinition } from '../../platform/jobs/scheduler';
import { deleteExpiredMedia } from './media';

/** Nightly, at 04:15 in each tenant's time zone: deletes stored media past the tenant's retention (helpdesk settings). */
export function mediaRetentionJob(): JobDefinition {
  return {
    name: 'helpdesk.media_retention',
    description: 'Apaga arquivos do atendimento mais antigos que o prazo de guarda da empresa',
    schedule: '15 4 * * *',
    scope: 'tenant',
    graceMinutes: 12 * 60,
    run: async ({ db, tenant, slot }) => {
      if (!tenant) throw new Error('media retention runs per tenant');
      return withTenant(db, tenant.id, (trx) => deleteExpiredMedia(trx, slot));
    },
  };
}
