import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import type { Professional } from '../labels';
import { isoWithOffset, splitLocalDateTime, useTenantTimeZone } from '../zonedTime';

const EMPTY = { startsAt: '', endsAt: '', reason: '' };

/** Time away (vacation, an appointment of their own), typed on the company's clocks and sent as instants with their offset. */
export function TimeOffForm({ professional, onSaved }: { professional: Professional; onSaved: () => void }) {
  const timeZone = useTenantTimeZone();
  const toast = useToast();
  const form = useFormValues(EMPTY);
  const add = trpc.agenda.professionals.addTimeOff.useMutation({
    onSuccess: () => {
      toast.success(`Folga de ${professional.name} adicionada`);
      form.reset();
      onSaved();
    },
  });
  const errors = fieldErrorsOf(add.error);
  const { startsAt, endsAt, reason } = form.values;
  const instant = (local: string) => (local ? isoWithOffset(splitLocalDateTime(local), timeZone) : '');
  return (
    <MutationFormCard
      title="Nova folga"
      description={`Início e fim no fuso ${timeZone}.`}
      submitLabel="Adicionar folga"
      mutation={add}
      fields={['startsAt', 'endsAt', 'reason']}
      onSubmit={() =>
        add.mutate({
          professionalId: professional.id,
          startsAt: instant(startsAt),
          endsAt: instant(endsAt),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        })
      }
      testId="time-off-form"
    >
      <TextField label="Início" type="datetime-local" {...form.bind('startsAt')} error={errors.startsAt} />
      <TextField label="Fim" type="datetime-local" {...form.bind('endsAt')} error={errors.endsAt} />
      <TextField label="Motivo" placeholder="Férias" {...form.bind('reason')} error={errors.reason} />
    </MutationFormCard>
  );
}
