import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withTenant } from '../../db/tenant-scope';
import type { DemoTenant } from '../../platform/domain-module';
import { settleTokens } from './ledger';
import { knownModel } from './model-catalogue';
import { currentPeriod, periodOf } from './periods';
import { writeUsageRecords, type UsageRecordInput } from './recorder';
import { loadSettings } from './settings';

const DEMO_USERS = [
  { email: 'ana.ribeiro@exemplo.com.br', name: 'Ana Ribeiro', plan: 'pro', monthlyLimit: 500_000, dailyTokens: 9_000 },
  { email: 'bruno.costa@exemplo.com.br', name: 'Bruno Costa', plan: 'basic', monthlyLimit: 100_000, dailyTokens: 5_500 },
  { email: 'carla.mendes@exemplo.com.br', name: 'Carla Mendes', plan: 'basic', monthlyLimit: 100_000, dailyTokens: 1_200 },
  { email: 'diego.alves@exemplo.com.br', name: 'Diego Alves', plan: 'trial', monthlyLimit: 10_000, dailyTokens: 300 },
] as const;

const DEMO_MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];
const DEMO_DAYS = 14;

/**
 * Four LLM users on different plans with two weeks of requests (so the charts and the usage
 * bars have something to show), and the common models with their list prices. No upstream is
 * configured: the settings page says where to point it.
 */
export async function seedUsageDemoData(db: Kysely<DB>, tenant: DemoTenant): Promise<void> {
  await withTenant(db, tenant.id, async (trx) => {
    const existing = await trx.selectFrom('usage_users').select('id').where('is_system', '=', false).limit(1).executeTakeFirst();
    if (existing) return;
    await loadSettings(trx);
    for (const name of DEMO_MODELS) {
      const known = knownModel(name)!;
      await trx
        .insertInto('usage_models')
        .values({
          tenant_id: tenant.id,
          name,
          provider: known.provider,
          cost_per_input_token: known.costPerInputToken,
          cost_per_output_token: known.costPerOutputToken,
          max_tokens: known.maxTokens,
          supports_vision: known.supportsVision,
          supports_function_calling: known.supportsFunctionCalling,
          listed_upstream: false,
        })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    }
    const { period, timeZone } = await currentPeriod(trx);
    const now = Date.now();
    for (const [index, user] of DEMO_USERS.entries()) {
      const { id: userId } = await trx
        .insertInto('usage_users')
        .values({ tenant_id: tenant.id, email: user.email, name: user.name, plan: user.plan, monthly_limit: user.monthlyLimit })
        .returning('id')
        .executeTakeFirstOrThrow();
      const records: UsageRecordInput[] = [];
      for (let daysAgo = DEMO_DAYS - 1; daysAgo >= 0; daysAgo -= 1) {
        for (let request = 0; request < 4; request += 1) {
          const model = DEMO_MODELS[(index + request) % 2]!;
          const known = knownModel(model)!;
          const total = Math.round((user.dailyTokens / 4) * (0.7 + ((daysAgo * 7 + request * 3 + index) % 6) / 10));
          const promptTokens = Math.round(total * 0.35);
          records.push({
            tenantId: tenant.id,
            userId,
            keyId: null,
            requestId: randomUUID(),
            sessionId: null,
            model,
            endpoint: '/v1/chat/completions',
            method: 'POST',
            promptTokens,
            completionTokens: total - promptTokens,
            estimatedTokens: total,
            estimationAccuracy: 97.5,
            costPerInputToken: known.costPerInputToken,
            costPerOutputToken: known.costPerOutputToken,
            userAgent: 'LibreChat',
            ipAddress: null,
            countryCode: 'BR',
            responseTimeMs: 900 + request * 250,
            queueTimeMs: 1,
            processingTimeMs: 899 + request * 250,
            statusCode: 200,
            errorMessage: null,
            errorType: null,
            isCached: false,
            isRetry: false,
            retryCount: 0,
            createdAt: new Date(now - daysAgo * 86_400_000 - (request + 1) * 3_600_000),
          });
        }
      }
      await writeUsageRecords(trx, records);
      await trx
        .updateTable('usage_users')
        .set({ last_request_at: records.at(-1)!.createdAt })
        .where('id', '=', userId)
        .execute();
      const thisMonth = records.filter((record) => periodOf(record.createdAt, timeZone) === period);
      const spent = thisMonth.reduce((sum, record) => sum + record.promptTokens + record.completionTokens, 0);
      await settleTokens(trx, { reservationId: null, promptTokens: spent, completionTokens: 0, tenantId: tenant.id, userId, period });
    }
  });
}
