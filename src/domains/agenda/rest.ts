import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import { z } from 'zod';
import { withSystem } from '../../db/system-scope';
import type { CampaignType } from '../../db/schema';
import { isUuid, withTenant } from '../../db/tenant-scope';
import { bearerToken } from '../../platform/auth/access-tokens';
import { isAuthenticWebhookCall } from '../../platform/auth/webhook-secrets';
import { secretDigest } from '../../platform/auth/secret-box';
import { normalisePhone } from '../../platform/phones';
import { text } from '../../platform/validation';
import { RestError } from '../../rest/errors';
import { handleAsync, rawBodyOf } from '../../rest/handlers';
import { bearerTokenKey, clientAddressOf, presentedSecretKey, rateLimited } from '../../rest/rate-limits';
import type { Services } from '../../platform/services';
import { authenticateMachineToken } from '../identity';
import { runCampaign, type CampaignContext } from './campaigns';
import { answerClientMessage, receiveClientMessage } from './chat/agent';
import { agendaPermissions } from './permissions';

const uuid = z.uuid({ error: 'uuid inválido' });
const offerFields = {
  offer_type: z.enum(['none', 'discount', 'discount_percent']).optional(),
  offer_value: z.number().int().min(0).max(100).optional(),
};

/** The seed's payload (Agenda Cheia, FLUXO 2). */
const messageReceivedBody = z.object({
  tenant_id: uuid,
  client_id: uuid.nullish(),
  client_name: text({ max: 160 }).nullish(),
  phone: text({ min: 1, max: 40 }),
  message: text({ min: 1, minMessage: 'message vazio', max: 4096 }),
  channel: text({ min: 1, max: 40 }).default('whatsapp'),
  timestamp: z.iso.datetime({ offset: true, error: 'timestamp: data e hora ISO 8601' }),
});

const prazoCertoBody = z.object({
  tenant_id: uuid.optional(),
  campaign_id: text({ min: 1, max: 100 }).optional(),
  context: z.object({ service_id: uuid.optional(), professional_id: uuid.optional(), ...offerFields }).default({}),
});

const encherAgendaBody = z.object({
  tenant_id: uuid.optional(),
  campaign_id: text({ min: 1, max: 100 }).optional(),
  professional_id: uuid.optional(),
  context: z.object({ days_ahead: z.number().int().min(1).max(60).optional(), service_id: uuid.optional(), ...offerFields }).default({}),
});

/**
 * The agenda's machine surface for n8n (the seed's paths): a client's message for the chat agent
 * (stored once and answered 202 at once; the agent replies through the outbound route), and
 * "run now" for the two campaigns. n8n proves the tenant with the agenda's inbound secret
 * (X-Webhook-Secret, or X-Webhook-Signature: sha256=<HMAC of the body>); the campaigns also take
 * an API token with the agenda.campaigns.write scope (Authorization: Bearer bal_…).
 */
export function agendaRestRoutes(services: Services): express.Router {
  const routes = express.Router();
  const agentDeps = { db: services.db, logger: services.logger, llm: services.llm };
  const { perIp, perCredential } = services.requestLimits.webhooks;
  const limited = rateLimited({ limiter: perIp, keyOf: clientAddressOf }, { limiter: perCredential, keyOf: agendaCredentialKey });

  routes.post(
    '/webhooks/n8n/message-received',
    limited,
    handleAsync(async (req, res) => {
      const tenantId = tenantIdIn(req.body);
      if (!tenantId) throw new RestError(400, 'ERR_VALIDATION', 'tenant_id: uuid da empresa é obrigatório', { field: 'tenant_id' });
      await authenticateWithSecret(services, req, tenantId);
      const payload = messageReceivedBody.parse(req.body);
      const phone = normalisePhone(payload.phone);
      if (!phone.ok) throw new RestError(400, 'ERR_INVALID_PHONE', `${phone.reason}: ${payload.phone}`, { phone: payload.phone });
      const received = await withTenant(services.db, tenantId, (trx) =>
        receiveClientMessage(trx, {
          phone: phone.e164,
          clientId: payload.client_id ?? undefined,
          clientName: payload.client_name ?? undefined,
          message: payload.message,
          channel: payload.channel,
          timestamp: payload.timestamp,
        }),
      );
      // Answered after the 202; a restart in between leaves it to the unanswered-messages sweep.
      if (!received.duplicate) {
        setImmediate(() => {
          answerClientMessage(agentDeps, tenantId, received.chatMessageId).catch((error: unknown) =>
            services.logger.error({ err: error, tenantId, chatMessageId: received.chatMessageId }, 'chat agent failed'),
          );
        });
      }
      res.status(202).json({
        status: 'accepted',
        message_id: received.chatMessageId,
        conversation_id: received.conversationId,
        duplicate: received.duplicate,
      });
    }),
  );

  const execute = (type: CampaignType, contextOf: (body: unknown) => { key: string | undefined; context: CampaignContext }) =>
    handleAsync(async (req, res) => {
      const tenantId = await authenticateAutomation(services, req);
      const { key, context } = contextOf(req.body);
      // A campaign_id sent again (an n8n retry) is the same run, not a second one.
      const run = await runCampaign(services.db, tenantId, type, { trigger: 'n8n', slotKey: `n8n:${key ?? randomUUID()}`, context });
      res
        .status(200)
        .json({ status: run.status === 'completed' ? 'success' : run.status, campaign_id: key ?? run.id, run_id: run.id, ...run.stats });
    });

  routes.post(
    '/automations/prazo-certo/execute',
    limited,
    execute('prazo_certo', (body) => {
      const input = prazoCertoBody.parse(body ?? {});
      return {
        key: input.campaign_id,
        context: { serviceId: input.context.service_id, professionalId: input.context.professional_id, ...offerOf(input.context) },
      };
    }),
  );
  routes.post(
    '/automations/encher-agenda/execute',
    limited,
    execute('encher_agenda', (body) => {
      const input = encherAgendaBody.parse(body ?? {});
      return {
        key: input.campaign_id,
        context: {
          professionalId: input.professional_id,
          serviceId: input.context.service_id,
          daysAhead: input.context.days_ahead,
          ...offerOf(input.context),
        },
      };
    }),
  );

  return routes;
}

