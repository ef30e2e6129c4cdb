import { definePermissions } from '../../platform/auth/permissions';

export const identityPermissions = definePermissions({
  'identity.users.read': 'Ver usuários',
  'identity.users.write': 'Criar, editar e desativar usuários',
  'identity.roles.read': 'Ver papéis e permissões',
  'identity.roles.write': 'Criar e editar papéis personalizados',
  'identity.apiTokens.read': 'Ver tokens de API',
  'identity.apiTokens.write': 'Criar e revogar tokens de API',
  'identity.devices.read': 'Ver dispositivos (totens, painéis, agentes)',
  'identity.devices.write': 'Cadastrar e revogar dispositivos',
  'identity.tenant.read': 'Ver dados da empresa',
  'identity.tenant.write': 'Editar dados, fuso horário e módulos da empresa',
});
