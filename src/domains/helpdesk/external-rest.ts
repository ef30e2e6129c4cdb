import express, { type Request } from 'express';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { z, ZodError } from 'zod';
import type { HelpdeskApiConfig } from '../../db/schema';
import { isUuid, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { bearerToken } from '../../platform/auth/access-tokens';
import { DomainError } from '../../platform/errors';
import { RestError } from '../../rest/errors';
import { handleAsync } from '../../rest/handlers';
import type { Services } from '../../services';
import { authenticateMachineToken } from '../identity';
import { apiConfigForToken, apiMessageStatus, EXTERNAL_API_SCOPE, externalSendBody, recordApiCall, sendThroughApi } from './external-api';
import { queueOutboundMessage } from './outbound';

export const EXTERNAL_API_BASE = '/v1/api';

const idempotencyKeyHeader = z.string().trim().min(1).max(200).optional();

/**
 * External API v1 for ERPs and CRMs (the seed's path, `/v1/api/external/:apiId`). A token made for
 * an API config works only on that config, only for this API: it can never act as a user.
 */
export function externalApiRoutes(services: Services): express.Router {
  const routes = express.Router();

  routes.post(
    '/external/:apiId',
    handleAsync(async (req, res) => {
      const answer = await asApiClient(services, req, async (trx, config) => {
        const body = externalSendBody.parse(req.body);
        const key = idempotencyKeyHeader.safeParse(req.get('idempotency-key'));
        if (!key.success) throw new RestError(400, 'ERR_VALIDATION', 'Idempotency-Key: de 1 a 200 caracteres');
        return sendThroughApi(trx, config, body, key.data, req.originalUrl.split('?')[0]!, queueOutboundMessage);
      });
      if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(answer.status).json(answer.body);
    }),
  );

  routes.get(
    '/external/:apiId/messages/:messageId',
    handleAsync(async (req, res) => {
      const messageId = String(req.params.messageId);
      const status = await asApiClient(services, req, (trx, config) => {
        if (!isUuid(messageId)) throw new DomainError('NOT_FOUND', 'MESSAGE_NOT_FOUND', 'Mensagem inexistente nesta API');
        return apiMessageStatus(trx, config, messageId);
      });
      res.json(status);
    }),
  );

  return routes;
}

/**
 * Authenticates the token, finds its config in its own tenant and runs `work` there. A failure
 * once the config is known is kept in the config's recent calls, in its own transaction, since
 * the failed one rolls back.
 */
async function asApiClient<T>(services: Services, req: Request, work: (trx: TenantTransaction, config: HelpdeskApiConfig) => Promise<T>): Promise<T> {
  const presented = bearerToken(req.headers.authorization);
  const machine = presented ? await authenticateMachineToken(services.db, presented) : null;
  if (!machine || machine.kind !== 'api') throw new RestError(401, 'ERR_API_TOKEN_INVALID', 'Token de API inválido, revogado ou expirado (Authorization: Bearer bal_…)');
  if (!machine.scopes.has(EXTERNAL_API_SCOPE)) throw new RestError(403, 'ERR_FORBIDDEN', `Este token não tem o escopo ${EXTERNAL_API_SCOPE}`, { scope: EXTERNAL_API_SCOPE });
  const apiId = String(req.params.apiId);
  if (!isUuid(apiId)) throw new RestError(404, 'ERR_API_NOT_FOUND', 'apiId inexistente para este token');
  const tenant = await services.db.selectFrom('tenants').select('modules').where('id', '=', machine.tenantId).executeTakeFirstOrThrow();
  if (!tenant.modules.includes('helpdesk')) throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Atendimento não está ativo para esta empresa', { module: 'helpdesk' });
  let config: HelpdeskApiConfig | undefined;
  try {
    return await withTenant(services.db, machine.tenantId, async (trx) => {
      config = await apiConfigForToken(trx, apiId, machine.tokenId);
      return work(trx, config);
    });
  } catch (error) {
    if (config) {
      const known = error instanceof RestError ? { status: error.status, code: error.error } : error instanceof DomainError ? { status: getHTTPStatusCodeFromError(error), code: `ERR_${error.reason}` } : error instanceof ZodError ? { status: 400, code: 'ERR_VALIDATION' } : { status: 500, code: 'ERR_INTERNAL' };
      const failedConfig = config;
      await withTenant(services.db, machine.tenantId, (trx) =>
        recordApiCall(trx, failedConfig.id, { method: req.method, path: req.originalUrl.split('?')[0]!, statusCode: known.status, error: known.code }),
      ).catch((recordError: unknown) => services.logger.warn({ err: recordError }, 'could not record a failed API call'));
    }
    throw error;
  }
}
