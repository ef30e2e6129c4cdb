import { trpc } from '../../../lib/trpc';
import type { Option } from '../../../ui/Field';

const indent = (depth: number) => '\u00a0\u00a0'.repeat(depth);

/** The tenant's categories as select options, indented by their depth in the tree; the first means "no category". */
export function useCategoryOptions(): Option[] {
  const categories = trpc.inventory.categories.list.useQuery();
  return [
    { value: '', label: 'Sem categoria' },
    ...(categories.data ?? []).map((category) => ({ value: category.id, label: `${indent(category.depth)}${category.name}` })),
  ];
}

/** The tenant's locations as select options, indented by their depth (unit → building → floor → room). */
export function useLocationOptions(): Option[] {
  const locations = trpc.inventory.locations.list.useQuery();
  return [
    { value: '', label: 'Escolha a localização' },
    ...(locations.data ?? []).map((location) => ({
      value: location.id,
      label: `${indent(location.depth)}${location.name} (${location.code})`,
    })),
  ];
}

/** The active suppliers as select options. */
export function useSupplierOptions(): Option[] {
  const suppliers = trpc.inventory.suppliers.list.useQuery();
  return [
    { value: '', label: 'Escolha o fornecedor' },
    ...(suppliers.data ?? []).map((supplier) => ({ value: supplier.id, label: `${supplier.name} · ${supplier.cnpjFormatted}` })),
  ];
}
