import { defineFeatureEvents } from '../../lib/appEvents';
import { formatPercent, formatTokens } from './format';
import { ALERT_STATUSES, MODEL_STATUSES } from './labels';

const USER_CHANGES = {
  created: 'criado',
  updated: 'alterado',
  granted: 'tokens concedidos',
  reset: 'consumo zerado',
  unblocked: 'desbloqueado',
  key_created: 'chave criada',
  key_revoked: 'chave revogada',
} as const;

export default defineFeatureEvents('usage', {
  'usage.user.updated': {
    label: 'Usuário de IA alterado',
    summary: (event) => USER_CHANGES[event.data.change],
  },
  'usage.usage.recorded': {
    label: 'Consumo de IA',
    summary: (event) => {
      const tokens = event.data.users.reduce((sum, user) => sum + user.tokens, 0);
      return `${event.data.records} pedido(s) · ${formatTokens(tokens)} tokens`;
    },
  },
  'usage.alert.raised': {
    label: 'Alerta de consumo de IA',
    summary: (event) =>
      event.data.percent === undefined ? event.data.title : `${event.data.title} · ${formatPercent(event.data.percent)}`,
  },
  'usage.alert.updated': {
    label: 'Alerta de consumo atualizado',
    summary: (event) => ALERT_STATUSES[event.data.status].label.toLowerCase(),
  },
  'usage.model.status': {
    label: 'Situação de modelo de IA',
    summary: (event) => `${event.data.model}: ${MODEL_STATUSES[event.data.status].label.toLowerCase()}`,
  },
  'usage.settings.changed': {
    label: 'Configuração do uso de IA',
    summary: (event) => `campos: ${event.data.fields.join(', ')}`,
  },
});
