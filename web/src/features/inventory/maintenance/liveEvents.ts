import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';

/** Orders change under the page (someone moves one, the plans job opens one, the SLA job warns): refresh the maintenance lists. */
export function useMaintenanceLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    if (event.type.startsWith('inventory.maintenance.')) void utils.inventory.maintenance.invalidate();
  });
}
