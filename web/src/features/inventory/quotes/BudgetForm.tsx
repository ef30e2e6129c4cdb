import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { parseReais } from '../../../lib/money';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useSupplierOptions } from '../purchases/catalogueOptions';

type Quote = RouterOutputs['inventory']['quotes']['get'];

const FIELDS = ['supplierId', 'items', 'validUntil', 'deliveryDays', 'notes'];

/** One supplier's answer to the request: a unit price per item, its validity and delivery time. */
export function BudgetForm({ quote }: { quote: Quote }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const answered = new Set(quote.budgets.map((budget) => budget.supplierId));
  const supplierOptions = useSupplierOptions().filter((option) => !answered.has(option.value));
  const [supplierId, setSupplierId] = useState('');
  const [prices, setPrices] = useState<Record<string, string>>({});
  const [validUntil, setValidUntil] = useState('');
  const [deliveryDays, setDeliveryDays] = useState('');
  const [notes, setNotes] = useState('');
  const numbers = useNumberChecks();
  const add = trpc.inventory.quotes.addBudget.useMutation({
    onSuccess: (updated) => {
      toast.success('Orçamento do fornecedor registrado');
      setSupplierId('');
      setPrices({});
      setValidUntil('');
      setDeliveryDays('');
      setNotes('');
      utils.inventory.quotes.get.setData({ id: updated.id }, updated);
      void utils.inventory.quotes.list.invalidate();
    },
  });
  const errors = { ...fieldErrorsOf(add.error), ...numbers.errors };
  const submit = () => {
    const cents = Object.fromEntries(quote.items.map((item) => [`price-${item.id}`, parseReais(prices[item.id] ?? '')]));
    const days = deliveryDays.trim() ? wholeNumber(deliveryDays) : null;
    const messages = Object.fromEntries(Object.keys(cents).map((key) => [key, 'Valor em reais, como 1.234,56']));
    if (!numbers.allValid({ ...cents, ...(days === null ? {} : { deliveryDays: days }) }, messages)) return;
    add.mutate({
      quoteRequestId: quote.id,
      supplierId,
      items: quote.items.map((item) => ({ requestItemId: item.id, unitValueCents: cents[`price-${item.id}`]! })),
      validUntil: validUntil || null,
      deliveryDays: days,
      notes,
    });
  };
  return (
    <MutationFormCard
      title="Registrar orçamento de fornecedor"
      submitLabel="Adicionar orçamento"
      mutation={add}
      fields={FIELDS}
      onSubmit={submit}
      testId="budget-form"
    >
      <SelectField
        label="Fornecedor do orçamento"
        options={supplierOptions}
        value={supplierId}
        onChange={(event) => setSupplierId(event.target.value)}
        error={errors.supplierId}
      />
      {quote.items.map((item, index) => (
        <TextField
          key={item.id}
          label={`Preço unitário do item ${index + 1} — ${item.description} (R$)`}
          inputMode="decimal"
          placeholder="0,00"
          value={prices[item.id] ?? ''}
          onChange={(event) => setPrices({ ...prices, [item.id]: event.target.value })}
          error={errors[`price-${item.id}`]}
          hint={`${item.quantity} unidade(s)`}
        />
      ))}
      {errors.items && (
        <p className="text-xs text-red-600" data-testid="field-error">
          {errors.items}
        </p>
      )}
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label="Validade"
          type="date"
          value={validUntil}
          onChange={(event) => setValidUntil(event.target.value)}
          error={errors.validUntil}
        />
        <TextField
          label="Prazo de entrega (dias)"
          inputMode="numeric"
          value={deliveryDays}
          onChange={(event) => setDeliveryDays(event.target.value)}
          error={errors.deliveryDays}
        />
      </div>
      <TextAreaField
        label="Observações do fornecedor"
        value={notes}
        onChange={(event) => setNotes(event.target.value)}
        error={errors.notes}
      />
    </MutationFormCard>
  );
}
