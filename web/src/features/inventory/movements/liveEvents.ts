import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';

/** Movements, loans and terms change under the page (someone approves, a borrower accepts, the reminder job runs): refresh them. */
export function useMovementsLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    if (!event.type.startsWith('inventory.movement.')) return;
    void utils.inventory.movements.invalidate();
    void utils.inventory.loans.list.invalidate();
  });
}
