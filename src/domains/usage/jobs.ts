import { randomUUID } from 'node:crypto';
import { withSystem } from '../../db/system-scope';
import { withTenant } from '../../db/tenant-scope';
import type { DomainBuildContext } from '../../platform/domain-module';
import type { JobDefinition } from '../../platform/jobs/scheduler';
import { OutboundGuard } from '../../platform/outbound/address-guard';
import { insertAlert, mailPendingAlerts } from './alerts';
import { settleTokens } from './ledger';
import { applyUpstreamModels, fetchUpstreamModels } from './models';
import { UpstreamClient } from './proxy/upstream';
import { deleteExpiredRecords, writeUsageRecords } from './recorder';
import { loadSettings } from './settings';

const SWEEP_BATCH = 500;

/**
 * Every minute: reservations whose request never settled (the process died between reserve and
 * settle) are settled to their prompt tokens, which the upstream most likely processed, and recorded.
 */
export function reservationSweepJob(): JobDefinition {
  return {
    name: 'usage.reservation_sweep',
    description: 'Acerta reservas de tokens de pedidos que não terminaram (queda do processo)',
    schedule: '* * * * *',
    scope: 'global',
    graceMinutes: 1,
    run: async ({ db }) => {
      const expired = await withSystem(db, (trx) =>
        trx
          .selectFrom('usage_reservations')
          .selectAll()
          .where('expires_at', '<', new Date())
          .orderBy('expires_at')
          .limit(SWEEP_BATCH)
          .execute(),
      );
      let settled = 0;
      for (const reservation of expired) {
        const settlement = await settleTokens(db, {
          reservationId: reservation.id,
          promptTokens: reservation.prompt_tokens,
          completionTokens: 0,
          tenantId: reservation.tenant_id,
          userId: reservation.user_id,
          period: reservation.period,
        });
        if (settlement.outcome !== 'settled') continue; // its request settled it first
        settled += 1;
        await withTenant(db, reservation.tenant_id, async (trx) => {
          const model = await trx
            .selectFrom('usage_models')
            .select(['cost_per_input_token', 'cost_per_output_token'])
            .where('name', '=', reservation.model)
            .executeTakeFirst();
          await writeUsageRecords(trx, [
            {
              tenantId: reservation.tenant_id,
              userId: reservation.user_id,
              keyId: reservation.key_id,
              requestId: randomUUID(),
              sessionId: null,
              model: reservation.model,
              endpoint: 'reservation_sweep',
              method: 'POST',
              promptTokens: reservation.prompt_tokens,
              completionTokens: 0,
              estimatedTokens: reservation.prompt_tokens,
              estimationAccuracy: null,
              costPerInputToken: model?.cost_per_input_token ?? '0',
              costPerOutputToken: model?.cost_per_output_token ?? '0',
              userAgent: null,
              ipAddress: null,
              countryCode: null,
              responseTimeMs: null,
              queueTimeMs: null,
              processingTimeMs: null,
              statusCode: 500,
              errorMessage: 'O pedido não terminou (o processo parou); acertado pela varredura com os tokens do prompt',
              errorType: 'reservation_expired',
              isCached: false,
              isRetry: false,
              retryCount: 0,
              createdAt: reservation.created_at,
            },
          ]);
        });
      }
      return { expired: expired.length, settled };
    },
  };
}

/** Every minute: mails the alerts still waiting (normally they go out right after they are raised). */
export function alertMailJob(context: DomainBuildContext): JobDefinition {
  return {
    name: 'usage.alert_mail',
    description: 'Envia por e-mail os alertas de consumo pendentes',
    schedule: '* * * * *',
    scope: 'global',
    graceMinutes: 1,
    run: async ({ db, logger }) => mailPendingAlerts(db, context.secrets, logger),
  };
}

/**
 * Every minute, for each tenant whose check is due (its health check interval): lists the
 * upstream's models, updates their status, and raises a system alert when the upstream goes down.
 */
export function modelHealthJob(context: DomainBuildContext): JobDefinition {
  const client = new UpstreamClient(new OutboundGuard(context.config.outbound));
  return {
    name: 'usage.model_health',
    description: 'Verifica o upstream de IA e o estado de cada modelo',
    schedule: '* * * * *',
    scope: 'global',
    graceMinutes: 1,
    run: async ({ db }) => {
      const due = await withSystem(db, (trx) =>
        trx.selectFrom('usage_settings').select(['tenant_id']).where('upstream_base_url', '<>', '').execute(),
      );
      let checked = 0;
      for (const { tenant_id: tenantId } of due) {
        const settings = await withTenant(db, tenantId, loadSettings);
        const dueAt = (settings.upstream_checked_at?.getTime() ?? 0) + settings.health_check_interval_seconds * 1000 - 5_000;
        if (dueAt > Date.now()) continue;
        const target = {
          baseUrl: settings.upstream_base_url,
          apiKey: settings.upstream_api_key_sealed ? context.secrets.open(settings.upstream_api_key_sealed) : null,
          timeoutMs: Math.min(settings.upstream_timeout_ms, 15_000),
          maxRetries: 0,
        };
        const listing = await fetchUpstreamModels(client, target).catch(() => null);
        await withTenant(db, tenantId, async (trx) => {
          await applyUpstreamModels(trx, listing);
          if (!listing && settings.upstream_status !== 'unhealthy')
            await insertAlert(trx, {
              userId: null,
              type: 'system_error',
              title: 'Upstream de IA fora do ar',
              message: `O upstream ${settings.upstream_base_url} não respondeu à verificação de saúde; os pedidos ao proxy vão falhar até ele voltar.`,
              severity: 'critical',
              period: null,
              emailTo: null,
              metadata: { baseUrl: settings.upstream_base_url },
            });
        });
        checked += 1;
      }
      return { checked };
    },
  };
}

/** Nightly at 03:40 in each tenant's zone: drops raw records older than the retention setting; the rollups stay. */
export function recordRetentionJob(): JobDefinition {
  return {
    name: 'usage.record_retention',
    description: 'Apaga registros de uso de IA mais antigos que o prazo de guarda (os totais diários ficam)',
    schedule: '40 3 * * *',
    scope: 'tenant',
    graceMinutes: 12 * 60,
    run: async ({ db, tenant }) => {
      if (!tenant) throw new Error('record retention runs per tenant');
      const settings = await withTenant(db, tenant.id, (trx) =>
        trx.selectFrom('usage_settings').select('raw_retention_days').executeTakeFirst(),
      );
      if (!settings) return { deleted: 0 };
      return { deleted: await deleteExpiredRecords(db, tenant.id, settings.raw_retention_days) };
    },
  };
}
