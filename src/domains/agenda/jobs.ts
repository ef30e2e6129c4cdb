import { sql } from 'kysely';
import { withSystem } from '../../db/system-scope';
import { withTenant } from '../../db/tenant-scope';
import { previousSlot, type JobDefinition } from '../../platform/jobs/scheduler';
import { expireAuthRequests } from './auth-requests';
import { CAMPAIGN_TYPES, DEFAULT_SCHEDULES, runCampaign } from './campaigns';
import { answerClientMessage } from './chat/agent';
import type { LlmProvider } from '../../platform/llm';

/**
 * Every five minutes: pending auth requests past their expiry are recorded as expired (and say so
 * live). Their slots are free from the moment they expire whatever this job does: holds and
 * approvals read the expiry time.
 * One global run finds the tenants that have any due, through the partial index on expires_at,
 * then expires each tenant's in its own transaction.
 */
export function authRequestExpiryJob(): JobDefinition {
  return {
    name: 'agenda.auth_requests.expire',
    description: 'Expira autorizações pendentes vencidas e libera seus horários',
    schedule: '*/5 * * * *',
    scope: 'global',
    graceMinutes: 5,
    run: async ({ db }) => {
      const tenants = await withSystem(db, (trx) =>
        trx
          .selectFrom('agenda_auth_requests')
          .select('tenant_id')
          .distinct()
          .where('status', '=', 'pending')
          .where('expires_at', '<=', new Date())
          .execute(),
      );
      let expired = 0;
      for (const { tenant_id: tenantId } of tenants) expired += await withTenant(db, tenantId, (trx) => expireAuthRequests(trx));
      return { tenants: tenants.length, expired };
    },
  };
}

/** A scheduled slot missed while no instance was up still runs within this. */
const CAMPAIGN_GRACE_MS = 3 * 60 * 60_000;

/**
 * Every minute: each tenant's campaigns whose schedule (read in the tenant's zone; the seed's
 * defaults where the tenant kept them) fired within the grace period and has no run for that
 * slot yet. The run claims its slot, so instances that fire together run it once.
 */
export function campaignDispatchJob(): JobDefinition {
  return {
    name: 'agenda.campaigns.dispatch',
    description: 'Dispara Prazo Certo e Encher Agenda no horário de cada empresa',
    schedule: '* * * * *',
    scope: 'global',
    graceMinutes: 5,
    run: async ({ db, slot, logger }) => {
      const { tenants, campaigns } = await withSystem(db, async (trx) => ({
        tenants: await trx
          .selectFrom('tenants')
          .select(['id', 'timezone'])
          .where(sql<boolean>`'agenda' = any(tenants.modules)`)
          .execute(),
        campaigns: await trx.selectFrom('agenda_campaigns').select(['tenant_id', 'type', 'schedule', 'enabled']).execute(),
      }));
      const configured = tenants.flatMap((tenant) =>
        CAMPAIGN_TYPES.map((type) => {
          const campaign = campaigns.find((row) => row.tenant_id === tenant.id && row.type === type);
          return {
            tenantId: tenant.id,
            timezone: tenant.timezone,
            type,
            schedule: campaign?.schedule ?? DEFAULT_SCHEDULES[type],
            enabled: campaign?.enabled ?? true,
          };
        }),
      );
      const due = configured.flatMap((campaign) => {
        if (!campaign.enabled) return [];
        const fired = previousSlot(campaign.schedule, campaign.timezone, slot);
        return slot.getTime() - fired.getTime() <= CAMPAIGN_GRACE_MS ? [{ ...campaign, slotKey: `schedule:${fired.toISOString()}` }] : [];
      });
      if (due.length === 0) return { due: 0, ran: 0, failed: 0 };
      const done = await withSystem(db, (trx) =>
        trx
          .selectFrom('agenda_campaign_runs')
          .select(['tenant_id', 'type', 'slot_key'])
          .where('slot_key', 'in', [...new Set(due.map((campaign) => campaign.slotKey))])
          .where('status', '<>', 'failed')
          .execute(),
      );
      const pending = due.filter(
        (campaign) =>
          !done.some((run) => run.tenant_id === campaign.tenantId && run.type === campaign.type && run.slot_key === campaign.slotKey),
      );
      let failed = 0;
      for (const campaign of pending) {
        await runCampaign(db, campaign.tenantId, campaign.type, { trigger: 'schedule', slotKey: campaign.slotKey }).catch(
          (error: unknown) => {
            failed += 1;
            logger.error({ err: error, tenantId: campaign.tenantId, campaign: campaign.type }, 'scheduled campaign failed');
          },
        );
      }
      return { due: due.length, ran: pending.length - failed, failed };
    },
  };
}

/** A client message older than this without an answer was lost in flight (a restart): the sweep answers it. */
const UNANSWERED_AFTER_MS = 30_000;
const SWEEP_BATCH = 100;

/** Every five minutes: client messages stored but never answered (the process stopped in between) get their answer. */
export function unansweredChatJob(llm: LlmProvider | undefined): JobDefinition {
  return {
    name: 'agenda.chat.answer_unanswered',
    description: 'Responde mensagens de clientes que ficaram sem resposta (reinício no meio)',
    schedule: '*/5 * * * *',
    scope: 'global',
    graceMinutes: 5,
    run: async ({ db, logger }) => {
      const unanswered = await withSystem(db, (trx) =>
        trx
          .selectFrom('agenda_chat_messages')
          .select(['tenant_id', 'id'])
          .where('role', '=', 'client')
          .where('replied_at', 'is', null)
          .where('created_at', '<', new Date(Date.now() - UNANSWERED_AFTER_MS))
          .orderBy('created_at')
          .limit(SWEEP_BATCH)
          .execute(),
      );
      let answered = 0;
      for (const message of unanswered) {
        const answer = await answerClientMessage({ db, logger, llm }, message.tenant_id, message.id).catch((error: unknown) => {
          logger.error(
            { err: error, tenantId: message.tenant_id, chatMessageId: message.id },
            'chat agent failed on an unanswered message',
          );
          return undefined;
        });
        if (answer) answered += 1;
      }
      return { found: unanswered.length, answered };
    },
  };
}
