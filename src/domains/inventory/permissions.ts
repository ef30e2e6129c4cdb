import { definePermissions } from '../../platform/auth/permissions';

export const inventoryPermissions = definePermissions({
  'inventory.assets.read': 'Ver ativos, categorias, localizações, etiquetas e o painel do inventário',
  'inventory.assets.write': 'Cadastrar, editar, importar e anexar arquivos a ativos e categorias',
  'inventory.locations.write': 'Cadastrar e editar localizações e seus responsáveis',
  'inventory.movements.read': 'Ver movimentações, empréstimos e termos de responsabilidade',
  'inventory.movements.request': 'Pedir transferências e empréstimos de ativos',
  'inventory.movements.approve': 'Aprovar ou recusar movimentações para as localizações que gerencia',
  'inventory.movements.approveAny': 'Aprovar ou recusar movimentações para qualquer localização',
  'inventory.audits.read': 'Ver auditorias (inventários) e seus relatórios',
  'inventory.audits.write': 'Criar, iniciar, encerrar e corrigir auditorias',
  'inventory.audits.scan': 'Registrar leituras numa auditoria em andamento',
  'inventory.maintenance.read': 'Ver ordens de serviço, planos e contratos de manutenção',
  'inventory.maintenance.write': 'Abrir e atualizar ordens de serviço, planos e contratos de manutenção',
  'inventory.purchasing.read': 'Ver fornecedores, orçamentos e pedidos de compra',
  'inventory.purchasing.write': 'Cadastrar fornecedores, orçamentos e pedidos de compra',
  'inventory.purchasing.approve': 'Aprovar pedidos de compra',
  'inventory.machines.read': 'Ver máquinas, chamados e alertas do inventário',
  'inventory.machines.write': 'Tratar chamados e reconhecer alertas do inventário',
  'inventory.settings.write': 'Configurar o inventário (etiquetas, prazos, SLA, agentes)',
});
