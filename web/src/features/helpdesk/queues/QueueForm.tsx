import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxGroup, TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { BusinessHoursEditor, type BusinessHours } from '../../../ui/BusinessHoursEditor';
import { useTeam } from '../team';
import { TextAreaField } from '../../../ui/TextAreaField';
import type { Queue } from './types';
import { MutationFormCard } from '../../../ui/MutationFormCard';

const FIELDS = ['name', 'color', 'greeting', 'memberIds', 'businessHours'];
const DEFAULT_COLOR = '#2563eb';

const valuesOf = (queue: Queue | null) => ({
  name: queue?.name ?? '',
  color: queue?.color ?? DEFAULT_COLOR,
  greeting: queue?.greeting ?? '',
  memberIds: queue?.memberIds ?? [],
  businessHours: (queue?.businessHours ?? null) as BusinessHours | null,
});

/** Creates a queue, or edits the one picked in the table (the page remounts it per queue). */
export function QueueForm({ queue, onDone }: { queue: Queue | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const team = useTeam();
  const form = useFormValues(valuesOf(queue));
  const saved = (name: string) => {
    toast.success(queue ? `Fila ${name} salva` : `Fila ${name} criada`);
    form.reset();
    onDone();
    void utils.helpdesk.queues.list.invalidate();
    void utils.helpdesk.agents.list.invalidate(); // their queueIds
  };
  const create = trpc.helpdesk.queues.create.useMutation({ onSuccess: (created) => saved(created.name) });
  const update = trpc.helpdesk.queues.update.useMutation({ onSuccess: (updated) => saved(updated.name) });
  const current = queue ? update : create;
  const errors = fieldErrorsOf(current.error);
  const submit = () => {
    if (queue) update.mutate({ id: queue.id, ...form.values });
    else create.mutate(form.values);
  };
  return (
    <MutationFormCard
      title={queue ? `Editar fila ${queue.name}` : 'Nova fila'}
      submitLabel={queue ? 'Salvar fila' : 'Criar fila'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="queue-form"
    >
      <TextField label="Nome" placeholder="Financeiro" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField label="Cor" type="color" className="h-9 !p-1" {...form.bind('color')} error={errors.color} />
      <TextAreaField
        label="Saudação"
        placeholder="Olá! Você está falando com o financeiro."
        value={form.values.greeting}
        onChange={(event) => form.set('greeting', event.target.value)}
        error={errors.greeting}
      />
      <CheckboxGroup
        legend="Membros"
        options={team.members.map((agent) => ({ value: agent.id, label: agent.name }))}
        selected={form.values.memberIds}
        onChange={(memberIds) => form.set('memberIds', memberIds)}
        error={errors.memberIds}
      />
      <BusinessHoursEditor
        legend="Horário de atendimento"
        enableLabel="Horário próprio (sem ele, vale o da empresa)"
        value={form.values.businessHours}
        onChange={(hours) => form.set('businessHours', hours)}
        error={errors.businessHours}
      />
      {queue && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
