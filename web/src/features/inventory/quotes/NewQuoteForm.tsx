import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { emptyItemRow, ItemRowsEditor, itemsFromRows, type ItemRow } from '../purchases/ItemRowsEditor';

type Quote = RouterOutputs['inventory']['quotes']['get'];

/** A new quote request (orçamento): what to buy, item by item, before asking suppliers for prices. */
export function NewQuoteForm({ onCreated }: { onCreated: (quote: Quote) => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [title, setTitle] = useState('');
  const [rows, setRows] = useState<ItemRow[]>(() => [emptyItemRow()]);
  const [itemsError, setItemsError] = useState<string | undefined>();
  const create = trpc.inventory.quotes.create.useMutation({
    onSuccess: (quote) => {
      toast.success(`Orçamento "${quote.title}" aberto`);
      setTitle('');
      setRows([emptyItemRow()]);
      void utils.inventory.quotes.list.invalidate();
      onCreated(quote);
    },
  });
  const errors = fieldErrorsOf(create.error);
  const submit = () => {
    const typed = itemsFromRows(rows, false);
    if ('error' in typed) return setItemsError(typed.error);
    setItemsError(undefined);
    create.mutate({ title, items: typed.items.map(({ categoryId, description, quantity }) => ({ categoryId, description, quantity })) });
  };
  return (
    <MutationFormCard
      title="Novo orçamento"
      description="Liste os itens; depois registre o orçamento de cada fornecedor e compare."
      submitLabel="Abrir orçamento"
      mutation={create}
      fields={['title', 'items']}
      onSubmit={submit}
      testId="new-quote-form"
    >
      <TextField
        label="Título do orçamento"
        autoComplete="off"
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        error={errors.title}
      />
      <ItemRowsEditor rows={rows} onChange={setRows} error={itemsError ?? errors.items} />
    </MutationFormCard>
  );
}
