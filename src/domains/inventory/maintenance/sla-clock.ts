import type { InventoryMaintenanceContract, InventoryMaintenanceOrder, InventoryPriority, InventorySla } from '../../../db/schema';

/* The SLA clock of a maintenance order: its deadlines under a contract, and where each stands at a given time. */

const HOUR_MS = 3_600_000;

export type SlaDeadline = 'respond' | 'resolve';
export const SLA_DEADLINES: readonly SlaDeadline[] = ['respond', 'resolve'];

/**
 * A deadline as the order shows it: running, in its warning stretch, breached; or, once the
 * order responded (or was resolved), met or missed; stopped when the order was cancelled.
 */
export type SlaState = 'running' | 'warning' | 'breached' | 'met' | 'missed' | 'stopped';

export interface SlaClock {
  deadline: string;
  /** When the warning stretch starts (the tenant's warning percent of the window). */
  warnsAt: string;
  state: SlaState;
  /** Until the deadline (negative once past it), at the time of reading; the page counts down from `deadline`. */
  remainingMs: number;
  /** When it was met: the first response, or the close. */
  doneAt: string | null;
}

export const ACTIVE_ORDER_STATUSES = ['open', 'in_progress', 'waiting_parts'] as const;

/** The order's deadlines under a contract, counted from when it was opened. */
export function deadlinesOf(sla: InventorySla, priority: InventoryPriority, openedAt: Date): { respondBy: Date; resolveBy: Date } {
  const level = sla[priority];
  return {
    respondBy: new Date(openedAt.getTime() + level.respondHours * HOUR_MS),
    resolveBy: new Date(openedAt.getTime() + level.resolveHours * HOUR_MS),
  };
}

/** Whether the contract covers the day ('YYYY-MM-DD', in the tenant's zone). */
export const contractInForce = (contract: Pick<InventoryMaintenanceContract, 'start_date' | 'end_date'>, day: string) =>
  contract.start_date <= day && (contract.end_date === null || day <= contract.end_date);

export function warnsAt(openedAt: Date, deadline: Date, warningPercent: number): Date {
  return new Date(openedAt.getTime() + ((deadline.getTime() - openedAt.getTime()) * warningPercent) / 100);
}

type ClockedOrder = Pick<InventoryMaintenanceOrder, 'created_at' | 'status' | 'responded_at' | 'closed_at' | 'respond_by' | 'resolve_by'>;

/** One deadline's clock at `now`; null when the order has no such deadline (no contract). */
export function slaClock(order: ClockedOrder, deadline: SlaDeadline, warningPercent: number, now: Date): SlaClock | null {
  const by = deadline === 'respond' ? order.respond_by : order.resolve_by;
  if (!by) return null;
  const doneAt = deadline === 'respond' ? order.responded_at : order.status === 'done' ? order.closed_at : null;
  const warning = warnsAt(order.created_at, by, warningPercent);
  const state: SlaState = doneAt
    ? doneAt <= by
      ? 'met'
      : 'missed'
    : order.status === 'cancelled' || order.status === 'done'
      ? 'stopped'
      : now > by
        ? 'breached'
        : now >= warning
          ? 'warning'
          : 'running';
  return {
    deadline: by.toISOString(),
    warnsAt: warning.toISOString(),
    state,
    remainingMs: by.getTime() - now.getTime(),
    doneAt: doneAt?.toISOString() ?? null,
  };
}
