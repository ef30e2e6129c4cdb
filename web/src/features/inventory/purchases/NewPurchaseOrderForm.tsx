import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { SelectField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useSupplierOptions } from './catalogueOptions';
import { emptyItemRow, ItemRowsEditor, itemsFromRows, type ItemRow } from './ItemRowsEditor';

/** A purchase order made directly (without quotes): supplier, items with their unit values, notes. */
export function NewPurchaseOrderForm({ onCreated }: { onCreated: (orderId: string) => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const supplierOptions = useSupplierOptions();
  const [supplierId, setSupplierId] = useState('');
  const [rows, setRows] = useState<ItemRow[]>(() => [emptyItemRow()]);
  const [notes, setNotes] = useState('');
  const [itemsError, setItemsError] = useState<string | undefined>();
  const create = trpc.inventory.purchaseOrders.create.useMutation({
    onSuccess: (order) => {
      toast.success(`Pedido de compra nº ${order.number} criado; aguarda aprovação`);
      setSupplierId('');
      setRows([emptyItemRow()]);
      setNotes('');
      void utils.inventory.purchaseOrders.list.invalidate();
      onCreated(order.id);
    },
  });
  const errors = fieldErrorsOf(create.error);
  const submit = () => {
    const typed = itemsFromRows(rows, true);
    if ('error' in typed) return setItemsError(typed.error);
    setItemsError(undefined);
    create.mutate({ supplierId, items: typed.items, notes });
  };
  return (
    <MutationFormCard
      title="Novo pedido de compra"
      description="Compra direta, sem orçamento. Outra pessoa com permissão aprova."
      submitLabel="Criar pedido"
      mutation={create}
      fields={['supplierId', 'items', 'notes']}
      onSubmit={submit}
      testId="new-purchase-order-form"
    >
      <SelectField
        label="Fornecedor"
        options={supplierOptions}
        value={supplierId}
        onChange={(event) => setSupplierId(event.target.value)}
        error={errors.supplierId}
      />
      <ItemRowsEditor rows={rows} onChange={setRows} withUnitValue error={itemsError ?? errors.items} />
      <TextAreaField label="Observações" value={notes} onChange={(event) => setNotes(event.target.value)} error={errors.notes} />
    </MutationFormCard>
  );
}
