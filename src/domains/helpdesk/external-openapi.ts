import { z } from 'zod';
import { externalMessageStatus, externalSendAnswer, externalSendBody } from './external-api';

const restErrorBody = z.object({
  error: z.string().meta({ examples: ['ERR_INVALID_NUMBER'] }),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

const schema = (type: z.ZodType, io: 'input' | 'output' = 'output') => z.toJSONSchema(type, { io, unrepresentable: 'any' });

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const apiIdParameter = {
  name: 'apiId',
  in: 'path',
  required: true,
  description: 'The API config id shown in the dashboard',
  schema: { type: 'string', format: 'uuid' },
};

/** The OpenAPI 3.1 document of the external API v1, generated from the same zod schemas that validate it. */
export function externalApiOpenApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Balcão — API externa v1',
      version: '1.0.0',
      description:
        'Envio de mensagens por ERPs e CRMs. Autentique com `Authorization: Bearer <token>` da configuração de API. ' +
        'Use `Idempotency-Key` (ou `externalKey`) para que uma nova tentativa devolva a primeira resposta. ' +
        'Mudanças de status são enviadas à URL de callback, assinadas (X-Balcao-Signature: v1=HMAC-SHA256(segredo, "<timestamp>.<corpo>")) e com X-Balcao-Event-Id.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    paths: {
      '/external/{apiId}': {
        post: {
          operationId: 'sendMessage',
          summary: 'Envia uma mensagem (texto ou mídia) pelo canal da configuração',
          parameters: [
            apiIdParameter,
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'A retry with the same key returns the first answer',
              schema: { type: 'string', minLength: 1, maxLength: 200 },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SendMessage' } } } },
          responses: {
            '202': {
              description: 'Aceita e enfileirada',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/SendAccepted' } } },
            },
            '400': errorResponse('Dados inválidos (ERR_VALIDATION, ERR_INVALID_NUMBER, ERR_MEDIA_TYPE_FORBIDDEN, ERR_MALFORMED_JSON)'),
            '401': errorResponse('Token inválido, revogado ou expirado (ERR_API_TOKEN_INVALID)'),
            '403': errorResponse('Token sem o escopo ou módulo desativado'),
            '404': errorResponse('apiId inexistente para este token (ERR_API_NOT_FOUND)'),
            '409': errorResponse('Canal desconectado (ERR_CHANNEL_DISCONNECTED)'),
            '413': errorResponse('Corpo grande demais (ERR_PAYLOAD_TOO_LARGE)'),
          },
        },
      },
      '/external/{apiId}/messages/{messageId}': {
        get: {
          operationId: 'getMessageStatus',
          summary: 'Status de uma mensagem enviada por esta configuração',
          parameters: [apiIdParameter, { name: 'messageId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: {
            '200': {
              description: 'Status atual',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/MessageStatus' } } },
            },
            '401': errorResponse('Token inválido (ERR_API_TOKEN_INVALID)'),
            '404': errorResponse('Mensagem ou apiId inexistente'),
          },
        },
      },
    },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'bal_… token of the API config' } },
      schemas: {
        SendMessage: schema(externalSendBody, 'input'),
        SendAccepted: schema(externalSendAnswer),
        MessageStatus: schema(externalMessageStatus),
        Error: schema(restErrorBody),
      },
    },
  };
}
