import express from 'express';
import { currentRequestContext } from '../../platform/observability/request-context';
import type { Services } from '../../platform/services';
import { authenticateDeviceRequest } from '../../rest/authentication';
import { RestError } from '../../rest/errors';
import { handleAsync as handle } from '../../rest/handlers';
import { clientAddressOf, rateLimited } from '../../rest/rate-limits';
import { enrollDevice } from './devices';
import { enrollDeviceInput } from './schemas';

/**
 * Devices' own REST routes under /api/v1: enrollment (a code, from the body or the `?code=` the
 * dashboard's QR carries, traded once for the device's token) and who the calling device is.
 */
export function deviceRestRoutes(services: Services): express.Router {
  const rest = express.Router();
  rest.post(
    '/devices/enroll',
    rateLimited({ limiter: services.devices.enrollLimit, keyOf: clientAddressOf }),
    handle(async (req, res) => {
      const context = currentRequestContext();
      const ip = context?.ip ?? null;
      const body: unknown = req.body ?? {};
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new RestError(400, 'ERR_VALIDATION', 'O corpo precisa ser um objeto JSON');
      const query = typeof req.query.code === 'string' ? { code: req.query.code } : {};
      const input = enrollDeviceInput.parse({ ...query, ...body });
      const enrolled = await enrollDevice(services.db, input, {
        ip,
        userAgent: req.headers['user-agent'] ?? null,
        requestId: context?.requestId ?? null,
      });
      if (!enrolled) throw new RestError(401, 'ENROLLMENT_INVALID', 'Código de cadastro inválido, expirado ou já usado');
      res.status(201).json({ deviceId: enrolled.deviceId, token: enrolled.token });
    }),
  );
  rest.get(
    '/devices/me',
    handle(async (req, res) => {
      const { device } = await authenticateDeviceRequest(services, req);
      res.json({
        deviceId: device.deviceId,
        tenantId: device.tenantId,
        kind: device.kind,
        name: device.name,
        scopes: [...device.scopes].sort(),
        resourceId: device.resourceId,
      });
    }),
  );
  return rest;
}
