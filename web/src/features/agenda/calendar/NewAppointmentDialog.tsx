import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { TextField, SelectField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { FormDialog } from '../../../ui/FormDialog';
import { TextAreaField } from '../../../ui/TextAreaField';
import { professionalOptions, serviceOptions, useCatalogue } from '../catalogue';
import { alternativesOf, bookingProblemOf } from '../conflicts';
import { ConflictAlert } from '../ConflictAlert';
import { formatInZone, localDateTime, useTenantTimeZone, wallTimeOf } from '../zonedTime';
import { ClientPicker } from './ClientPicker';
import type { CalendarSlot } from './CalendarColumnView';

const FIELDS = ['clientId', 'serviceId', 'professionalId', 'startsAt', 'notes'];

/** Books a client for a service at the time clicked on the calendar; a time the server refuses comes back with free ones to pick instead. */
export function NewAppointmentDialog({ slot, onClose }: { slot: CalendarSlot; onClose: () => void }) {
  const timeZone = useTenantTimeZone();
  const toast = useToast();
  const utils = trpc.useUtils();
  const catalogue = useCatalogue();
  const form = useFormValues({
    clientId: '',
    clientName: '',
    serviceId: '',
    professionalId: slot.professionalId ?? '',
    date: slot.date,
    time: slot.time,
    notes: '',
  });
  const { clientId, clientName, serviceId, professionalId, date, time, notes } = form.values;
  const create = trpc.agenda.appointments.create.useMutation({
    onSuccess: (created) => {
      toast.success(
        `Agendamento de ${clientName} marcado para ${formatInZone(created.startsAt, timeZone, { weekday: 'short', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' })}`,
      );
      void utils.agenda.appointments.list.invalidate();
      onClose();
    },
  });
  const conflict = alternativesOf(create.error).length > 0 ? bookingProblemOf(create.error) : null;
  const errors = fieldErrorsOf(create.error);
  const professional = catalogue.professionals.find((each) => each.id === professionalId);
  const submit = () =>
    create.mutate({
      clientId,
      serviceId,
      professionalId,
      startsAt: localDateTime({ date, time }),
      ...(notes.trim() ? { notes: notes.trim() } : {}),
    });
  return (
    <FormDialog
      title="Novo agendamento"
      submitLabel="Agendar"
      mutation={{ isPending: create.isPending, error: conflict ? null : create.error }}
      fields={FIELDS}
      onSubmit={submit}
      onClose={onClose}
      testId="new-appointment-dialog"
    >
      {conflict && (
        <ConflictAlert
          problem={conflict}
          professionals={catalogue.professionals}
          onChoose={(alternative) => {
            create.reset();
            form.replace((values) => ({
              ...values,
              ...wallTimeOf(alternative.startsAt, timeZone),
              professionalId: alternative.professionalId,
            }));
          }}
        />
      )}
      <ClientPicker
        value={clientId}
        onChange={(client) => form.replace((values) => ({ ...values, clientId: client?.id ?? '', clientName: client?.name ?? '' }))}
        error={errors.clientId}
      />
      <SelectField
        label="Profissional"
        options={professionalOptions(catalogue.professionals, serviceId)}
        {...form.bind('professionalId')}
        error={errors.professionalId}
      />
      <SelectField
        label="Serviço"
        options={serviceOptions(catalogue.services, professional)}
        {...form.bind('serviceId')}
        error={errors.serviceId}
      />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Data" type="date" {...form.bind('date')} error={errors.startsAt} />
        <TextField label="Horário" type="time" step={60 * 15} {...form.bind('time')} hint={`Fuso ${timeZone}`} />
      </div>
      <TextAreaField
        label="Observações"
        rows={2}
        value={notes}
        onChange={(event) => form.set('notes', event.target.value)}
        error={errors.notes}
      />
    </FormDialog>
  );
}
