import type { MovementAction, MovementStatus, MovementType } from './types';

export const TYPE_LABELS: Record<MovementType, string> = {
  transfer: 'Transferência',
  loan_internal: 'Empréstimo interno',
  loan_external: 'Empréstimo a terceiro',
};

export const STATUS_LABELS: Record<MovementStatus, string> = {
  requested: 'Pedida',
  approved: 'Aprovada',
  rejected: 'Recusada',
  cancelled: 'Cancelada',
  executed: 'Executada',
  returned: 'Devolvida',
};

export const STATUS_TONES: Record<MovementStatus, 'green' | 'red' | 'amber' | 'zinc' | 'blue'> = {
  requested: 'amber',
  approved: 'blue',
  rejected: 'red',
  cancelled: 'zinc',
  executed: 'green',
  returned: 'zinc',
};

export const ACTION_LABELS: Record<MovementAction, string> = {
  approve: 'Aprovar',
  reject: 'Recusar',
  execute: 'Executar',
  return: 'Registrar devolução',
  cancel: 'Cancelar',
};

/** The trail's steps as people read them. */
export const STEP_LABELS: Record<string, string> = {
  requested: 'Pedido',
  approved: 'Aprovação',
  rejected: 'Recusa',
  cancelled: 'Cancelamento',
  executed: 'Execução',
  returned: 'Devolução',
  term_accepted: 'Termo aceito',
};

export const TERM_STATUS_LABELS = { pending: 'Aguardando aceite', accepted: 'Aceito', void: 'Substituído ou cancelado' } as const;

export const isLoanType = (type: MovementType) => type !== 'transfer';
