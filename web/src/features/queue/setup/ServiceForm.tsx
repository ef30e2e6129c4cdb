import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { BusinessHoursEditor, type BusinessHours } from '../../../ui/BusinessHoursEditor';
import { Button } from '../../../ui/Button';
import { CheckboxField } from '../../../ui/CheckboxField';
import { TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import type { QueueService } from '../types';

const FIELDS = ['name', 'prefix', 'openingHours', 'dailyCap', 'expectedServiceMin', 'active'];

const valuesOf = (service: QueueService | null) => ({
  name: service?.name ?? '',
  prefix: service?.prefix ?? '',
  openingHours: (service?.openingHours ?? null) as BusinessHours | null,
  dailyCap: service?.dailyCap ? String(service.dailyCap) : '',
  expectedServiceMin: String(service?.expectedServiceMin ?? 10),
  active: service?.active ?? true,
});

/** Creates a service of the unit, or edits the one picked; its prefix starts each ticket code. */
export function ServiceForm({ unitId, service, onDone }: { unitId: string; service: QueueService | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(service));
  const numbers = useNumberChecks();
  const onSuccess = (saved: QueueService) => {
    toast.success(service ? `Serviço ${saved.name} salvo` : `Serviço ${saved.name} criado`);
    form.reset();
    onDone();
    void utils.queue.services.list.invalidate();
  };
  const create = trpc.queue.services.create.useMutation({ onSuccess });
  const update = trpc.queue.services.update.useMutation({ onSuccess });
  const current = service ? update : create;
  const errors = { ...fieldErrorsOf(current.error), ...numbers.errors };
  const { name, prefix, openingHours, dailyCap, expectedServiceMin, active } = form.values;
  const submit = () => {
    const typed = { expectedServiceMin: wholeNumber(expectedServiceMin), ...(dailyCap.trim() ? { dailyCap: wholeNumber(dailyCap) } : {}) };
    if (!numbers.allValid(typed)) return;
    const input = { name, prefix, openingHours, ...typed, dailyCap: typed.dailyCap ?? null, active };
    if (service) update.mutate({ id: service.id, ...input });
    else create.mutate({ unitId, ...input });
  };
  return (
    <MutationFormCard
      title={service ? `Editar ${service.name}` : 'Novo serviço'}
      submitLabel={service ? 'Salvar serviço' : 'Criar serviço'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="queue-service-form"
    >
      <TextField label="Nome do serviço" autoComplete="off" placeholder="Atendimento geral" {...form.bind('name')} error={errors.name} />
      <TextField label="Prefixo" autoComplete="off" placeholder="A" maxLength={3} {...form.bind('prefix')} error={errors.prefix} />
      <BusinessHoursEditor
        legend="Horário do serviço"
        enableLabel="Horário próprio (desmarcado: as da unidade)"
        value={openingHours}
        onChange={(next) => form.set('openingHours', next)}
        error={errors.openingHours}
      />
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label="Limite diário"
          type="number"
          min={1}
          inputMode="numeric"
          {...form.bind('dailyCap')}
          error={errors.dailyCap}
          hint="Em branco, sem limite."
        />
        <TextField
          label="Duração esperada (min)"
          type="number"
          min={1}
          inputMode="numeric"
          {...form.bind('expectedServiceMin')}
          error={errors.expectedServiceMin}
        />
      </div>
      <CheckboxField label="Serviço ativo" checked={active} onChange={(checked) => form.set('active', checked)} />
      {service && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
