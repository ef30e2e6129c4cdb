import express from 'express';
import type { Services } from '../platform/services';
import { restErrorHandler, sendRestError } from './errors';
import { keepRawBody } from './handlers';

/**
 * One REST surface (a base path such as /api/v1): JSON bodies with their raw bytes kept for
 * signatures, the given routes in order, then 404 and every error in `{ error, message, details }`.
 */
export function createRestSurface(services: Services, routes: readonly express.Router[]): express.Router {
  const surface = express.Router();
  surface.use(express.json({ limit: services.config.maxBodyBytes, strict: true, verify: keepRawBody }));
  for (const router of routes) surface.use(router);
  surface.use((req, res) =>
    sendRestError(res, 404, {
      error: 'ERR_NOT_FOUND',
      message: `Rota inexistente: ${req.method} ${req.originalUrl.split('?')[0]}`,
      details: {},
    }),
  );
  surface.use(restErrorHandler(services.logger));
  return surface;
}
