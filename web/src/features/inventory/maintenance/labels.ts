import type { RouterOutputs } from '../../../lib/trpc';

export type OrderView = RouterOutputs['inventory']['maintenance']['orders']['get'];
export type OrderStatus = OrderView['status'];
export type OrderTarget = OrderView['moves'][number];
export type Priority = OrderView['priority'];
export type SlaClockView = NonNullable<OrderView['sla']['respond']>;
export type PlanView = RouterOutputs['inventory']['maintenance']['plans']['get'];
export type ContractView = RouterOutputs['inventory']['maintenance']['contracts']['get'];

type Tone = 'green' | 'red' | 'amber' | 'zinc' | 'blue';

export const PRIORITIES: Record<Priority, { label: string; tone: Tone }> = {
  low: { label: 'Baixa', tone: 'zinc' },
  medium: { label: 'Média', tone: 'blue' },
  high: { label: 'Alta', tone: 'amber' },
  critical: { label: 'Crítica', tone: 'red' },
};
export const PRIORITY_ORDER: readonly Priority[] = ['low', 'medium', 'high', 'critical'];

export const ORDER_STATUS: Record<OrderStatus, { label: string; tone: Tone }> = {
  open: { label: 'Aberta', tone: 'blue' },
  in_progress: { label: 'Em andamento', tone: 'amber' },
  waiting_parts: { label: 'Aguardando peças', tone: 'amber' },
  done: { label: 'Concluída', tone: 'green' },
  cancelled: { label: 'Cancelada', tone: 'zinc' },
};

/** The buttons of the state machine, by where they take the order. */
export const MOVE_LABELS: Record<OrderTarget, string> = {
  in_progress: 'Iniciar atendimento',
  waiting_parts: 'Aguardando peças',
  done: 'Concluir',
  cancelled: 'Cancelar ordem',
};

export const PERIOD_LABELS = { interval: 'Por intervalo', date: 'Por data' } as const;

export const priorityOptions = PRIORITY_ORDER.map((value) => ({ value, label: PRIORITIES[value].label }));

/** 'YYYY-MM-DD' as the page shows it: "10/12/2026". */
export const formatDay = (day: string | null) => (day ? day.split('-').reverse().join('/') : '—');
