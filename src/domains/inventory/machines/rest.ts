import express, { type Request } from 'express';
import { withTenant } from '../../../db/tenant-scope';
import { presentedDeviceToken, type PresentedDeviceToken } from '../../../platform/devices/principal';
import { currentRequestContext } from '../../../platform/observability/request-context';
import type { Services } from '../../../platform/services';
import { authenticateDeviceRequest, presentedDeviceCredential, type RestDevice } from '../../../rest/authentication';
import { handleAsync as handle } from '../../../rest/handlers';
import { clientAddressOf, rateLimited } from '../../../rest/rate-limits';
import { raiseAgentAlert } from './agent-alerts';
import { AGENT_SCOPE, requireInventoryAgent } from './device-kind';
import { heartbeatGroupCommit } from './heartbeats';
import { attachMachine, registerMachineWithCode } from './registration';
import { agentAlertInput, agentTicketInput, registerMachineInput } from './schemas';
import { createAgentTicket } from './tickets';

/** The calling inventory agent (its token as Bearer or `X-Agent-Token`); any other device or principal is refused. */
async function authenticateAgent(services: Services, req: Request): Promise<RestDevice> {
  const caller = await authenticateDeviceRequest(services, req, AGENT_SCOPE);
  requireInventoryAgent(caller.device);
  return caller;
}

/** The device token a call presents, read once, as authenticateDeviceRequest reads it. */
function presentedToken(services: Services, req: Request): PresentedDeviceToken | undefined {
  const presented = presentedDeviceCredential(services, req);
  if (presented === undefined) return undefined;
  return presentedDeviceToken(presented, { ip: currentRequestContext()?.ip ?? null, userAgent: req.headers['user-agent'] ?? null });
}

/**
 * The inventory agent's API under /api/v1, with the seed's paths: register the machine (with the
 * enrollment code from Dispositivos, or again with the agent's token), heartbeats, and tickets and
 * alerts about its own machine. An agent's token reaches nothing else.
 */
export function machinesRestRoutes(services: Services): express.Router {
  const rest = express.Router();
  const heartbeats = heartbeatGroupCommit(services.db, services.devices.authenticator);

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
      const token = presentedToken(services, req);
      // The token is checked in the batch that writes the heartbeat, in the device's tenant; a device
      // this process has not seen yet (or no device token at all) goes through the full check first.
      let tenantId = token && services.devices.authenticator.knownTenantOf(token);
      if (!tenantId) tenantId = (await authenticateAgent(services, req)).device.tenantId;
      if (!token) throw new Error('an authenticated agent call without a device token');
      res.json(await heartbeats.submit(tenantId, { token, body: req.body }));
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
