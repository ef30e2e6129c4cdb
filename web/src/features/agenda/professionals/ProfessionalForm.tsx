import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxGroup, TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { CheckboxField } from '../../../ui/CheckboxField';
import type { Professional, Service, WeeklyInterval } from '../labels';
import { WeeklyIntervalsEditor } from './WeeklyIntervalsEditor';

const FIELDS = ['name', 'serviceIds', 'hours', 'breaks', 'active'];

/** What a new professional starts from: Monday to Friday, nine to six, lunch at noon. */
const WEEKDAYS_ONLY = [1, 2, 3, 4, 5];
const NEW_HOURS: WeeklyInterval[] = WEEKDAYS_ONLY.map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));
const NEW_BREAKS: WeeklyInterval[] = WEEKDAYS_ONLY.map((weekday) => ({ weekday, start: '12:00', end: '13:00' }));

const valuesOf = (professional: Professional | null) => ({
  name: professional?.name ?? '',
  serviceIds: professional?.serviceIds ?? [],
  hours: professional?.hours ?? NEW_HOURS,
  breaks: professional?.breaks ?? NEW_BREAKS,
  active: professional?.active ?? true,
});

/** Creates a professional, or edits the one picked in the table: the services they do, their week and its breaks. */
export function ProfessionalForm({
  professional,
  services,
  onDone,
}: {
  professional: Professional | null;
  services: readonly Service[];
  onDone: () => void;
}) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(professional));
  const onSuccess = (saved: Professional) => {
    toast.success(professional ? `Profissional ${saved.name} salvo` : `Profissional ${saved.name} cadastrado`);
    form.reset();
    onDone();
    void utils.agenda.professionals.list.invalidate();
  };
  const create = trpc.agenda.professionals.create.useMutation({ onSuccess });
  const update = trpc.agenda.professionals.update.useMutation({ onSuccess });
  const current = professional ? update : create;
  const errors = fieldErrorsOf(current.error);
  const { name, serviceIds, hours, breaks, active } = form.values;
  const input = { name, serviceIds, hours, breaks };
  return (
    <MutationFormCard
      title={professional ? `Editar ${professional.name}` : 'Novo profissional'}
      description="Horários no fuso da empresa. Um dia sem intervalos é folga."
      submitLabel={professional ? 'Salvar profissional' : 'Cadastrar profissional'}
      mutation={current}
      fields={FIELDS}
      onSubmit={() => (professional ? update.mutate({ id: professional.id, ...input, active }) : create.mutate(input))}
      testId="professional-form"
    >
      <TextField label="Nome" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <CheckboxGroup
        legend="Serviços que faz"
        options={services.map((service) => ({
          value: service.id,
          label: service.name,
          description: service.active ? undefined : 'Inativo',
        }))}
        selected={serviceIds}
        onChange={(next) => form.set('serviceIds', next)}
        error={errors.serviceIds}
      />
      <WeeklyIntervalsEditor
        legend="Horário de trabalho"
        value={hours}
        onChange={(next) => form.set('hours', next)}
        newInterval={{ start: '09:00', end: '18:00' }}
        emptyDay="Folga"
        error={errors.hours}
      />
      <WeeklyIntervalsEditor
        legend="Pausas"
        value={breaks}
        onChange={(next) => form.set('breaks', next)}
        newInterval={{ start: '12:00', end: '13:00' }}
        emptyDay="Sem pausa"
        error={errors.breaks}
      />
      {professional && (
        <CheckboxField
          label="Ativo"
          description="Desativado, não recebe agendamentos."
          checked={active}
          onChange={(checked) => form.set('active', checked)}
        />
      )}
      {professional && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
