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
import type { Unit } from '../types';

const FIELDS = ['name', 'timeZone', 'address', 'openingHours', 'priorityRatio', 'maxWaitMin', 'active'];

const valuesOf = (unit: Unit | null) => ({
  name: unit?.name ?? '',
  timeZone: unit?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  address: unit?.address ?? '',
  openingHours: (unit?.openingHours ?? null) as BusinessHours | null,
  priorityRatio: String(unit?.priorityRatio ?? 2),
  maxWaitMin: String(unit?.maxWaitMin ?? 60),
  active: unit?.active ?? true,
});

/** Creates a unit, or edits the one picked: its clock, address, hours and calling rule. */
export function UnitForm({ unit, onDone }: { unit: Unit | null; onDone: (saved: Unit | null) => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(unit));
  const numbers = useNumberChecks();
  const onSuccess = (saved: Unit) => {
    toast.success(unit ? `Unidade ${saved.name} salva` : `Unidade ${saved.name} criada`);
    form.reset();
    onDone(saved);
    void utils.queue.units.list.invalidate();
  };
  const create = trpc.queue.units.create.useMutation({ onSuccess });
  const update = trpc.queue.units.update.useMutation({ onSuccess });
  const current = unit ? update : create;
  const errors = { ...fieldErrorsOf(current.error), ...numbers.errors };
  const { name, timeZone, address, openingHours, priorityRatio, maxWaitMin, active } = form.values;
  const submit = () => {
    const typed = { priorityRatio: wholeNumber(priorityRatio), maxWaitMin: wholeNumber(maxWaitMin) };
    if (!numbers.allValid(typed)) return;
    // No hours set: an empty week, which the server reads as always open.
    const input = { name, timeZone, address, openingHours: openingHours ?? { intervals: [] }, ...typed };
    if (unit) update.mutate({ id: unit.id, ...input, active });
    else create.mutate(input);
  };
  return (
    <MutationFormCard
      title={unit ? `Editar ${unit.name}` : 'Nova unidade'}
      submitLabel={unit ? 'Salvar unidade' : 'Criar unidade'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="unit-form"
    >
      <TextField label="Nome da unidade" autoComplete="off" placeholder="Unidade Centro" {...form.bind('name')} error={errors.name} />
      <TextField label="Fuso horário" placeholder="America/Sao_Paulo" {...form.bind('timeZone')} error={errors.timeZone} />
      <TextField label="Endereço" autoComplete="off" {...form.bind('address')} error={errors.address} />
      <BusinessHoursEditor
        legend="Horário de funcionamento"
        enableLabel="Definir horário (sem horário, sempre aberta)"
        value={openingHours}
        onChange={(next) => form.set('openingHours', next)}
        error={errors.openingHours}
      />
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label="Prioritárias por normal"
          type="number"
          min={0}
          inputMode="numeric"
          {...form.bind('priorityRatio')}
          error={errors.priorityRatio}
          hint="Quantas prioritárias antes de uma normal."
        />
        <TextField
          label="Espera máxima (min)"
          type="number"
          min={1}
          inputMode="numeric"
          {...form.bind('maxWaitMin')}
          error={errors.maxWaitMin}
          hint="Passou disso, a senha normal é chamada."
        />
      </div>
      {unit && <CheckboxField label="Ativa" checked={active} onChange={(checked) => form.set('active', checked)} />}
      {unit && (
        <Button tone="ghost" onClick={() => onDone(null)}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
