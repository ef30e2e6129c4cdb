import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxField } from '../../../ui/CheckboxField';
import { TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import type { Priority } from '../types';

const FIELDS = ['name', 'description', 'weight', 'active'];

/** Creates a priority category of the tenant, or edits the one picked; the heavier is called first. */
export function PriorityForm({ priority, onDone }: { priority: Priority | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({
    name: priority?.name ?? '',
    description: priority?.description ?? '',
    weight: String(priority?.weight ?? 10),
    active: priority?.active ?? true,
  });
  const numbers = useNumberChecks();
  const onSuccess = (saved: Priority) => {
    toast.success(priority ? `Prioridade ${saved.name} salva` : `Prioridade ${saved.name} criada`);
    form.reset();
    onDone();
    void utils.queue.priorities.list.invalidate();
  };
  const create = trpc.queue.priorities.create.useMutation({ onSuccess });
  const update = trpc.queue.priorities.update.useMutation({ onSuccess });
  const current = priority ? update : create;
  const errors = { ...fieldErrorsOf(current.error), ...numbers.errors };
  const submit = () => {
    const weight = wholeNumber(form.values.weight);
    if (!numbers.allValid({ weight })) return;
    const input = { name: form.values.name, description: form.values.description, weight };
    if (priority) update.mutate({ id: priority.id, ...input, active: form.values.active });
    else create.mutate(input);
  };
  return (
    <MutationFormCard
      title={priority ? `Editar ${priority.name}` : 'Nova prioridade'}
      submitLabel={priority ? 'Salvar prioridade' : 'Criar prioridade'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="priority-form"
    >
      <TextField label="Nome da prioridade" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField label="Descrição" autoComplete="off" {...form.bind('description')} error={errors.description} />
      <TextField label="Peso" type="number" min={1} max={100} inputMode="numeric" {...form.bind('weight')} error={errors.weight} />
      {priority && (
        <CheckboxField label="Prioridade ativa" checked={form.values.active} onChange={(checked) => form.set('active', checked)} />
      )}
      {priority && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
