import { sql } from 'kysely';
import type { z } from 'zod';
import type { UsageModelRow, UsageModelStatus } from '../../db/schema';
import { withSystem } from '../../db/system-scope';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { Services } from '../../platform/services';
import { digestsMatch } from '../../platform/auth/opaque-tokens';
import { knownModel, providerOf } from './model-catalogue';
import { readBody, UpstreamFailure, type UpstreamClient, type UpstreamTarget } from './proxy/upstream';
import type { UsageRuntime } from './runtime';
import type { updateModelInput } from './schemas';

/** The seed's ModelInfo. */
export interface ModelView {
  name: string;
  provider: string;
  status: UsageModelStatus;
  lastCheck: string | null;
  responseTimeMs: number | null;
  /** Failed requests over the last 24 h, in percent. */
  errorRate: number;
  costPerInputToken: string;
  costPerOutputToken: string;
  maxTokens: number | null;
  supportsVision: boolean;
  supportsFunctionCalling: boolean;
  listedUpstream: boolean;
  usage24h: { requests: number; tokens: number; cost: string };
}

/** Every model with its last 24 h from the daily rollups (today and yesterday in the tenant's zone). */
export async function listModels(trx: TenantTransaction): Promise<ModelView[]> {
  const rows = await trx
    .selectFrom('usage_models')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('usage_daily_model')
          .select([
            'model',
            sql<string>`sum(requests)`.as('requests'),
            sql<string>`sum(errors)`.as('errors'),
            sql<string>`sum(total_tokens)`.as('tokens'),
            sql<string>`sum(cost)`.as('cost'),
          ])
          .where(sql<boolean>`day >= (now() at time zone (select timezone from tenants where id = ${tenantOf(trx)}::uuid))::date - 1`)
          .groupBy('model')
          .as('recent'),
      (join) => join.onRef('recent.model', '=', 'usage_models.name'),
    )
    .selectAll('usage_models')
    .select(['recent.requests', 'recent.errors', 'recent.tokens', 'recent.cost'])
    .orderBy('usage_models.name')
    .execute();
  return rows.map((row) => {
    const requests = Number(row.requests ?? 0);
    return {
      ...toModelBase(row),
      errorRate: requests > 0 ? Math.round((Number(row.errors ?? 0) * 10_000) / requests) / 100 : 0,
      usage24h: { requests, tokens: Number(row.tokens ?? 0), cost: row.cost ?? '0' },
    };
  });
}

function toModelBase(row: UsageModelRow): Omit<ModelView, 'errorRate' | 'usage24h'> {
  return {
    name: row.name,
    provider: row.provider,
    status: row.status,
    lastCheck: row.last_check?.toISOString() ?? null,
    responseTimeMs: row.response_time_ms,
    costPerInputToken: row.cost_per_input_token,
    costPerOutputToken: row.cost_per_output_token,
    maxTokens: row.max_tokens,
    supportsVision: row.supports_vision,
    supportsFunctionCalling: row.supports_function_calling,
    listedUpstream: row.listed_upstream,
  };
}

export async function findModel(trx: TenantTransaction, name: string): Promise<ModelView> {
  const model = (await listModels(trx)).find((candidate) => candidate.name === name);
  if (!model) throw notFound('Modelo');
  return model;
}

/** An admin's edit of a model's costs, context size or abilities (kept across refreshes). */
export async function updateModel(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateModelInput>,
): Promise<ModelView> {
  const before = await trx.selectFrom('usage_models').selectAll().where('name', '=', input.name).forUpdate().executeTakeFirst();
  if (!before) throw notFound('Modelo');
  const changes = Object.fromEntries(
    Object.entries({
      provider: input.provider,
      cost_per_input_token: input.costPerInputToken,
      cost_per_output_token: input.costPerOutputToken,
      max_tokens: input.maxTokens,
      supports_vision: input.supportsVision,
      supports_function_calling: input.supportsFunctionCalling,
    }).filter(([, value]) => value !== undefined),
  );
  const after = await trx
    .updateTable('usage_models')
    .set({ ...changes, updated_at: new Date() })
    .where('name', '=', input.name)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, { action: 'usage.model.update', entity: 'usage_model', entityId: input.name, before, after });
  await appendEvent(trx, 'usage.settings.changed', { fields: ['models'] });
  return findModel(trx, input.name);
}

