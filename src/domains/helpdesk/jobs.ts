import { withTenant } from '../../db/tenant-scope';
import { olderThan, type RetentionRule } from '../../platform/jobs/retention';
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

/**
 * The helpdesk's logs that the daily housekeeping deletes: the external API's call log (the
 * dashboard shows a config's last 50 calls; an Idempotency-Key replays its first answer for as
 * long as its call is kept) and the channels' status history (the last 100 are shown; the channel
 * keeps its current status).
 */
export function helpdeskRetentionRules(settings: { helpdeskApiCallsDays: number; helpdeskChannelStatusDays: number }): RetentionRule[] {
  return [
    olderThan({ name: 'helpdesk_api_calls', table: 'helpdesk_api_calls', column: 'at', days: settings.helpdeskApiCallsDays }),
    olderThan({
      name: 'helpdesk_channel_status_events',
      table: 'helpdesk_channel_status_events',
      column: 'at',
      days: settings.helpdeskChannelStatusDays,
    }),
  ];
}
