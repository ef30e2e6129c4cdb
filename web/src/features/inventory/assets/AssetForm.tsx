import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { fieldErrorsOf, type FieldErrors } from '../../../lib/errors';
import { centsToInput, parseReais } from '../../../lib/money';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { CustomFieldInputs, customFieldErrorsOf, textsOf, valuesOf } from './CustomFieldInputs';
import { EDITABLE_STATUSES, LIFECYCLE_LABELS, STATUS_LABELS } from './labels';
import { categoryOptions, placeOptions } from './options';
import type { AssetDetail, AssetStatus, Category, LifecycleState } from './types';

const FIELDS = [
  'name',
  'categoryId',
  'locationId',
  'supplierId',
  'patrimonio',
  'serialNumber',
  'purchaseValueCents',
  'purchaseDate',
  'status',
  'lifecycleState',
  'notes',
  'customFields',
];

const initialValues = (asset: AssetDetail | null) => ({
  name: asset?.name ?? '',
  categoryId: asset?.categoryId ?? '',
  locationId: asset?.locationId ?? '',
  supplierId: asset?.supplierId ?? '',
  patrimonio: asset?.patrimonio ?? '',
  serialNumber: asset?.serialNumber ?? '',
  value: asset?.purchaseValueCents === null || asset === null ? '' : centsToInput(asset.purchaseValueCents),
  purchaseDate: asset?.purchaseDate ?? '',
  status: (asset?.status ?? 'available') as AssetStatus,
  lifecycleState: (asset?.lifecycleState ?? 'in_service') as LifecycleState,
  notes: asset?.notes ?? '',
});

/** The fields an asset of the category carries: those above it first, then its own. */
export const fieldsOfCategory = (categories: readonly Category[] | undefined, categoryId: string) => {
  const category = categories?.find((candidate) => candidate.id === categoryId);
  return category ? [...category.inheritedFields, ...category.customFields] : [];
};

/** Creates an asset (its tag comes from the tenant's numbering), or edits one; the category's fields appear with it. */
export function AssetForm({ asset, onDone }: { asset: AssetDetail | null; onDone?: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const canSeeSuppliers = useCan('inventory.purchasing.read');
  const categories = trpc.inventory.categories.list.useQuery();
  const places = trpc.inventory.locations.list.useQuery();
  const suppliers = trpc.inventory.suppliers.list.useQuery({}, { enabled: canSeeSuppliers });
  const [initial] = useState(() => initialValues(asset));
  const form = useFormValues(initial);
  const fields = fieldsOfCategory(categories.data, form.values.categoryId);
  const [customTexts, setCustomTexts] = useState(() => textsOf(asset?.customFields ?? {}));
  const [valueError, setValueError] = useState<string | undefined>();
  const onSuccess = (saved: { tag: string; name: string }) => {
    toast.success(asset ? `Ativo ${saved.tag} salvo` : `Ativo ${saved.tag} cadastrado`);
    void utils.inventory.invalidate();
    if (!asset) {
      form.reset();
      setCustomTexts({});
    }
    onDone?.();
  };
  const create = trpc.inventory.assets.create.useMutation({ onSuccess });
  const update = trpc.inventory.assets.update.useMutation({ onSuccess });
  const current = asset ? update : create;
  const errors: FieldErrors = { ...fieldErrorsOf(current.error), ...(valueError ? { purchaseValueCents: valueError } : {}) };
  const statusEditable = EDITABLE_STATUSES.includes(form.values.status);

  const submit = () => {
    const { value, name, categoryId, locationId, supplierId, patrimonio, serialNumber, purchaseDate, status, lifecycleState, notes } =
      form.values;
    const cents = value.trim() ? parseReais(value) : null;
    if (cents !== null && !Number.isFinite(cents)) {
      setValueError('Valor inválido: escreva em reais, como 1.234,56');
      return;
    }
    setValueError(undefined);
    const input = {
      name,
      categoryId: categoryId || null,
      locationId: locationId || null,
      ...(canSeeSuppliers ? { supplierId: supplierId || null } : {}),
      patrimonio: patrimonio || null,
      serialNumber: serialNumber || null,
      purchaseValueCents: cents,
      purchaseDate: purchaseDate || null,
      lifecycleState,
      notes,
      customFields: valuesOf(fields, customTexts),
      ...(statusEditable ? { status: status as 'available' | 'in_use' | 'disposed' } : {}),
    };
    if (asset) update.mutate({ id: asset.id, ...input, ...(asset.locationId === input.locationId ? { locationId: undefined } : {}) });
    else create.mutate(input);
  };

  return (
    <MutationFormCard
      title={asset ? `Editar ${asset.tag}` : 'Novo ativo'}
      description={asset ? undefined : 'A etiqueta é numerada automaticamente.'}
      submitLabel={asset ? 'Salvar ativo' : 'Cadastrar ativo'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="asset-form"
    >
      <TextField label="Nome do ativo" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <SelectField
        label="Categoria"
        options={categoryOptions(categories.data, 'Sem categoria')}
        {...form.bind('categoryId')}
        error={errors.categoryId}
      />
      <SelectField
        label="Localização"
        options={placeOptions(places.data, 'Sem localização')}
        {...form.bind('locationId')}
        error={errors.locationId}
      />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Patrimônio" autoComplete="off" {...form.bind('patrimonio')} error={errors.patrimonio} />
        <TextField label="Número de série" autoComplete="off" {...form.bind('serialNumber')} error={errors.serialNumber} />
        <TextField label="Valor de compra (R$)" inputMode="decimal" {...form.bind('value')} error={errors.purchaseValueCents} />
        <TextField label="Data de compra" type="date" {...form.bind('purchaseDate')} error={errors.purchaseDate} />
      </div>
      {canSeeSuppliers && (
        <SelectField
          label="Fornecedor"
          options={[
            { value: '', label: 'Sem fornecedor' },
            ...(suppliers.data ?? []).map((supplier) => ({ value: supplier.id, label: supplier.name })),
          ]}
          {...form.bind('supplierId')}
          error={errors.supplierId}
        />
      )}
      <div className="grid grid-cols-2 gap-3">
        <SelectField
          label="Situação"
          disabled={!statusEditable}
          options={(statusEditable ? EDITABLE_STATUSES : [form.values.status]).map((status) => ({
            value: status,
            label: STATUS_LABELS[status],
          }))}
          {...form.bind('status')}
          error={errors.status}
          hint={statusEditable ? undefined : 'Muda com a devolução ou a ordem de serviço.'}
        />
        <SelectField
          label="Ciclo de vida"
          options={Object.entries(LIFECYCLE_LABELS).map(([value, label]) => ({ value, label }))}
          {...form.bind('lifecycleState')}
          error={errors.lifecycleState}
        />
      </div>
      <CustomFieldInputs fields={fields} texts={customTexts} onChange={setCustomTexts} errors={customFieldErrorsOf(current.error)} />
      <TextAreaField
        label="Observações"
        value={form.values.notes}
        onChange={(event) => form.set('notes', event.target.value)}
        error={errors.notes}
      />
      {asset && onDone && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
