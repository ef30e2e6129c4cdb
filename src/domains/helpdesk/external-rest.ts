import express, { type Request } from 'express';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Kysely } from 'kysely';
import { z, ZodError } from 'zod';
import { GroupCommit, settle, unwrap, writeAccepted, type Settled } from '../../db/group-commit';
import type { DB, HelpdeskApiConfig } from '../../db/schema';
import { isUuid, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { bearerToken } from '../../platform/auth/access-tokens';
import { DomainError } from '../../platform/errors';
import { RestError } from '../../rest/errors';
import { handleAsync } from '../../rest/handlers';
import { bearerTokenKey, clientAddressOf, rateLimited } from '../../rest/rate-limits';
import type { Services } from '../../platform/services';
import { authenticateMachineTokens, type MachinePrincipal } from '../identity';
import { phoneOrFail } from './contacts';
import {
  apiConfigForToken,
  apiMessageStatus,
  EXTERNAL_API_SCOPE,
  externalSendBody,
  recordApiCall,
  sendThroughApi,
  type ApiAnswer,
  type ApiSend,
} from './external-api';
import { externalApiOpenApiDocument } from './external-openapi';
import { mediaKindOfUrl } from './messages';
import { queueOutboundMessage } from './outbound';

export const EXTERNAL_API_BASE = '/v1/api';

const idempotencyKeyHeader = z.string().trim().min(1).max(200).optional();

/** The most sends one transaction takes; more wait for the next. */
const MAX_SENDS_PER_COMMIT = 200;

/** What a call to the API brings, kept as it came until its token vouches for it. */
interface ApiCall {
  presentedToken: string | undefined;
  apiId: string;
  method: string;
  path: string;
  body: unknown;
  idempotencyKey: string | undefined;
}

const apiCallOf = (req: Request): ApiCall => ({
  presentedToken: bearerToken(req.headers.authorization) ?? undefined,
  apiId: String(req.params.apiId),
  method: req.method,
  path: req.originalUrl.split('?')[0]!,
  body: req.body,
  idempotencyKey: req.get('idempotency-key'),
});

/** A caller of the API: its token, its tenant and the config it names (not yet checked to be its own). */
interface ApiClient {
  tokenId: string;
  tenantId: string;
  apiId: string;
}

/**
 * External API v1 for ERPs and CRMs (the seed's path, `/v1/api/external/:apiId`). A token made for
 * an API config works only on that config, only for this API: it can never act as a user.
 * Sends to one apiId that arrive together are checked and written in one transaction (group
 * commit); each still gets its own answer, and a refused one fails alone.
 */
export function externalApiRoutes(services: Services): express.Router {
  const routes = express.Router();
  const sends = new GroupCommit<ApiCall, ApiAnswer>({
    maxBatch: MAX_SENDS_PER_COMMIT,
    writeBatch: (_apiId, calls) => writeSends(services, calls),
  });

  const openApiDocument = externalApiOpenApiDocument(`${services.config.publicUrl}${EXTERNAL_API_BASE}`);
  routes.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  const { perIp, perToken } = services.requestLimits.externalApi;
  const limited = rateLimited({ limiter: perIp, keyOf: clientAddressOf }, { limiter: perToken, keyOf: bearerTokenKey });

  routes.post(
    '/external/:apiId',
    limited,
    handleAsync(async (req, res) => {
      const call = apiCallOf(req);
      const answer = await sends.submit(call.apiId, call);
      if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(answer.status).json(answer.body);
    }),
  );

  routes.get(
    '/external/:apiId/messages/:messageId',
    limited,
    handleAsync(async (req, res) => {
      const call = apiCallOf(req);
      const messageId = String(req.params.messageId);
      const [client] = await authenticateApiClients(services.db, [call]);
      const [status] = await asConfigOwner(services, unwrap(client!), [call], async (trx, config) => {
        if (!isUuid(messageId)) throw new DomainError('NOT_FOUND', 'MESSAGE_NOT_FOUND', 'Mensagem inexistente nesta API');
        return [{ ok: true as const, value: await apiMessageStatus(trx, config, messageId) }];
      });
      res.json(unwrap(status!));
    }),
  );

  return routes;
}

/** Sends that arrived together for one apiId: their tokens read at once, then each token's sends in one transaction. */
async function writeSends(services: Services, calls: readonly ApiCall[]): Promise<Array<Settled<ApiAnswer>>> {
  const clients = await authenticateApiClients(services.db, calls);
  // Refused clients are answered now; the others below, by token.
  const answers: Array<Settled<ApiAnswer> | undefined> = clients.map((client) => (client.ok ? undefined : client));
  const byToken = new Map<string, number[]>();
  clients.forEach((client, index) => {
    if (client.ok) byToken.set(client.value.tokenId, [...(byToken.get(client.value.tokenId) ?? []), index]);
  });
  for (const indexes of byToken.values()) {
    const client = (clients[indexes[0]!] as { value: ApiClient }).value;
    const own = indexes.map((index) => calls[index]!);
    const written = await writeClientSends(services, client, own).catch(async () => {
      // Other clients' sends may have committed already: only this client's are written again, one by one.
      const one: Array<Settled<ApiAnswer>> = [];
      for (const call of own) one.push(...(await writeClientSends(services, client, [call])));
      return one;
    });
    indexes.forEach((index, position) => (answers[index] = written[position]!));
  }
  return answers.map((answer) => answer!);
}

/** One client's sends in one transaction; a refused send is recorded there and fails alone. */
function writeClientSends(services: Services, client: ApiClient, calls: readonly ApiCall[]): Promise<Array<Settled<ApiAnswer>>> {
  return asConfigOwner(services, client, calls, async (trx, config) => {
    const results = await writeAccepted(
      calls.map((call) => settle(() => checkedSend(call))),
      (accepted) => sendThroughApi(trx, config, accepted, queueOutboundMessage),
    );
    for (const [index, result] of results.entries()) if (!result.ok) await recordFailedCall(trx, config, calls[index]!, result.error);
    return results;
  });
}

/** A send's body, key, media and number, each refused with its own 400. */
function checkedSend(call: ApiCall): ApiSend {
  const input = externalSendBody.parse(call.body);
  const key = idempotencyKeyHeader.safeParse(call.idempotencyKey);
  if (!key.success) throw new RestError(400, 'ERR_VALIDATION', 'Idempotency-Key: de 1 a 200 caracteres');
  if (input.mediaUrl) mediaKindOfUrl(input.mediaUrl);
  return { input, phone: phoneOrFail(input.number), path: call.path, ...(key.data ? { idempotencyKey: key.data } : {}) };
}

/**
 * The calls' tokens (401), scopes (403), apiIds' shape (404) and their tenants' helpdesk module
 * (403), each call answered on its own, before any work: one read however many calls.
 */
async function authenticateApiClients(db: Kysely<DB>, calls: readonly ApiCall[]): Promise<Array<Settled<ApiClient>>> {
  const principals = await authenticateMachineTokens(
    db,
    calls.map((call) => call.presentedToken ?? ''),
  );
  return calls.map((call, index) => settle(() => clientOf(principals[index] ?? null, call.apiId)));
}

function clientOf(machine: MachinePrincipal | null, apiId: string): ApiClient {
  if (!machine || machine.kind !== 'api')
    throw new RestError(401, 'ERR_API_TOKEN_INVALID', 'Token de API inválido, revogado ou expirado (Authorization: Bearer bal_…)');
  if (!machine.scopes.has(EXTERNAL_API_SCOPE))
    throw new RestError(403, 'ERR_FORBIDDEN', `Este token não tem o escopo ${EXTERNAL_API_SCOPE}`, { scope: EXTERNAL_API_SCOPE });
  if (!isUuid(apiId)) throw new RestError(404, 'ERR_API_NOT_FOUND', 'apiId inexistente para este token');
  if (!machine.tenantModules.includes('helpdesk'))
    throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Atendimento não está ativo para esta empresa', { module: 'helpdesk' });
  return { tokenId: machine.tokenId, tenantId: machine.tenantId, apiId };
}

/**
 * Runs `work` in the client's tenant once the config is found to be its token's own: any other
 * apiId is a 404 for every call, and nothing is recorded for it. When the work fails as a whole,
 * a lone call's failure is kept in the config's recent calls in a transaction of its own (the
 * failed one rolls back); several calls are handed back to be written one by one.
 */
async function asConfigOwner<Result>(
  services: Services,
  client: ApiClient,
  calls: readonly ApiCall[],
  work: (trx: TenantTransaction, config: HelpdeskApiConfig) => Promise<Array<Settled<Result>>>,
): Promise<Array<Settled<Result>>> {
  try {
    return await withTenant(services.db, client.tenantId, async (trx) =>
      work(trx, await apiConfigForToken(trx, client.apiId, client.tokenId)),
    );
  } catch (error) {
    if (error instanceof DomainError && error.reason === 'API_NOT_FOUND') return calls.map(() => ({ ok: false, error }));
    if (calls.length > 1) throw error;
    try {
      await withTenant(services.db, client.tenantId, async (trx) =>
        recordFailedCall(trx, await apiConfigForToken(trx, client.apiId, client.tokenId), calls[0]!, error),
      );
    } catch (recordError) {
      services.logger.warn({ err: recordError }, 'could not record a failed API call');
    }
    return [{ ok: false, error }];
  }
}

async function recordFailedCall(trx: TenantTransaction, config: HelpdeskApiConfig, call: ApiCall, error: unknown): Promise<void> {
  const known =
    error instanceof RestError
      ? { status: error.status, code: error.error }
      : error instanceof DomainError
        ? { status: getHTTPStatusCodeFromError(error), code: `ERR_${error.reason}` }
        : error instanceof ZodError
          ? { status: 400, code: 'ERR_VALIDATION' }
          : { status: 500, code: 'ERR_INTERNAL' };
  await recordApiCall(trx, config.id, { method: call.method, path: call.path, statusCode: known.status, error: known.code });
}
