import { defineFeatureEvents } from '../../lib/appEvents';

export default defineFeatureEvents('identity', {
  'api_token.created': { label: 'Token de API criado', summary: (event) => `${event.data.name} · ${event.data.scopes.length} escopo(s)` },
  'api_token.revoked': { label: 'Token de API revogado', summary: (event) => event.data.name },
});
