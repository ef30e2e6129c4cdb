import { useState } from 'react';
import { trpc } from '../../../lib/trpc';
import { useToast } from '../../../ui/Toast';
import { bookingProblemOf, type Alternative, type BookingProblem } from '../conflicts';
import type { Appointment } from '../labels';
import { formatDate, localDateTime, useTenantTimeZone, wallTimeOf, type WallTime } from '../zonedTime';

/** Where an appointment is moved to: a wall time of the tenant's zone, and who does it. */
export interface MoveTarget extends WallTime {
  professionalId: string;
}

export interface PendingMove extends MoveTarget {
  appointmentId: string;
}

/**
 * Moves appointments (dragged on the calendar, or from their details). While the server
 * decides, the block shows at its new place; refused, it goes back, and the refusal is kept
 * with the free times the server offered, to move there instead.
 */
export function useReschedule() {
  const timeZone = useTenantTimeZone();
  const toast = useToast();
  const utils = trpc.useUtils();
  const reschedule = trpc.agenda.appointments.reschedule.useMutation();
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [refused, setRefused] = useState<{ appointment: Appointment; problem: BookingProblem } | null>(null);

  const move = async (appointment: Appointment, target: MoveTarget) => {
    const current = wallTimeOf(appointment.startsAt, timeZone);
    if (current.date === target.date && current.time === target.time && appointment.professionalId === target.professionalId) return;
    setRefused(null);
    setPending({ appointmentId: appointment.id, ...target });
    try {
      const changesProfessional = target.professionalId !== appointment.professionalId;
      await reschedule.mutateAsync({
        id: appointment.id,
        startsAt: localDateTime(target),
        ...(changesProfessional ? { professionalId: target.professionalId } : {}),
      });
    } catch (error) {
      setPending(null);
      setRefused({ appointment, problem: bookingProblemOf(error) });
      return;
    }
    // Keep the block at its new place until the list has it there.
    await utils.agenda.appointments.list.invalidate();
    setPending(null);
    toast.success(
      `Agendamento de ${appointment.clientName} remarcado para ${formatDate(target.date, { weekday: 'short', day: '2-digit', month: '2-digit' })} às ${target.time}`,
    );
  };

  return {
    pending,
    refused,
    move,
    moveToAlternative: (alternative: Alternative) => {
      if (refused)
        void move(refused.appointment, { ...wallTimeOf(alternative.startsAt, timeZone), professionalId: alternative.professionalId });
    },
    dismiss: () => setRefused(null),
  };
}
