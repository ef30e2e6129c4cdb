import { definePermissions } from '../../platform/auth/permissions';

export const usagePermissions = definePermissions({
  'usage.read': 'Ver usuários de IA, consumo, alertas, modelos e análises',
  'usage.users.write': 'Criar e alterar usuários de IA, conceder tokens, zerar consumo e gerenciar chaves',
  'usage.alerts.write': 'Reconhecer e testar alertas de consumo',
  'usage.settings.write': 'Alterar as configurações, o upstream e os modelos e custos do uso de IA',
  'usage.logs.read': 'Ver o registro de auditoria do uso de IA',
  'usage.export': 'Exportar os registros de uso de IA',
});
