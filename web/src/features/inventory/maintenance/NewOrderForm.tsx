import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { AssetSelect } from './AssetSelect';
import { priorityOptions, type OrderView, type Priority } from './labels';

const FIELDS = ['assetId', 'title', 'description', 'priority', 'supplierId', 'contractId', 'scheduledFor'];
const EMPTY = { assetId: '', title: '', description: '', priority: 'medium' as Priority, supplierId: '', contractId: '', scheduledFor: '' };

/** "Nova ordem de serviço": the asset goes into maintenance; with a contract, the order gets its SLA deadlines. */
export function NewOrderForm({ onCreated }: { onCreated: (order: OrderView) => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(EMPTY);
  const suppliers = trpc.inventory.suppliers.list.useQuery({});
  const contracts = trpc.inventory.maintenance.contracts.list.useQuery();
  const create = trpc.inventory.maintenance.orders.create.useMutation({
    onSuccess: (order) => {
      toast.success(`OS ${order.number} aberta`);
      form.reset();
      void utils.inventory.maintenance.orders.invalidate();
      onCreated(order);
    },
  });
  const errors = fieldErrorsOf(create.error);
  const { values } = form;
  const submit = () =>
    create.mutate({
      assetId: values.assetId,
      title: values.title,
      priority: values.priority,
      ...(values.description.trim() ? { description: values.description } : {}),
      ...(values.supplierId ? { supplierId: values.supplierId } : {}),
      ...(values.contractId ? { contractId: values.contractId } : {}),
      ...(values.scheduledFor ? { scheduledFor: new Date(values.scheduledFor).toISOString() } : {}),
    });
  return (
    <MutationFormCard
      title="Nova ordem de serviço"
      description="O ativo entra em manutenção; com contrato, a ordem ganha os prazos do SLA."
      submitLabel="Abrir ordem"
      mutation={create}
      fields={FIELDS}
      onSubmit={submit}
      testId="order-form"
    >
      <AssetSelect value={values.assetId} onChange={(assetId) => form.set('assetId', assetId)} error={errors.assetId} />
      <TextField label="Título" autoComplete="off" {...form.bind('title')} error={errors.title} />
      <TextAreaField
        label="Descrição"
        value={values.description}
        onChange={(event) => form.set('description', event.target.value)}
        error={errors.description}
      />
      <SelectField label="Prioridade" options={priorityOptions} {...form.bind('priority')} error={errors.priority} />
      <SelectField
        label="Contrato (SLA)"
        options={[
          { value: '', label: 'Sem contrato' },
          ...(contracts.data ?? []).map((contract) => ({
            value: contract.id,
            label: `${contract.name} · ${contract.supplier.name}`,
            disabled: !contract.inForce,
          })),
        ]}
        {...form.bind('contractId')}
        error={errors.contractId}
      />
      <SelectField
        label="Fornecedor"
        options={[
          { value: '', label: values.contractId ? 'O do contrato' : 'Nenhum' },
          ...(suppliers.data ?? []).map((supplier) => ({ value: supplier.id, label: supplier.name })),
        ]}
        {...form.bind('supplierId')}
        error={errors.supplierId}
      />
      <TextField label="Agendada para" type="datetime-local" {...form.bind('scheduledFor')} error={errors.scheduledFor} />
    </MutationFormCard>
  );
}
