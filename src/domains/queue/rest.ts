import { isTrackedEnvelope } from '@trpc/server';
import express from 'express';
import { withTenant } from '../../db/tenant-scope';
import type { Services } from '../../platform/services';
import { authenticateDeviceRequest } from '../../rest/authentication';
import { restErrorOf } from '../../rest/errors';
import { handleAsync as handle } from '../../rest/handlers';
import { DISPLAY_KIND, KIOSK_KIND, QUEUE_DISPLAY_SCOPE, QUEUE_ISSUE_SCOPE, unitOfQueueDevice } from './device-kinds';
import { streamDisplay } from './display';
import { kioskServices } from './kiosk';
import { issueTicketInput, lastEventIdInput } from './schemas';
import { issueTicket } from './tickets';

const SSE_PING_MS = 15_000;

/**
 * The queue's device surfaces under /api/v1, for kiosks and screens that are not browsers: the
 * kiosk's services and ticket issue, and the display's calls as server-sent events.
 */
export function queueRestRoutes(services: Services): express.Router {
  const rest = express.Router();

  rest.get(
    '/queue/kiosk/services',
    handle(async (req, res) => {
      const { device } = await authenticateDeviceRequest(services, req, QUEUE_ISSUE_SCOPE);
      const unitId = unitOfQueueDevice(device, KIOSK_KIND);
      res.json(await withTenant(services.db, device.tenantId, (trx) => kioskServices(trx, unitId)));
    }),
  );

  rest.post(
    '/queue/kiosk/tickets',
    handle(async (req, res) => {
      const { device, audit } = await authenticateDeviceRequest(services, req, QUEUE_ISSUE_SCOPE);
      const unitId = unitOfQueueDevice(device, KIOSK_KIND);
      const input = issueTicketInput.parse(req.body ?? {});
      const issued = await withTenant(services.db, device.tenantId, (trx) =>
        issueTicket(trx, { audit, deviceId: device.deviceId }, { unitId, ...input }, services.config),
      );
      res.status(201).json(issued);
    }),
  );

  // The display's stream as SSE: `event: state` first, then `event: call` frames with their ids; send
  // Last-Event-ID (or ?lastEventId=) on reconnect to resume. Errors end the stream with `event: error`.
  rest.get(
    '/queue/display/stream',
    handle(async (req, res) => {
      const { device } = await authenticateDeviceRequest(services, req, QUEUE_DISPLAY_SCOPE);
      const unitId = unitOfQueueDevice(device, DISPLAY_KIND);
      const { lastEventId } = lastEventIdInput.parse({ lastEventId: req.headers['last-event-id'] ?? req.query.lastEventId });
      const client = new AbortController();
      req.on('close', () => client.abort());
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
      res.flushHeaders();
      const ping = setInterval(() => res.write(': ping\n\n'), SSE_PING_MS);
      try {
        for await (const item of streamDisplay(services, device, unitId, {
          lastEventId: lastEventId ?? undefined,
          signal: client.signal,
        })) {
          if (isTrackedEnvelope(item)) res.write(`id: ${item[0]}\nevent: call\ndata: ${JSON.stringify(item[1])}\n\n`);
          else res.write(`event: state\ndata: ${JSON.stringify(item)}\n\n`);
        }
      } catch (error) {
        const known = restErrorOf(error);
        if (known.status >= 500) services.logger.error({ err: error }, 'display stream failed');
        res.write(`event: error\ndata: ${JSON.stringify({ error: known.error, message: known.message, details: known.details })}\n\n`);
      } finally {
        clearInterval(ping);
        res.end();
      }
    }),
  );
  return rest;
}
