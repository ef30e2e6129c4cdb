import { useState } from 'react';
import { formatCnpj, isValidCnpj } from '../../../../../src/domains/inventory/cnpj';
import { fieldErrorsOf, type FieldErrors } from '../../../lib/errors';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxField } from '../../../ui/CheckboxField';
import { TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';

export type Supplier = RouterOutputs['inventory']['suppliers']['list'][number];

const FIELDS = ['name', 'cnpj', 'contact', 'email', 'phone'];

const valuesOf = (supplier: Supplier | null) => ({
  name: supplier?.name ?? '',
  cnpj: supplier?.cnpjFormatted ?? '',
  contact: supplier?.contact ?? '',
  email: supplier?.email ?? '',
  phone: supplier?.phone ?? '',
  active: supplier?.active ?? true,
});

/** Creates a supplier, or edits the one picked; the CNPJ is masked while typed and its check digits checked before sending. */
export function SupplierForm({ supplier, onDone }: { supplier: Supplier | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(supplier));
  const [cnpjError, setCnpjError] = useState<string | undefined>();
  const onSuccess = (saved: Supplier) => {
    toast.success(supplier ? `Fornecedor ${saved.name} salvo` : `Fornecedor ${saved.name} cadastrado`);
    form.reset();
    onDone();
    void utils.inventory.suppliers.list.invalidate();
  };
  const create = trpc.inventory.suppliers.create.useMutation({ onSuccess });
  const update = trpc.inventory.suppliers.update.useMutation({ onSuccess });
  const current = supplier ? update : create;
  const errors: FieldErrors = { ...fieldErrorsOf(current.error), ...(cnpjError ? { cnpj: cnpjError } : {}) };
  const { name, cnpj, contact, email, phone, active } = form.values;
  const submit = () => {
    if (!isValidCnpj(cnpj)) {
      setCnpjError('CNPJ inválido: confira os 14 caracteres e os dígitos verificadores');
      return;
    }
    setCnpjError(undefined);
    const input = { name, cnpj, contact, email, phone };
    if (supplier) update.mutate({ id: supplier.id, ...input, active });
    else create.mutate(input);
  };
  return (
    <MutationFormCard
      title={supplier ? `Editar ${supplier.name}` : 'Novo fornecedor'}
      description="CNPJ numérico ou alfanumérico (letras e números nas 12 primeiras posições)."
      submitLabel={supplier ? 'Salvar fornecedor' : 'Cadastrar fornecedor'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="supplier-form"
    >
      <TextField label="Nome do fornecedor" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField
        label="CNPJ"
        autoComplete="off"
        placeholder="12.ABC.345/01DE-35"
        className="font-mono uppercase"
        value={cnpj}
        onChange={(event) => {
          setCnpjError(undefined);
          form.set('cnpj', formatCnpj(event.target.value));
        }}
        error={errors.cnpj}
      />
      <TextField label="Contato" autoComplete="off" {...form.bind('contact')} error={errors.contact} />
      <TextField label="E-mail" type="email" autoComplete="off" {...form.bind('email')} error={errors.email} />
      <TextField label="Telefone" type="tel" autoComplete="off" {...form.bind('phone')} error={errors.phone} />
      {supplier && <CheckboxField label="Ativo" checked={active} onChange={(checked) => form.set('active', checked)} />}
      {supplier && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
