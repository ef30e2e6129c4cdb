import express from 'express';
import { externalApiRoutes } from '../domains/helpdesk/external-rest';
import type { Services } from '../services';
import { restErrorHandler, sendRestError } from './errors';
import { keepRawBody } from './handlers';
import { externalApiOpenApiDocument } from './openapi';

/** /v1/api: the external API v1 (the seed's paths) and its OpenAPI document. */
export function createExternalApiRouter(services: Services): express.Router {
  const api = express.Router();
  api.use(express.json({ limit: services.config.maxBodyBytes, strict: true, verify: keepRawBody }));
  const document = externalApiOpenApiDocument(services.config.publicUrl);
  api.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  api.use(externalApiRoutes(services));
  api.use((req, res) =>
    sendRestError(res, 404, {
      error: 'ERR_NOT_FOUND',
      message: `Rota inexistente: ${req.method} ${req.originalUrl.split('?')[0]}`,
      details: {},
    }),
  );
  api.use(restErrorHandler(services.logger));
  return api;
}
