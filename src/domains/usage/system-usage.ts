import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { tenantOf, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { settleTokens } from './ledger';
import { knownModel } from './model-catalogue';
import { currentPeriod } from './periods';
import { writeUsageRecords } from './recorder';
import { loadSettings } from './settings';

const SYSTEM_USER_EMAIL = 'agentes@sistema.balcao';

/** The tenant's own AI features spend under this user, so the tenant sees all its AI spend in one place. */
async function systemUserOf(trx: TenantTransaction): Promise<string> {
  const existing = await trx.selectFrom('usage_users').select('id').where('is_system', '=', true).executeTakeFirst();
  if (existing) return existing.id;
  const settings = await loadSettings(trx);
  await trx
    .insertInto('usage_users')
    .values({
      tenant_id: tenantOf(trx),
      email: SYSTEM_USER_EMAIL,
      name: 'Agentes do Balcão',
      plan: 'enterprise',
      monthly_limit: settings.max_user_limit,
      notes: 'Consumo dos recursos de IA do próprio Balcão (agente de chat da agenda).',
      email_notifications_enabled: false,
      is_system: true,
    })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  const created = await trx.selectFrom('usage_users').select('id').where('is_system', '=', true).executeTakeFirstOrThrow();
  return created.id;
}

/** One model call a Balcão feature made for a tenant (the agenda's chat agent, to Gemini or an OpenAI-compatible model). */
export interface TenantLlmCall {
  feature: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  /** 'ok', or why the call failed ('timeout', 'http', …). */
  outcome: string;
  error?: string;
}

/** Meters a call under the tenant's system user: charged to its ledger and recorded like a proxied request. */
export async function meterTenantLlmCall(db: Kysely<DB>, tenantId: string, call: TenantLlmCall): Promise<void> {
  await withTenant(db, tenantId, async (trx) => {
    const userId = await systemUserOf(trx);
    const { period } = await currentPeriod(trx);
    await settleTokens(trx, {
      reservationId: null,
      promptTokens: call.inputTokens,
      completionTokens: call.outputTokens,
      tenantId,
      userId,
      period,
    });
    const model = await trx
      .selectFrom('usage_models')
      .select(['cost_per_input_token', 'cost_per_output_token'])
      .where('name', '=', call.model)
      .executeTakeFirst();
    const known = knownModel(call.model);
    await writeUsageRecords(trx, [
      {
        tenantId,
        userId,
        keyId: null,
        requestId: randomUUID(),
        sessionId: call.feature,
        model: call.model,
        endpoint: call.feature,
        method: 'INTERNAL',
        promptTokens: call.inputTokens,
        completionTokens: call.outputTokens,
        estimatedTokens: null,
        estimationAccuracy: null,
        costPerInputToken: model?.cost_per_input_token ?? known?.costPerInputToken ?? '0',
        costPerOutputToken: model?.cost_per_output_token ?? known?.costPerOutputToken ?? '0',
        userAgent: null,
        ipAddress: null,
        countryCode: null,
        responseTimeMs: Math.round(call.latencyMs),
        queueTimeMs: 0,
        processingTimeMs: Math.round(call.latencyMs),
        statusCode: call.outcome === 'ok' ? 200 : 502,
        errorMessage: call.error ?? null,
        errorType: call.outcome === 'ok' ? null : call.outcome,
        isCached: false,
        isRetry: false,
        retryCount: 0,
        createdAt: new Date(),
      },
    ]);
  });
}
