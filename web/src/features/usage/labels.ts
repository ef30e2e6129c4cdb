import type { AlertSeverity, AlertStatus, AlertType, AnalyticsPeriod, GroupBy, ModelStatus, Plan, UserStatus } from './types';

type Tone = 'green' | 'red' | 'amber' | 'zinc' | 'blue';

export const USER_STATUSES: Record<UserStatus, { label: string; tone: Tone }> = {
  active: { label: 'Ativo', tone: 'green' },
  suspended: { label: 'Suspenso', tone: 'amber' },
  blocked: { label: 'Bloqueado', tone: 'red' },
  pending: { label: 'Pendente', tone: 'zinc' },
};

export const PLANS: Record<Plan, string> = { basic: 'Básico', pro: 'Pro', enterprise: 'Enterprise', trial: 'Teste' };

export const ALERT_TYPES: Record<AlertType, string> = {
  usage_80: 'Uso em 80%',
  usage_95: 'Uso em 95%',
  blocked: 'Bloqueio',
  system_error: 'Erro do sistema',
  model_error: 'Erro de modelo',
};

export const ALERT_STATUSES: Record<AlertStatus, { label: string; tone: Tone }> = {
  pending: { label: 'Pendente', tone: 'amber' },
  sent: { label: 'Enviado', tone: 'green' },
  failed: { label: 'Falhou', tone: 'red' },
  acknowledged: { label: 'Reconhecido', tone: 'zinc' },
};

export const SEVERITIES: Record<AlertSeverity, { label: string; tone: Tone }> = {
  info: { label: 'Info', tone: 'blue' },
  warning: { label: 'Atenção', tone: 'amber' },
  error: { label: 'Erro', tone: 'red' },
  critical: { label: 'Crítico', tone: 'red' },
};

export const MODEL_STATUSES: Record<ModelStatus, { label: string; tone: Tone }> = {
  healthy: { label: 'Saudável', tone: 'green' },
  unhealthy: { label: 'Com falhas', tone: 'red' },
  rate_limited: { label: 'Limitado', tone: 'amber' },
  unavailable: { label: 'Indisponível', tone: 'zinc' },
};

export type Health = 'healthy' | 'unhealthy' | 'unknown' | 'not_configured';

export const HEALTH: Record<Health, { label: string; tone: Tone }> = {
  healthy: { label: 'Saudável', tone: 'green' },
  unhealthy: { label: 'Com falhas', tone: 'red' },
  unknown: { label: 'Desconhecido', tone: 'zinc' },
  not_configured: { label: 'Não configurado', tone: 'zinc' },
};

export const PERIODS: Record<AnalyticsPeriod, string> = {
  today: 'Hoje',
  '7d': '7 dias',
  '30d': '30 dias',
  '90d': '90 dias',
  month: 'Este mês',
};

export const GROUP_BY: Record<GroupBy, string> = { day: 'Dia', user: 'Usuário', model: 'Modelo' };

/** What the usage domain audits, for the log's filter. */
export const AUDIT_ACTIONS: Record<string, string> = {
  'usage.user.create': 'Usuário criado',
  'usage.user.update': 'Usuário alterado',
  'usage.user.grant_tokens': 'Tokens concedidos',
  'usage.user.reset_usage': 'Consumo zerado',
  'usage.key.create': 'Chave criada',
  'usage.key.revoke': 'Chave revogada',
  'usage.alert.acknowledge': 'Alerta reconhecido',
  'usage.alert.test': 'Alerta de teste',
  'usage.model.update': 'Modelo alterado',
  'usage.models.refresh': 'Modelos atualizados',
  'usage.settings.update': 'Configurações alteradas',
  'usage.settings.test_email': 'E-mail de teste',
};

export const AUDIT_RESOURCES: Record<string, string> = {
  usage_user: 'Usuário de IA',
  usage_key: 'Chave',
  usage_alert: 'Alerta',
  usage_model: 'Modelo',
  usage_settings: 'Configurações',
};

/** Options of a select with an "any" first entry. */
export function optionsOf(labels: Record<string, string | { label: string }>, any: string): { value: string; label: string }[] {
  return [
    { value: '', label: any },
    ...Object.entries(labels).map(([value, label]) => ({ value, label: typeof label === 'string' ? label : label.label })),
  ];
}
