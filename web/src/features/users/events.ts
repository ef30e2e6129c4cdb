import { defineFeatureEvents } from '../../lib/appEvents';

const ROLE_CHANGES = { created: 'criado', updated: 'alterado', deleted: 'excluído' } as const;
const CHANGE_LABELS: Record<string, string> = { name: 'nome', email: 'e-mail', role: 'papel', password: 'senha', active: 'situação' };

export default defineFeatureEvents('identity', {
  'user.created': {
    label: 'Usuário criado',
    summary: (event, names) => `${event.data.name} <${event.data.email}> com o papel ${names.role(event.data.role) ?? event.data.role}`,
  },
  'user.updated': {
    label: 'Usuário alterado',
    summary: (event, names) => {
      const who = names.user(event.data.userId) ?? 'Usuário';
      const role = names.role(event.data.role) ?? event.data.role;
      if (event.data.changes.includes('invitation')) return `${who} aceitou o convite · ${role}`;
      const changes = event.data.changes.map((change) => CHANGE_LABELS[change] ?? change).join(', ');
      return `${who}: ${changes || 'dados'} alterado(s) · ${role} · ${event.data.active ? 'ativo' : 'inativo'}`;
    },
  },
  'role.updated': {
    label: 'Papel alterado',
    summary: (event) => `${event.data.name} (${event.data.key}) ${ROLE_CHANGES[event.data.change]}`,
  },
  'tenant.updated': { label: 'Empresa alterada', summary: (event) => `campos: ${event.data.changes.join(', ')}` },
});
