import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { useToast } from '../../../ui/Toast';
import { FormDialog } from '../../../ui/FormDialog';
import { TextAreaField } from '../../../ui/TextAreaField';
import type { Appointment } from '../labels';

/** Cancels an appointment, with the reason if one is given; the time is free again at once. */
export function CancelAppointmentDialog({ appointment, onClose }: { appointment: Appointment; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [reason, setReason] = useState('');
  const cancel = trpc.agenda.appointments.cancel.useMutation({
    onSuccess: () => {
      toast.success(`Agendamento de ${appointment.clientName} cancelado`);
      void utils.agenda.appointments.list.invalidate();
      onClose();
    },
  });
  return (
    <FormDialog
      title={`Cancelar o agendamento de ${appointment.clientName}?`}
      submitLabel="Confirmar cancelamento"
      mutation={cancel}
      fields={['reason']}
      onSubmit={() => cancel.mutate({ id: appointment.id, ...(reason.trim() ? { reason: reason.trim() } : {}) })}
      onClose={onClose}
      testId="cancel-appointment-dialog"
    >
      <TextAreaField
        label="Motivo (opcional)"
        rows={2}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={fieldErrorsOf(cancel.error).reason}
      />
    </FormDialog>
  );
}
