import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { SelectField, TextField, type Option } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { movementPath } from '../paths';
import { isLoanType, TYPE_LABELS } from './labels';
import type { MovementType } from './types';

/** The fields that show their own errors (a loan's nested format errors go to the banner). */
const FIELDS = ['assetId', 'type', 'toLocationId', 'reason', 'borrowerUserId', 'borrowerName', 'document', 'dueDate'];
const SEARCH_DEBOUNCE_MS = 250;

const EMPTY = {
  search: '',
  assetId: '',
  type: 'loan_external' as MovementType,
  toLocationId: '',
  reason: '',
  borrowerUserId: '',
  borrowerName: '',
  document: '',
  email: '',
  phone: '',
  dueDate: '',
};

const optional = (value: string) => (value.trim() ? value.trim() : undefined);

/** "Nova movimentação": an asset, the kind, and where it goes or who takes it until when. */
export function NewMovementForm({ initialAssetId }: { initialAssetId?: string | undefined }) {
  const toast = useToast();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const initial = useMemo(() => ({ ...EMPTY, assetId: initialAssetId ?? '' }), [initialAssetId]);
  const form = useFormValues(initial);
  const { values } = form;
  const search = useDebouncedValue(values.search.trim(), SEARCH_DEBOUNCE_MS);
  const assets = trpc.inventory.assets.list.useQuery(
    { ...(search ? { q: search } : {}), limit: 50 },
    { placeholderData: (previous) => previous },
  );
  const locations = trpc.inventory.locations.list.useQuery();
  const loan = isLoanType(values.type);
  const borrowers = trpc.inventory.loans.borrowers.useQuery(undefined, { enabled: values.type === 'loan_internal' });
  const request = trpc.inventory.movements.request.useMutation({
    onSuccess: (movement) => {
      toast.success(`Movimentação de ${movement.asset.tag} pedida`);
      form.reset();
      void utils.inventory.movements.list.invalidate();
      void navigate(movementPath(movement.id));
    },
  });
  const errors = fieldErrorsOf(request.error);

  const assetOptions: Option[] = [
    { value: '', label: assets.isPending ? 'Carregando…' : 'Escolha o ativo' },
    ...(assets.data?.items ?? []).map((asset) => ({ value: asset.id, label: `${asset.tag} · ${asset.name}` })),
  ];
  const locationOptions: Option[] = [
    { value: '', label: 'Escolha o destino' },
    ...(locations.data ?? []).map((location) => ({
      value: location.id,
      label: `${'\u00a0\u00a0'.repeat(location.depth)}${location.name} (${location.code})`,
    })),
  ];
  const borrowerOptions: Option[] = [
    { value: '', label: 'Escolha o colaborador' },
    ...(borrowers.data ?? []).map((person) => ({ value: person.id, label: `${person.name} · ${person.email}` })),
  ];

  const submit = () => {
    request.mutate({
      assetId: values.assetId,
      type: values.type,
      reason: values.reason,
      ...(loan
        ? {
            loan: {
              ...(values.type === 'loan_internal'
                ? { borrowerUserId: optional(values.borrowerUserId) }
                : { borrowerName: optional(values.borrowerName) }),
              document: optional(values.document),
              email: optional(values.email),
              phone: optional(values.phone),
              dueDate: values.dueDate,
            },
          }
        : { toLocationId: optional(values.toLocationId) }),
    });
  };

  return (
    <MutationFormCard
      title="Nova movimentação"
      description="Transferências vão para aprovação de quem gerencia o destino; empréstimos, de quem gerencia de onde o ativo sai."
      submitLabel="Pedir movimentação"
      mutation={request}
      fields={FIELDS}
      onSubmit={submit}
      testId="new-movement-form"
    >
      <TextField label="Buscar ativo" placeholder="Etiqueta, série, patrimônio ou nome" autoComplete="off" {...form.bind('search')} />
      <SelectField label="Ativo" options={assetOptions} {...form.bind('assetId')} error={errors.assetId} />
      <SelectField
        label="Tipo"
        options={Object.entries(TYPE_LABELS).map(([value, label]) => ({ value, label }))}
        {...form.bind('type')}
        error={errors.type}
      />
      {!loan && (
        <SelectField label="Localização de destino" options={locationOptions} {...form.bind('toLocationId')} error={errors.toLocationId} />
      )}
      {values.type === 'loan_internal' && (
        <SelectField label="Colaborador" options={borrowerOptions} {...form.bind('borrowerUserId')} error={errors.borrowerUserId} />
      )}
      {values.type === 'loan_external' && (
        <>
          <TextField label="Nome do tomador" autoComplete="off" {...form.bind('borrowerName')} error={errors.borrowerName} />
          <TextField label="Documento (CPF, CNPJ ou RG)" autoComplete="off" {...form.bind('document')} error={errors.document} />
        </>
      )}
      {loan && (
        <>
          <TextField label="E-mail do tomador" type="email" autoComplete="off" {...form.bind('email')} />
          <TextField label="Telefone do tomador" type="tel" autoComplete="off" {...form.bind('phone')} />
          <TextField
            label="Devolver até"
            type="date"
            {...form.bind('dueDate')}
            error={errors.dueDate}
            hint="Vence no fim do dia escolhido."
          />
        </>
      )}
      <TextAreaField
        label="Motivo"
        value={values.reason}
        onChange={(event) => form.set('reason', event.target.value)}
        error={errors.reason}
      />
    </MutationFormCard>
  );
}
