import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { CheckboxField } from '../../../ui/CheckboxField';
import type { Professional } from '../labels';
import { formatDate } from '../zonedTime';
import { IntervalInputs, type TimeInterval } from './IntervalInputs';

const NEW_INTERVAL: TimeInterval = { start: '09:00', end: '18:00' };

/** Other hours on one date (a holiday, an extra Saturday), or the whole day closed; it replaces the week's hours for that date. */
export function DateOverrideForm({ professional, onSaved }: { professional: Professional; onSaved: () => void }) {
  const toast = useToast();
  const [date, setDate] = useState('');
  const [closed, setClosed] = useState(false);
  const [intervals, setIntervals] = useState<TimeInterval[]>([NEW_INTERVAL]);
  const save = trpc.agenda.professionals.setDateOverride.useMutation({
    onSuccess: (_, input) => {
      toast.success(
        `${formatDate(input.date, { day: '2-digit', month: '2-digit', year: 'numeric' })}: ${input.intervals.length === 0 ? 'fechado' : 'horário especial salvo'}`,
      );
      setDate('');
      onSaved();
    },
  });
  const errors = fieldErrorsOf(save.error);
  return (
    <MutationFormCard
      title="Data especial"
      description="Substitui o horário da semana nesta data."
      submitLabel="Salvar data"
      mutation={save}
      fields={['date', 'intervals']}
      onSubmit={() => save.mutate({ professionalId: professional.id, date, intervals: closed ? [] : intervals })}
      testId="date-override-form"
    >
      <TextField label="Data" type="date" value={date} onChange={(event) => setDate(event.target.value)} error={errors.date} />
      <CheckboxField label="Fechado" description="Não atende nesta data." checked={closed} onChange={setClosed} />
      {!closed && (
        <fieldset className="space-y-1.5">
          <legend className="text-sm font-medium text-zinc-700">Horários da data</legend>
          {intervals.map((interval, index) => (
            <div key={index}>
              <IntervalInputs
                label={`Horário ${index + 1}`}
                interval={interval}
                onChange={(next) => setIntervals(intervals.with(index, next))}
                onRemove={() => setIntervals(intervals.filter((_, other) => other !== index))}
              />
            </div>
          ))}
          <Button size="sm" tone="ghost" onClick={() => setIntervals([...intervals, NEW_INTERVAL])}>
            + intervalo
          </Button>
          {errors.intervals && <p className="text-xs text-red-600">{errors.intervals}</p>}
        </fieldset>
      )}
    </MutationFormCard>
  );
}
