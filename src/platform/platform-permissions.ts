import { definePermissions } from './auth/permissions';

export const platformPermissions = definePermissions({
  'audit.read': 'Ver o registro de auditoria',
  'audit.export': 'Exportar o registro de auditoria (CSV/JSON)',
  'jobs.read': 'Ver execuções de tarefas agendadas',
  'events.read': 'Receber o feed de atividade em tempo real',
  'deliveries.read': 'Ver entregas de webhooks e suas tentativas',
  'deliveries.replay': 'Reenviar entregas de webhooks mortas ou canceladas',
});
