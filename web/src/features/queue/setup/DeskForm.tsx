import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxField } from '../../../ui/CheckboxField';
import { TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import type { Desk } from '../types';

const FIELDS = ['name', 'number', 'active'];

/** Creates a desk of the unit, or edits the one picked; its number is what the display announces. */
export function DeskForm({ unitId, desk, onDone }: { unitId: string; desk: Desk | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({ name: desk?.name ?? '', number: desk ? String(desk.number) : '', active: desk?.active ?? true });
  const numbers = useNumberChecks();
  const onSuccess = (saved: Desk) => {
    toast.success(desk ? `Guichê nº ${saved.number} salvo` : `Guichê nº ${saved.number} criado`);
    form.reset();
    onDone();
    void utils.queue.desks.list.invalidate();
  };
  const create = trpc.queue.desks.create.useMutation({ onSuccess });
  const update = trpc.queue.desks.update.useMutation({ onSuccess });
  const current = desk ? update : create;
  const errors = { ...fieldErrorsOf(current.error), ...numbers.errors };
  const submit = () => {
    const number = wholeNumber(form.values.number);
    if (!numbers.allValid({ number })) return;
    if (desk) update.mutate({ id: desk.id, name: form.values.name, number, active: form.values.active });
    else create.mutate({ unitId, name: form.values.name, number });
  };
  return (
    <MutationFormCard
      title={desk ? `Editar ${desk.name}` : 'Novo guichê'}
      submitLabel={desk ? 'Salvar guichê' : 'Criar guichê'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="desk-form"
    >
      <TextField label="Nome do guichê" autoComplete="off" placeholder="Guichê 1" {...form.bind('name')} error={errors.name} />
      <TextField label="Número" type="number" min={1} inputMode="numeric" {...form.bind('number')} error={errors.number} />
      {desk && <CheckboxField label="Guichê ativo" checked={form.values.active} onChange={(checked) => form.set('active', checked)} />}
      {desk && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