interface UpstreamModelList {
  models: Array<{ id: string; ownedBy: string | undefined }>;
  responseTimeMs: number;
}

const MAX_MODEL_LIST_BYTES = 5 * 1024 * 1024;

/** GET <upstream>/models, with the target's timeout (no retries: the health check runs again soon). */
export async function fetchUpstreamModels(client: UpstreamClient, target: UpstreamTarget): Promise<UpstreamModelList> {
  const started = performance.now();
  const { response } = await client.send({ ...target, maxRetries: 0 }, { method: 'GET', path: '/models' });
  const body = await readBody(response, MAX_MODEL_LIST_BYTES);
  if ((response.statusCode ?? 0) !== 200) throw new UpstreamFailure('network', `GET /models answered ${response.statusCode}`, 1);
  const parsed = JSON.parse(body.toString('utf8')) as { data?: Array<{ id?: unknown; owned_by?: unknown }> };
  const models = (parsed.data ?? [])
    .filter((entry): entry is { id: string; owned_by?: unknown } => typeof entry.id === 'string' && entry.id.length <= 200)
    .map((entry) => ({ id: entry.id, ownedBy: typeof entry.owned_by === 'string' ? entry.owned_by : undefined }));
  return { models, responseTimeMs: Math.round(performance.now() - started) };
}

/**
 * Brings the model list in line with the upstream's: new models arrive with what the catalogue
 * knows of them, edited costs stay, models the upstream no longer lists become unavailable.
 * Raises usage.model.status for each model whose status changed.
 */
export async function applyUpstreamModels(
  trx: TenantTransaction,
  listing: UpstreamModelList | null,
): Promise<{ models: number; changed: number }> {
  const tenantId = tenantOf(trx);
  const now = new Date();
  const existing = await trx.selectFrom('usage_models').selectAll().forUpdate().execute();
  const previous = new Map(existing.map((row) => [row.name, row.status]));
  for (const model of listing?.models ?? []) {
    const known = knownModel(model.id);
    await trx
      .insertInto('usage_models')
      .values({
        tenant_id: tenantId,
        name: model.id,
        provider: providerOf(model.id, model.ownedBy),
        cost_per_input_token: known?.costPerInputToken ?? '0',
        cost_per_output_token: known?.costPerOutputToken ?? '0',
        max_tokens: known?.maxTokens ?? null,
        supports_vision: known?.supportsVision ?? false,
        supports_function_calling: known?.supportsFunctionCalling ?? false,
        status: 'healthy',
        last_check: now,
        response_time_ms: listing!.responseTimeMs,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['tenant_id', 'name'])
          .doUpdateSet({ listed_upstream: true, last_check: now, response_time_ms: listing!.responseTimeMs }),
      )
      .execute();
  }
  const listed = new Set((listing?.models ?? []).map((model) => model.id));
  // Status from what the upstream said and the last 15 minutes of requests.
  const recent = await trx
    .selectFrom('usage_records')
    .select([
      'model',
      sql<string>`count(*)`.as('requests'),
      sql<string>`count(*) filter (where status_code = 429 and error_type = 'upstream_rejected')`.as('rate_limited'),
      sql<string>`count(*) filter (where status_code >= 500)`.as('failed'),
    ])
    .where('created_at', '>', new Date(now.getTime() - 15 * 60_000))
    .groupBy('model')
    .execute();
  const recentByModel = new Map(recent.map((row) => [row.model, row]));
  const rows = await trx.selectFrom('usage_models').select(['name']).execute();
  let changed = 0;
  for (const { name } of rows) {
    const stats = recentByModel.get(name);
    const requests = Number(stats?.requests ?? 0);
    const status: UsageModelStatus =
      listing === null
        ? 'unhealthy'
        : !listed.has(name)
          ? 'unavailable'
          : requests >= 5 && Number(stats!.rate_limited) * 2 >= requests
            ? 'rate_limited'
            : requests >= 5 && Number(stats!.failed) * 2 >= requests
              ? 'unhealthy'
              : 'healthy';
    await trx
      .updateTable('usage_models')
      .set({ status, last_check: now, ...(listing && !listed.has(name) ? { listed_upstream: false } : {}) })
      .where('name', '=', name)
      .execute();
    const before = previous.get(name) ?? null;
    if (before !== status) {
      changed += 1;
      await appendEvent(trx, 'usage.model.status', { model: name, status, previous: before });
    }
  }
  await trx
    .updateTable('usage_settings')
    .set({ upstream_status: listing ? 'healthy' : 'unhealthy', upstream_checked_at: now })
    .where('tenant_id', '=', tenantId)
    .execute();
  return { models: rows.length, changed };
}

