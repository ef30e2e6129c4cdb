import { parseReais } from '../../../lib/money';
import { wholeNumber } from '../../../lib/numbers';
import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { useCategoryOptions } from './catalogueOptions';

/** One line of a quote request or order as typed: numbers stay text until submit. */
export interface ItemRow {
  key: number;
  description: string;
  quantity: string;
  categoryId: string;
  /** Orders only: the unit value in reais, as typed ("1.234,56"). */
  unitValue: string;
}

let nextKey = 1;
export const emptyItemRow = (): ItemRow => ({ key: nextKey++, description: '', quantity: '1', categoryId: '', unitValue: '' });

/** The items of a quote request or a purchase order: each with its description, quantity, category (and unit value). */
export function ItemRowsEditor({
  rows,
  onChange,
  withUnitValue = false,
  error,
}: {
  rows: readonly ItemRow[];
  onChange: (rows: ItemRow[]) => void;
  withUnitValue?: boolean;
  error?: string | undefined;
}) {
  const categoryOptions = useCategoryOptions();
  const update = (key: number, change: Partial<ItemRow>) => onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-zinc-700">Itens</legend>
      {rows.map((row, index) => {
        const n = index + 1;
        return (
          <div key={row.key} className="space-y-2 rounded-md border border-zinc-200 p-3" data-testid="item-row">
            <TextField
              label={`Descrição do item ${n}`}
              value={row.description}
              onChange={(event) => update(row.key, { description: event.target.value })}
            />
            <div className="grid grid-cols-2 gap-2">
              <TextField
                label={`Quantidade do item ${n}`}
                inputMode="numeric"
                value={row.quantity}
                onChange={(event) => update(row.key, { quantity: event.target.value })}
              />
              {withUnitValue && (
                <TextField
                  label={`Valor unitário do item ${n} (R$)`}
                  inputMode="decimal"
                  placeholder="0,00"
                  value={row.unitValue}
                  onChange={(event) => update(row.key, { unitValue: event.target.value })}
                />
              )}
            </div>
            <SelectField
              label={`Categoria do item ${n}`}
              options={categoryOptions}
              value={row.categoryId}
              onChange={(event) => update(row.key, { categoryId: event.target.value })}
            />
            {rows.length > 1 && (
              <Button size="sm" tone="ghost" onClick={() => onChange(rows.filter((other) => other.key !== row.key))}>
                Remover item {n}
              </Button>
            )}
          </div>
        );
      })}
      {error && (
        <p className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      )}
      <Button size="sm" onClick={() => onChange([...rows, emptyItemRow()])}>
        Adicionar item
      </Button>
    </fieldset>
  );
}

export interface TypedItem {
  categoryId: string | null;
  description: string;
  quantity: number;
  unitValueCents: number;
}

/** The rows as the server takes them, or the first row whose number cannot be read (for the message beside the items). */
export function itemsFromRows(rows: readonly ItemRow[], withUnitValue: boolean): { items: TypedItem[] } | { error: string } {
  const items: TypedItem[] = [];
  for (const [index, row] of rows.entries()) {
    const quantity = wholeNumber(row.quantity);
    if (!Number.isFinite(quantity)) return { error: `Item ${index + 1}: a quantidade é um número inteiro` };
    const unitValueCents = withUnitValue ? parseReais(row.unitValue) : 0;
    if (!Number.isFinite(unitValueCents)) return { error: `Item ${index + 1}: valor em reais, como 1.234,56` };
    items.push({ categoryId: row.categoryId || null, description: row.description, quantity, unitValueCents });
  }
  return { items };
}
