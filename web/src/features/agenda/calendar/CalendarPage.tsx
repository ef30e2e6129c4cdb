import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { Banner, PageHeader } from '../../../ui/Layout';
import { ConnectionIndicator } from '../../../lib/eventStream';
import { useCatalogue } from '../catalogue';
import { ConflictAlert } from '../ConflictAlert';
import type { Appointment } from '../labels';
import { useAgendaLiveQueries } from '../liveEvents';
import { instantOf, todayIn, useTenantTimeZone } from '../zonedTime';
import { AppointmentDialog } from './AppointmentDialog';
import { CalendarGrid } from './CalendarGrid';
import type { CalendarSlot } from './CalendarColumnView';
import { CalendarToolbar } from './CalendarToolbar';
import { calendarColumns, hoursRange, placeAppointments } from './layout';
import { NewAppointmentDialog } from './NewAppointmentDialog';
import { EVERYONE, useCalendarView } from './useCalendarView';
import { useReschedule, type PendingMove } from './useReschedule';

/** An appointment being moved shows where it is going until the server answers. */
function withPendingMove(appointments: readonly Appointment[], pending: PendingMove | null, timeZone: string): Appointment[] {
  if (!pending) return [...appointments];
  return appointments.map((appointment) => {
    if (appointment.id !== pending.appointmentId) return appointment;
    const startsAt = instantOf(pending, timeZone);
    const endsAt = new Date(startsAt.getTime() + Date.parse(appointment.endsAt) - Date.parse(appointment.startsAt));
    return { ...appointment, professionalId: pending.professionalId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() };
  });
}

/**
 * The calendar: a week or a day, one professional's or everyone's, on the company's clocks. A
 * click on a free time books it; a drag moves an appointment; it all follows the live stream.
 */
export function CalendarPage() {
  useAgendaLiveQueries();
  const timeZone = useTenantTimeZone();
  const canWrite = useCan('agenda.appointments.write');
  const calendar = useCalendarView(timeZone);
  const { professionals } = useCatalogue();
  const selected =
    calendar.selection === EVERYONE ? null : (professionals.find((professional) => professional.id === calendar.selection) ?? null);
  const appointments = trpc.agenda.appointments.list.useQuery(
    { ...calendar.range, ...(selected ? { professionalId: selected.id } : {}) },
    { placeholderData: keepPreviousData },
  );
  const reschedule = useReschedule();
  const [creating, setCreating] = useState<CalendarSlot | null>(null);
  const [openedId, setOpenedId] = useState<string | null>(null);

  const shown = selected ? [selected] : professionals.filter((professional) => professional.active);
  const exceptions = trpc.useQueries((t) => shown.map((professional) => t.agenda.professionals.exceptions({ id: professional.id })));
  const workers = shown.map((professional, index) => ({ professional, exceptions: exceptions[index]?.data }));
  const columns = calendarColumns(calendar.days, selected, !selected && calendar.view === 'day' ? shown : null);
  const visible = (appointments.data ?? []).filter((appointment) => calendar.showCancelled || appointment.status !== 'cancelled');
  const placed = placeAppointments(withPendingMove(visible, reschedule.pending, timeZone), columns, timeZone);
  const opened = appointments.data?.find((appointment) => appointment.id === openedId);

  return (
    <>
      <PageHeader
        title="Agenda"
        description="Clique num horário livre para agendar; arraste um agendamento para remarcá-lo. Horários no fuso da empresa."
        actions={<ConnectionIndicator />}
      />
      <CalendarToolbar calendar={calendar} professionals={professionals} />
      {reschedule.refused && (
        // Over the page at the bottom, as a snackbar: seen wherever the drop was, without pushing the calendar down.
        <div className="fixed bottom-4 left-1/2 z-30 w-[min(42rem,calc(100vw-2rem))] -translate-x-1/2 shadow-lg">
          <ConflictAlert
            problem={reschedule.refused.problem}
            professionals={professionals}
            onChoose={reschedule.moveToAlternative}
            onDismiss={reschedule.dismiss}
          />
        </div>
      )}
      {appointments.isError && <Banner>{errorMessage(appointments.error)}</Banner>}
      <div className="relative">
        {appointments.isFetching && (
          <span aria-hidden className="absolute -top-5 right-0 inline-flex items-center gap-1.5 text-xs text-zinc-500">
            <Spinner className="size-3" /> Atualizando…
          </span>
        )}
        <CalendarGrid
          columns={columns}
          hours={hoursRange(shown, placed.values())}
          placed={placed}
          workers={workers}
          timeZone={timeZone}
          today={todayIn(timeZone)}
          pendingId={reschedule.pending?.appointmentId ?? null}
          onOpen={(appointment) => setOpenedId(appointment.id)}
          onCreate={canWrite ? setCreating : undefined}
          onMove={canWrite ? (appointment, target) => void reschedule.move(appointment, target) : undefined}
        />
      </div>
      {creating && <NewAppointmentDialog key={`${creating.date}T${creating.time}`} slot={creating} onClose={() => setCreating(null)} />}
      {opened && (
        <AppointmentDialog
          key={opened.id}
          appointment={opened}
          onClose={() => setOpenedId(null)}
          onReschedule={(target) => void reschedule.move(opened, target)}
        />
      )}
    </>
  );
}