/** The models a key's user may call, in OpenAI's list format; null when the key is not valid. */
export async function listProxyModels(
  services: Services,
  runtime: UsageRuntime,
  key: { prefix: string; digest: string },
): Promise<Array<{ id: string; object: 'model'; created: number; owned_by: string }> | null> {
  const found = await withSystem(services.db, async (trx) => {
    const row = await trx
      .selectFrom('usage_keys')
      .innerJoin('usage_users', 'usage_users.id', 'usage_keys.user_id')
      .select(['usage_keys.tenant_id', 'usage_keys.token_hash', 'usage_keys.revoked_at', 'usage_users.status'])
      .where('usage_keys.prefix', '=', key.prefix)
      .executeTakeFirst();
    if (!row || row.revoked_at || !digestsMatch(row.token_hash, key.digest)) return null;
    const models = await trx
      .selectFrom('usage_models')
      .select(['name', 'provider', 'created_at'])
      .where('tenant_id', '=', row.tenant_id)
      .where('listed_upstream', '=', true)
      .orderBy('name')
      .execute();
    return { tenantId: row.tenant_id, models };
  });
  if (!found) return null;
  if (found.models.length > 0)
    return found.models.map((model) => ({
      id: model.name,
      object: 'model',
      created: Math.floor(model.created_at.getTime() / 1000),
      owned_by: model.provider,
    }));
  // Nothing refreshed yet: the upstream's own list.
  const config = await runtime.proxyConfig(found.tenantId, null);
  if (!config.upstream) return [];
  try {
    const listing = await fetchUpstreamModels(runtime.upstream, config.upstream);
    return listing.models.map((model) => ({ id: model.id, object: 'model', created: 0, owned_by: model.ownedBy ?? '' }));
  } catch {
    return [];
  }
}

/**
 * An admin's refresh: the settings are read and the upstream asked before the tenant's transaction
 * opens, so no connection is held during the HTTP call and no second transaction nests inside the
 * first (on a single-connection database, PGlite, that nesting waited on itself forever).
 */
export async function refreshModels(
  runInTenant: <T>(work: (trx: TenantTransaction) => Promise<T>) => Promise<T>,
  tenantId: string,
  audit: AuditContext,
  runtime: UsageRuntime,
): Promise<{ models: number; changed: number }> {
  const config = await runtime.proxyConfig(tenantId, null);
  if (!config.upstream)
    throw new DomainError(
      'PRECONDITION_FAILED',
      'UPSTREAM_NOT_CONFIGURED',
      'Configure a URL do upstream (LiteLLM ou compatível com OpenAI) antes de atualizar os modelos',
    );
  let listing: UpstreamModelList;
  try {
    listing = await fetchUpstreamModels(runtime.upstream, config.upstream);
  } catch (error) {
    throw new DomainError(
      'SERVICE_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
      `O upstream não respondeu à lista de modelos: ${(error as Error).message}`,
    );
  }
  return runInTenant(async (trx) => {
    const result = await applyUpstreamModels(trx, listing);
    await recordAudit(trx, audit, { action: 'usage.models.refresh', entity: 'usage_model', details: { models: listing.models.length } });
    return result;
  });
}
