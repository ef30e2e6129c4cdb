import { defineFeatureEvents } from '../../lib/appEvents';

const asset = (event: { data: { tag: string; name: string } }) => `${event.data.tag} · ${event.data.name}`;
const movement = (event: { data: { assetTag: string } }) => event.data.assetTag;
const order = (event: { data: { number: number; title: string } }) => `OS ${event.data.number} · ${event.data.title}`;
const auditScan = (event: { data: { assetTag: string | null; status: string } }) =>
  `${event.data.assetTag ?? 'código desconhecido'} · ${event.data.status}`;

export default defineFeatureEvents('inventory', {
  'inventory.asset.created': { label: 'Ativo cadastrado', summary: asset },
  'inventory.asset.updated': { label: 'Ativo alterado', summary: asset },
  'inventory.asset.imported': {
    label: 'Ativos importados',
    summary: (event) => `${event.data.created} novo(s) · ${event.data.updated} atualizado(s)`,
  },
  'inventory.asset.attachment_added': { label: 'Anexo adicionado a ativo', summary: (event) => event.data.fileName },
  'inventory.location.changed': { label: 'Localização alterada', summary: () => 'localizações' },
  'inventory.category.changed': { label: 'Categoria alterada', summary: () => 'categorias' },
  'inventory.movement.requested': { label: 'Movimentação pedida', summary: movement },
  'inventory.movement.approved': { label: 'Movimentação aprovada', summary: movement },
  'inventory.movement.rejected': { label: 'Movimentação recusada', summary: movement },
  'inventory.movement.cancelled': { label: 'Movimentação cancelada', summary: movement },
  'inventory.movement.executed': { label: 'Movimentação executada', summary: movement },
  'inventory.movement.returned': { label: 'Empréstimo devolvido', summary: movement },
  'inventory.movement.term_accepted': { label: 'Termo de responsabilidade aceito', summary: movement },
  'inventory.movement.loan_due_soon': { label: 'Empréstimo vence em breve', summary: movement },
  'inventory.movement.loan_overdue': { label: 'Empréstimo atrasado', summary: movement },
  'inventory.audit.created': { label: 'Inventário físico criado', summary: (event) => event.data.name },
  'inventory.audit.started': {
    label: 'Inventário físico iniciado',
    summary: (event) => `${event.data.name} · ${event.data.expected} esperado(s)`,
  },
  'inventory.audit.scanned': { label: 'Leitura de inventário', summary: auditScan },
  'inventory.audit.corrected': { label: 'Correção de inventário', summary: auditScan },
  'inventory.audit.closed': {
    label: 'Inventário físico encerrado',
    summary: (event) => `${event.data.name} · ${event.data.found} encontrados, ${event.data.missing} faltando`,
  },
  'inventory.audit.cancelled': { label: 'Inventário físico cancelado', summary: (event) => event.data.name },
  'inventory.maintenance.order_created': { label: 'Ordem de serviço aberta', summary: order },
  'inventory.maintenance.order_updated': { label: 'Ordem de serviço alterada', summary: order },
  'inventory.maintenance.sla_warning': { label: 'SLA perto de vencer', summary: order },
  'inventory.maintenance.sla_breached': { label: 'SLA vencido', summary: order },
  'inventory.purchase.updated': { label: 'Pedido de compra alterado', summary: (event) => `Pedido ${event.data.number}` },
  'inventory.supplier.changed': { label: 'Fornecedor alterado', summary: (event) => event.data.name },
  'inventory.quote.updated': { label: 'Orçamento alterado', summary: (event) => event.data.title },
  'inventory.machine.heartbeat': { label: 'Máquina ativa', summary: (event) => event.data.hostname },
  'inventory.machine.registered': { label: 'Máquina registrada', summary: (event) => event.data.hostname },
  'inventory.alert.raised': { label: 'Alerta do inventário', summary: (event) => event.data.message },
  'inventory.ticket.created': { label: 'Chamado de máquina', summary: (event) => event.data.title },
  'inventory.ticket.updated': { label: 'Chamado de máquina alterado', summary: (event) => event.data.title },
  'inventory.alert.acknowledged': { label: 'Alerta do inventário reconhecido', summary: (event) => event.data.message },
});
