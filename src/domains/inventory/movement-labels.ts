import type { InventoryMovementStatus, InventoryMovementType } from '../../db/schema';

/** A movement's kind as the dashboard and the asset's history name it. */
export const MOVEMENT_TYPE_LABELS: Record<InventoryMovementType, string> = {
  transfer: 'Transferência',
  loan_internal: 'Empréstimo interno',
  loan_external: 'Empréstimo a terceiro',
};

/** A movement's state in a sentence ("uma movimentação aprovada"). */
export const MOVEMENT_STATUS_LABELS: Record<InventoryMovementStatus, string> = {
  requested: 'pedida',
  approved: 'aprovada',
  rejected: 'recusada',
  cancelled: 'cancelada',
  executed: 'executada',
  returned: 'devolvida',
};