/** The seed says "discount"; the agenda stores a percentage. */
function offerOf(context: {
  offer_type?: 'none' | 'discount' | 'discount_percent' | undefined;
  offer_value?: number | undefined;
}): Pick<CampaignContext, 'offerType' | 'offerValue'> {
  return {
    ...(context.offer_type ? { offerType: context.offer_type === 'none' ? ('none' as const) : ('discount_percent' as const) } : {}),
    ...(context.offer_value !== undefined ? { offerValue: context.offer_value } : {}),
  };
}

/** Whose budget an agenda call spends: the API token's, else the tenant's it names, else the secret's. */
function agendaCredentialKey(req: Request): string | undefined {
  const token = bearerTokenKey(req);
  if (token) return `token:${token}`;
  const tenantId = tenantIdIn(req.body) ?? (isUuid(req.get('x-tenant-id') ?? '') ? req.get('x-tenant-id') : undefined);
  if (tenantId) return `tenant:${tenantId}`;
  const secret = presentedSecretKey(req.get('x-webhook-secret'));
  return secret ? `secret:${secret}` : undefined;
}

function tenantIdIn(body: unknown): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as { tenant_id?: unknown }).tenant_id : undefined;
  return typeof value === 'string' && isUuid(value) ? value : undefined;
}

const unauthorized = () =>
  new RestError(
    401,
    'ERR_WEBHOOK_UNAUTHORIZED',
    'Segredo ou assinatura inválidos (X-Webhook-Secret, ou X-Webhook-Signature: sha256=<hmac>)',
  );

/** The tenant's agenda settings as a webhook finds them (no tenant scope yet): its secret and whether the agenda is on. */
async function agendaOfTenant(services: Services, where: { tenantId: string } | { secretDigest: string }) {
  return withSystem(services.db, (trx) => {
    let query = trx
      .selectFrom('agenda_settings')
      .innerJoin('tenants', 'tenants.id', 'agenda_settings.tenant_id')
      .select([
        'agenda_settings.tenant_id as tenantId',
        'agenda_settings.inbound_secret_hash as digest',
        'agenda_settings.inbound_secret_sealed as sealed',
        'tenants.modules',
      ]);
    query =
      'tenantId' in where
        ? query.where('agenda_settings.tenant_id', '=', where.tenantId)
        : query.where('agenda_settings.inbound_secret_hash', '=', where.secretDigest);
    return query.executeTakeFirst();
  });
}

function assertAgendaOn(modules: readonly string[]): void {
  if (!modules.includes('agenda'))
    throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Agenda não está ativo para esta empresa', { module: 'agenda' });
}

/** 404 for a tenant without an agenda, 401 for a wrong secret or signature, 403 when the module is off. */
async function authenticateWithSecret(services: Services, req: Request, tenantId: string): Promise<void> {
  const agenda = await agendaOfTenant(services, { tenantId });
  if (!agenda) throw new RestError(404, 'ERR_TENANT_NOT_FOUND', 'tenant_id não é uma empresa com a Agenda configurada');
  const headers = { secret: req.get('x-webhook-secret'), signature: req.get('x-webhook-signature') };
  if (!isAuthenticWebhookCall(agenda, services.secrets, headers, rawBodyOf(req))) {
    services.logger.warn({ tenantId, path: req.path }, 'agenda webhook refused: wrong secret or signature');
    throw unauthorized();
  }
  assertAgendaOn(agenda.modules);
}

/**
 * The tenant of an automation call: an API token's, or the one whose inbound secret it carries
 * (named by tenant_id or X-Tenant-Id when it signs the body instead).
 */
async function authenticateAutomation(services: Services, req: Request): Promise<string> {
  const token = bearerToken(req.headers.authorization);
  if (token) {
    const machine = await authenticateMachineToken(services.db, token);
    if (!machine) throw new RestError(401, 'ERR_API_TOKEN_INVALID', 'Token de API inválido, revogado ou expirado');
    const scope = agendaPermissions['agenda.campaigns.write'];
    if (!machine.scopes.has(scope)) throw new RestError(403, 'ERR_FORBIDDEN', `Este token não tem o escopo ${scope}`, { scope });
    assertAgendaOn(machine.tenantModules);
    return machine.tenantId;
  }
  const named = tenantIdIn(req.body) ?? (isUuid(req.get('x-tenant-id') ?? '') ? req.get('x-tenant-id') : undefined);
  if (named) {
    await authenticateWithSecret(services, req, named);
    return named;
  }
  const secret = req.get('x-webhook-secret');
  const agenda = secret ? await agendaOfTenant(services, { secretDigest: secretDigest(secret) }) : undefined;
  if (!agenda) throw unauthorized();
  assertAgendaOn(agenda.modules);
  return agenda.tenantId;
}
