import type { InventoryPurchaseOrderStatus, InventoryQuoteRequestStatus } from '../../../../../src/db/schema';

type Tone = 'green' | 'red' | 'amber' | 'zinc' | 'blue';

export const PURCHASE_ORDER_STATUS: Record<InventoryPurchaseOrderStatus, { label: string; tone: Tone }> = {
  pending_approval: { label: 'Aguardando aprovação', tone: 'amber' },
  approved: { label: 'Aprovado', tone: 'blue' },
  rejected: { label: 'Recusado', tone: 'red' },
  received: { label: 'Recebido', tone: 'green' },
  cancelled: { label: 'Cancelado', tone: 'zinc' },
};

export const QUOTE_STATUS: Record<InventoryQuoteRequestStatus, { label: string; tone: Tone }> = {
  open: { label: 'Aberto', tone: 'amber' },
  decided: { label: 'Decidido', tone: 'green' },
  cancelled: { label: 'Cancelado', tone: 'zinc' },
};
