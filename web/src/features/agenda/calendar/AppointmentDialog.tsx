import { useState, type ReactNode } from 'react';
import { useCan } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { Dialog } from '../../../ui/Dialog';
import { SelectField, TextField } from '../../../ui/Field';
import { Badge } from '../../../ui/Layout';
import { useToast } from '../../../ui/Toast';
import { professionalOptions, useCatalogue } from '../catalogue';
import { APPOINTMENT_SOURCES, APPOINTMENT_STATUSES, isActive, type Appointment } from '../labels';
import { formatCents } from '../../../lib/money';
import { formatInZone, useTenantTimeZone, wallTimeOf } from '../zonedTime';
import { CancelAppointmentDialog } from './CancelAppointmentDialog';
import type { MoveTarget } from './useReschedule';

interface AppointmentDialogProps {
  appointment: Appointment;
  onClose: () => void;
  /** Moves it (the calendar shows how that went). */
  onReschedule: (target: MoveTarget) => void;
}

/** An appointment's details; while it is on the books, whoever books may move it, cancel it, or record that it happened or that the client did not come. */
export function AppointmentDialog({ appointment, onClose, onReschedule }: AppointmentDialogProps) {
  const canWrite = useCan('agenda.appointments.write') && isActive(appointment);
  const timeZone = useTenantTimeZone();
  const toast = useToast();
  const utils = trpc.useUtils();
  const [cancelling, setCancelling] = useState(false);
  const setOutcome = trpc.agenda.appointments.setOutcome.useMutation({
    onSuccess: (_, { outcome }) => {
      toast.success(`${appointment.clientName}: ${APPOINTMENT_STATUSES[outcome].label.toLowerCase()}`);
      void utils.agenda.appointments.list.invalidate();
      onClose();
    },
    onError: (error) => toast.error(errorMessage(error)),
  });
  if (cancelling) return <CancelAppointmentDialog appointment={appointment} onClose={onClose} />;
  const status = APPOINTMENT_STATUSES[appointment.status];
  const busy = setOutcome.isPending;
  const footer = (
    <>
      <Button onClick={onClose}>Fechar</Button>
      {canWrite && (
        <>
          <Button tone="danger" disabled={busy} onClick={() => setCancelling(true)}>
            Cancelar agendamento
          </Button>
          <Button
            busy={busy && setOutcome.variables?.outcome === 'no_show'}
            disabled={busy}
            onClick={() => setOutcome.mutate({ id: appointment.id, outcome: 'no_show' })}
          >
            Faltou
          </Button>
          <Button
            tone="primary"
            busy={busy && setOutcome.variables?.outcome === 'completed'}
            disabled={busy}
            onClick={() => setOutcome.mutate({ id: appointment.id, outcome: 'completed' })}
          >
            Concluído
          </Button>
        </>
      )}
    </>
  );
  return (
    <Dialog title={`${appointment.clientName} · ${appointment.serviceName}`} onClose={onClose} footer={footer} testId="appointment-dialog">
      <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1.5">
        <Detail term="Quando">
          {formatInZone(appointment.startsAt, timeZone, {
            weekday: 'long',
            day: '2-digit',
            month: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
          })}{' '}
          às {formatInZone(appointment.endsAt, timeZone, { hour: '2-digit', minute: '2-digit' })}
        </Detail>
        <Detail term="Profissional">{appointment.professionalName}</Detail>
        <Detail term="Situação">
          <Badge tone={status.tone}>{status.label}</Badge>
        </Detail>
        <Detail term="Valor">{formatCents(appointment.priceCents)}</Detail>
        <Detail term="Origem">{APPOINTMENT_SOURCES[appointment.source]}</Detail>
        {appointment.notes && <Detail term="Observações">{appointment.notes}</Detail>}
      </dl>
      {canWrite && (
        <RescheduleForm
          appointment={appointment}
          onSubmit={(target) => {
            onReschedule(target);
            onClose();
          }}
        />
      )}
    </Dialog>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500">{term}</dt>
      <dd className="text-zinc-900">{children}</dd>
    </>
  );
}

/** Another time (and who does it), without dragging: the keyboard's way to reschedule. */
function RescheduleForm({ appointment, onSubmit }: { appointment: Appointment; onSubmit: (target: MoveTarget) => void }) {
  const timeZone = useTenantTimeZone();
  const { professionals } = useCatalogue();
  const [target, setTarget] = useState<MoveTarget>(() => ({
    ...wallTimeOf(appointment.startsAt, timeZone),
    professionalId: appointment.professionalId,
  }));
  return (
    <form
      aria-label="Remarcar"
      className="mt-4 space-y-3 border-t border-zinc-100 pt-4"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(target);
      }}
    >
      <p className="text-sm font-medium text-zinc-900">Remarcar</p>
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label="Nova data"
          type="date"
          required
          value={target.date}
          onChange={(event) => setTarget({ ...target, date: event.target.value })}
        />
        <TextField
          label="Novo horário"
          type="time"
          required
          step={60 * 15}
          value={target.time}
          onChange={(event) => setTarget({ ...target, time: event.target.value })}
        />
      </div>
      <SelectField
        label="Profissional do novo horário"
        options={professionalOptions(professionals, appointment.serviceId).slice(1)}
        value={target.professionalId}
        onChange={(event) => setTarget({ ...target, professionalId: event.target.value })}
      />
      <div className="flex justify-end">
        <Button type="submit">Remarcar</Button>
      </div>
    </form>
  );
}
