import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxField } from '../../../ui/CheckboxField';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { AssetSelect } from './AssetSelect';
import { PERIOD_LABELS, priorityOptions, type PlanView, type Priority } from './labels';

const FIELDS = ['assetId', 'title', 'priority', 'period', 'intervalDays', 'nextRun', 'supplierId', 'contractId'];

const valuesOf = (plan: PlanView | null) => ({
  assetId: plan?.asset.id ?? '',
  title: plan?.title ?? '',
  priority: (plan?.priority ?? 'medium') as Priority,
  period: (plan?.period ?? 'interval') as 'interval' | 'date',
  intervalDays: plan?.intervalDays ? String(plan.intervalDays) : '30',
  nextRun: plan?.nextRun ?? '',
  supplierId: plan?.supplier?.id ?? '',
  contractId: plan?.contract?.id ?? '',
  active: plan?.active ?? true,
});

/** A maintenance plan: every N days from a date, or once on a date; the job opens its orders on the day. */
export function PlanForm({ plan, onDone }: { plan: PlanView | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(plan));
  const numbers = useNumberChecks();
  const suppliers = trpc.inventory.suppliers.list.useQuery({});
  const contracts = trpc.inventory.maintenance.contracts.list.useQuery();
  const onSuccess = (saved: PlanView) => {
    toast.success(`${plan ? 'Plano salvo' : 'Plano criado'}: ${saved.title}`);
    form.reset();
    onDone();
    void utils.inventory.maintenance.plans.invalidate();
  };
  const create = trpc.inventory.maintenance.plans.create.useMutation({ onSuccess });
  const update = trpc.inventory.maintenance.plans.update.useMutation({ onSuccess });
  const current = plan ? update : create;
  const errors = { ...fieldErrorsOf(current.error), ...numbers.errors };
  const { values } = form;
  const submit = () => {
    const intervalDays = values.period === 'interval' ? wholeNumber(values.intervalDays) : null;
    if (intervalDays !== null && !numbers.allValid({ intervalDays }, { intervalDays: 'Intervalo: informe um número inteiro de dias' }))
      return;
    const fields = {
      title: values.title,
      priority: values.priority,
      period: values.period,
      intervalDays,
      nextRun: values.nextRun,
      supplierId: values.supplierId || null,
      contractId: values.contractId || null,
    };
    if (plan) update.mutate({ id: plan.id, ...fields, active: values.active });
    else create.mutate({ assetId: values.assetId, ...fields });
  };
  return (
    <MutationFormCard
      title={plan ? `Editar ${plan.title}` : 'Novo plano de manutenção'}
      description="No dia, o job abre a ordem de serviço (uma por data de vencimento)."
      submitLabel={plan ? 'Salvar plano' : 'Criar plano'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="plan-form"
    >
      {!plan && <AssetSelect value={values.assetId} onChange={(assetId) => form.set('assetId', assetId)} error={errors.assetId} />}
      <TextField label="Título do plano" autoComplete="off" {...form.bind('title')} error={errors.title} />
      <SelectField label="Prioridade das ordens" options={priorityOptions} {...form.bind('priority')} error={errors.priority} />
      <SelectField
        label="Periodicidade"
        options={Object.entries(PERIOD_LABELS).map(([value, label]) => ({ value, label }))}
        {...form.bind('period')}
        error={errors.period}
      />
      {values.period === 'interval' && (
        <TextField
          label="A cada (dias)"
          type="number"
          min={1}
          inputMode="numeric"
          {...form.bind('intervalDays')}
          error={errors.intervalDays}
        />
      )}
      <TextField
        label={values.period === 'interval' ? 'Próxima execução' : 'Data da manutenção'}
        type="date"
        {...form.bind('nextRun')}
        error={errors.nextRun}
      />
      <SelectField
        label="Contrato das ordens (SLA)"
        options={[
          { value: '', label: 'Sem contrato' },
          ...(contracts.data ?? []).map((contract) => ({ value: contract.id, label: contract.name })),
        ]}
        {...form.bind('contractId')}
        error={errors.contractId}
      />
      <SelectField
        label="Fornecedor das ordens"
        options={[
          { value: '', label: 'Nenhum' },
          ...(suppliers.data ?? []).map((supplier) => ({ value: supplier.id, label: supplier.name })),
        ]}
        {...form.bind('supplierId')}
        error={errors.supplierId}
      />
      {plan && <CheckboxField label="Ativo" checked={values.active} onChange={(checked) => form.set('active', checked)} />}
      {plan && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
