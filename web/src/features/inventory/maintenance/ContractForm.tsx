import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { PRIORITIES, PRIORITY_ORDER, type ContractView, type Priority } from './labels';

const FIELDS = ['supplierId', 'name', 'startDate', 'endDate', 'sla', 'notes'];
type Hours = Record<Priority, { respondHours: string; resolveHours: string }>;
const DEFAULT_HOURS: Hours = {
  low: { respondHours: '24', resolveHours: '120' },
  medium: { respondHours: '8', resolveHours: '48' },
  high: { respondHours: '4', resolveHours: '24' },
  critical: { respondHours: '1', resolveHours: '8' },
};

const valuesOf = (contract: ContractView | null) => ({
  supplierId: contract?.supplier.id ?? '',
  name: contract?.name ?? '',
  startDate: contract?.startDate ?? '',
  endDate: contract?.endDate ?? '',
  notes: contract?.notes ?? '',
  hours: contract
    ? (Object.fromEntries(
        PRIORITY_ORDER.map((priority) => [
          priority,
          { respondHours: String(contract.sla[priority].respondHours), resolveHours: String(contract.sla[priority].resolveHours) },
        ]),
      ) as Hours)
    : DEFAULT_HOURS,
});

/** A maintenance contract: the supplier, its dates and, for each priority, the hours to respond and to resolve. */
export function ContractForm({ contract, onDone }: { contract: ContractView | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(contract));
  const numbers = useNumberChecks();
  const suppliers = trpc.inventory.suppliers.list.useQuery({});
  const onSuccess = (saved: ContractView) => {
    toast.success(`${contract ? 'Contrato salvo' : 'Contrato criado'}: ${saved.name}`);
    form.reset();
    onDone();
    void utils.inventory.maintenance.contracts.invalidate();
  };
  const create = trpc.inventory.maintenance.contracts.create.useMutation({ onSuccess });
  const update = trpc.inventory.maintenance.contracts.update.useMutation({ onSuccess });
  const current = contract ? update : create;
  const errors = { ...fieldErrorsOf(current.error), ...numbers.errors };
  const { values } = form;
  const setHours = (priority: Priority, key: 'respondHours' | 'resolveHours', value: string) =>
    form.set('hours', { ...values.hours, [priority]: { ...values.hours[priority], [key]: value } });
  const submit = () => {
    const typed = Object.fromEntries(
      PRIORITY_ORDER.flatMap((priority) => [
        [`${priority}.respondHours`, wholeNumber(values.hours[priority].respondHours)],
        [`${priority}.resolveHours`, wholeNumber(values.hours[priority].resolveHours)],
      ]),
    ) as Record<string, number>;
    if (!numbers.allValid(typed, {})) return;
    const sla = Object.fromEntries(
      PRIORITY_ORDER.map((priority) => [
        priority,
        { respondHours: typed[`${priority}.respondHours`]!, resolveHours: typed[`${priority}.resolveHours`]! },
      ]),
    ) as Record<Priority, { respondHours: number; resolveHours: number }>;
    const fields = { name: values.name, startDate: values.startDate, endDate: values.endDate || null, sla, notes: values.notes };
    if (contract) update.mutate({ id: contract.id, ...fields });
    else create.mutate({ supplierId: values.supplierId, ...fields });
  };
  return (
    <MutationFormCard
      title={contract ? `Editar ${contract.name}` : 'Novo contrato'}
      description="Prazos em horas, contados da abertura da ordem. Ordens já abertas mantêm os prazos que receberam."
      submitLabel={contract ? 'Salvar contrato' : 'Criar contrato'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="contract-form"
    >
      {!contract && (
        <SelectField
          label="Fornecedor do contrato"
          options={[
            { value: '', label: 'Escolha o fornecedor' },
            ...(suppliers.data ?? []).map((supplier) => ({ value: supplier.id, label: supplier.name })),
          ]}
          {...form.bind('supplierId')}
          error={errors.supplierId}
        />
      )}
      <TextField label="Nome do contrato" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Início da vigência" type="date" {...form.bind('startDate')} error={errors.startDate} />
        <TextField label="Fim da vigência" type="date" {...form.bind('endDate')} error={errors.endDate} hint="Em branco: sem fim." />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-700">SLA por prioridade (horas)</legend>
        {PRIORITY_ORDER.map((priority) => (
          <div key={priority} className="grid grid-cols-[5rem_1fr_1fr] items-end gap-2">
            <span className="pb-2 text-sm text-zinc-700">{PRIORITIES[priority].label}</span>
            {(['respondHours', 'resolveHours'] as const).map((key) => (
              <TextField
                key={key}
                label={`${key === 'respondHours' ? 'Resposta' : 'Solução'} (${PRIORITIES[priority].label})`}
                type="number"
                min={1}
                inputMode="numeric"
                value={values.hours[priority][key]}
                onChange={(event) => setHours(priority, key, event.target.value)}
                error={errors[`${priority}.${key}`]}
              />
            ))}
          </div>
        ))}
        {errors.sla && <p className="text-xs text-red-600">{errors.sla}</p>}
      </fieldset>
      <TextAreaField
        label="Observações"
        value={values.notes}
        onChange={(event) => form.set('notes', event.target.value)}
        error={errors.notes}
      />
      {contract && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
