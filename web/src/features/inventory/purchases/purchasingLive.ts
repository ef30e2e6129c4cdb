import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';

/**
 * Keeps the purchasing pages (Fornecedores, Orçamentos, Compras) in step with the live stream: a
 * supplier, quote or order changed by anyone refreshes the lists that show it, and a category or
 * location change refreshes the pickers.
 */
export function usePurchasingLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    switch (event.type) {
      case 'inventory.supplier.changed':
        void utils.inventory.suppliers.list.invalidate();
        break;
      case 'inventory.quote.updated':
        void utils.inventory.quotes.invalidate();
        break;
      case 'inventory.purchase.updated':
        // A chosen quote shows its order's number.
        void utils.inventory.purchaseOrders.invalidate();
        void utils.inventory.quotes.invalidate();
        break;
      case 'inventory.category.changed':
        void utils.inventory.categories.list.invalidate();
        break;
      case 'inventory.location.changed':
        void utils.inventory.locations.list.invalidate();
        break;
      default:
        break;
    }
  });
}
