import express, { type Request } from 'express';
import { withTenant } from '../../../db/tenant-scope';
import { currentRequestContext } from '../../../platform/observability/request-context';
import type { Services } from '../../../platform/services';
import { authenticateDeviceRequest, type RestDevice } from '../../../rest/authentication';
import { handleAsync as handle } from '../../../rest/handlers';
import { clientAddressOf, rateLimited } from '../../../rest/rate-limits';
import { raiseAgentAlert } from './agent-alerts';
import { AGENT_SCOPE, requireInventoryAgent } from './device-kind';
import { heartbeatGroupCommit } from './heartbeats';
import { attachMachine, registerMachineWithCode } from './registration';
import { agentAlertInput, agentTicketInput, heartbeatInput, registerMachineInput } from './schemas';
import { createAgentTicket } from './tickets';

/** The calling inventory agent (its token as Bearer or `X-Agent-Token`); any other device or principal is refused. */
async function authenticateAgent(services: Services, req: Request): Promise<RestDevice> {
  const caller = await authenticateDeviceRequest(services, req, AGENT_SCOPE);
  requireInventoryAgent(caller.device);
  return caller;
}

/**
 * The inventory agent's API under /api/v1, with the seed's paths: register the machine (with the
 * enrollment code from Dispositivos, or again with the agent's token), heartbeats, and tickets and
 * alerts about its own machine. An agent's token reaches nothing else.
 */
export function machinesRestRoutes(services: Services): express.Router {
  const rest = express.Router();
  const heartbeats = heartbeatGroupCommit(services.db);

  rest.post(
    '/machines/register',
    rateLimited({ limiter: services.devices.enrollLimit, keyOf: clientAddressOf }),
    handle(async (req, res) => {
      const input = registerMachineInput.parse(req.body ?? {});
      if (input.code) {
        const context = currentRequestContext();
        const registered = await registerMachineWithCode(
          services.db,
          { ...input, code: input.code },
          { ip: context?.ip ?? null, userAgent: req.headers['user-agent'] ?? null, requestId: context?.requestId ?? null },
        );
        res.status(201).json(registered);
        return;
      }
      // No code: an enrolled agent registering (again) with its token.
      const { device, audit } = await authenticateAgent(services, req);
      const registered = await withTenant(services.db, device.tenantId, (trx) =>
        attachMachine(trx, audit, { deviceId: device.deviceId, resourceId: device.resourceId }, input),
      );
      res.json(registered);
    }),
  );

  rest.post(
    '/machines/status',
    handle(async (req, res) => {
      const { device } = await authenticateAgent(services, req);
      const input = heartbeatInput.parse(req.body ?? {});
      res.json(await heartbeats.submit(device.tenantId, { deviceId: device.deviceId, input }));
    }),
  );

  rest.post(
    '/tickets/create',
    handle(async (req, res) => {
      const { device, audit } = await authenticateAgent(services, req);
      const input = agentTicketInput.parse(req.body ?? {});
      const { ticket, duplicate } = await withTenant(services.db, device.tenantId, (trx) =>
        createAgentTicket(trx, audit, device.deviceId, input),
      );
      res.status(duplicate ? 200 : 201).json({ ...ticket, duplicate });
    }),
  );

  rest.post(
    '/alerts/send',
    handle(async (req, res) => {
      const { device } = await authenticateAgent(services, req);
      const input = agentAlertInput.parse(req.body ?? {});
      const { alert, duplicate } = await withTenant(services.db, device.tenantId, (trx) => raiseAgentAlert(trx, device.deviceId, input));
      res.status(duplicate ? 200 : 201).json({ ...alert, duplicate });
    }),
  );

  return rest;
}
