import type { EventType } from '../../../lib/appEvents';
import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';

/** What changes an asset, a place or a category, or moves an asset or changes its status (movements, orders, audits). */
export const touchesAssets = (type: EventType) =>
  type.startsWith('inventory.asset.') ||
  type.startsWith('inventory.movement.') ||
  type.startsWith('inventory.maintenance.') ||
  type === 'inventory.audit.corrected' ||
  type === 'inventory.location.changed' ||
  type === 'inventory.category.changed';

/** Keeps the assets part's lists, counts and charts in step with the live stream. */
export function useAssetsLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    if (!touchesAssets(event.type)) return;
    void utils.inventory.assets.invalidate();
    void utils.inventory.attachments.invalidate();
    void utils.inventory.dashboard.invalidate();
    void utils.inventory.locations.invalidate();
    void utils.inventory.categories.invalidate();
  });
}
