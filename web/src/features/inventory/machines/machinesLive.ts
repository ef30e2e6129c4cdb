import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';

/**
 * Keeps Máquinas and Ocorrências in step with the live stream: a machine coming online or
 * registering refreshes the machines, alerts and tickets refresh their lists.
 */
export function useMachinesLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    switch (event.type) {
      case 'inventory.machine.heartbeat':
      case 'inventory.machine.registered':
        void utils.inventory.machines.invalidate();
        break;
      case 'inventory.alert.raised':
      case 'inventory.alert.acknowledged':
        void utils.inventory.alerts.list.invalidate();
        void utils.inventory.machines.get.invalidate();
        break;
      case 'inventory.ticket.created':
      case 'inventory.ticket.updated':
        void utils.inventory.tickets.list.invalidate();
        void utils.inventory.machines.get.invalidate();
        break;
      default:
        break;
    }
  });
}

/** An offline machine shows once its silence passes the setting (no event marks it): the lists poll this often. */
export const MACHINES_REFRESH_MS = 30_000;
