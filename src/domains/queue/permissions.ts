import { definePermissions } from '../../platform/auth/permissions';

export const queuePermissions = definePermissions({
  'queue.setup.read': 'Ver unidades, serviços, guichês, prioridades e painéis da fila',
  'queue.setup.write': 'Configurar unidades, serviços, guichês e prioridades da fila',
  'queue.panel': 'Atender no painel do operador: chamar, iniciar, concluir, cancelar e transferir senhas',
  'queue.stats.read': 'Ver as estatísticas da fila',
});
