import type { ReactNode } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { ConfirmButton } from '../../../ui/Dialog';
import { Card, Panel } from '../../../ui/Layout';
import { useActionFeedback } from '../../../ui/Toast';
import { ListQueryStatus } from '../../../ui/QueryStatus';
import type { Professional } from '../labels';
import { formatDate, formatInZone, useTenantTimeZone } from '../zonedTime';
import { DateOverrideForm } from './DateOverrideForm';
import { TimeOffForm } from './TimeOffForm';

/** A professional's dates with other hours and their time off, each removable, with the forms that add them. */
export function ScheduleExceptions({ professional, onClose }: { professional: Professional; onClose: () => void }) {
  const timeZone = useTenantTimeZone();
  const canWrite = useCan('agenda.catalogue.write');
  const feedback = useActionFeedback();
  const utils = trpc.useUtils();
  const exceptions = trpc.agenda.professionals.exceptions.useQuery({ id: professional.id });
  const refresh = () => void utils.agenda.professionals.exceptions.invalidate({ id: professional.id });
  const clearOverride = trpc.agenda.professionals.clearDateOverride.useMutation({ onSettled: refresh });
  const removeTimeOff = trpc.agenda.professionals.removeTimeOff.useMutation({ onSettled: refresh });
  const when = (iso: string) =>
    formatInZone(iso, timeZone, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  const overrides = exceptions.data?.overrides;
  const timeOff = exceptions.data?.timeOff;

  return (
    <Panel
      title={`Datas especiais e folgas de ${professional.name}`}
      description="Valem só para este profissional e vencem o horário da semana."
      actions={
        <Button size="sm" tone="ghost" onClick={onClose}>
          Fechar
        </Button>
      }
      testId="schedule-exceptions"
    >
      <div className="grid gap-4 lg:grid-cols-2">
        <Card className="space-y-3">
          <h3 className="text-sm font-semibold text-zinc-900">Datas especiais</h3>
          <ListQueryStatus query={{ ...exceptions, data: overrides }} empty="Nenhuma data especial" />
          <ExceptionList label="Datas especiais">
            {overrides?.map((override) => {
              const day = formatDate(override.date, { weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric' });
              const hours =
                override.intervals.length === 0
                  ? 'Fechado'
                  : override.intervals.map((interval) => `${interval.start}–${interval.end}`).join(', ');
              return (
                <ExceptionItem key={override.date} text={`${day}: ${hours}`}>
                  {canWrite && (
                    <ConfirmButton
                      label="Remover"
                      title={`Remover a data ${day}?`}
                      message="Nesta data volta a valer o horário da semana."
                      confirmLabel="Remover"
                      onConfirm={() =>
                        feedback(
                          () => clearOverride.mutateAsync({ professionalId: professional.id, date: override.date }),
                          `Data ${day} removida`,
                        )
                      }
                    />
                  )}
                </ExceptionItem>
              );
            })}
          </ExceptionList>
        </Card>
        <Card className="space-y-3">
          <h3 className="text-sm font-semibold text-zinc-900">Folgas</h3>
          <ListQueryStatus query={{ ...exceptions, data: timeOff }} empty="Nenhuma folga" />
          <ExceptionList label="Folgas">
            {timeOff?.map((away) => {
              const span = `${when(away.startsAt)} até ${when(away.endsAt)}`;
              return (
                <ExceptionItem key={away.id} text={away.reason ? `${span} · ${away.reason}` : span}>
                  {canWrite && (
                    <ConfirmButton
                      label="Remover"
                      title="Remover esta folga?"
                      message={`${span}: o profissional volta a poder ser agendado neste período.`}
                      confirmLabel="Remover"
                      onConfirm={() => feedback(() => removeTimeOff.mutateAsync({ id: away.id }), 'Folga removida')}
                    />
                  )}
                </ExceptionItem>
              );
            })}
          </ExceptionList>
        </Card>
        {canWrite && <DateOverrideForm professional={professional} onSaved={refresh} />}
        {canWrite && <TimeOffForm professional={professional} onSaved={refresh} />}
      </div>
    </Panel>
  );
}

function ExceptionList({ label, children }: { label: string; children: ReactNode }) {
  return (
    <ul aria-label={label} className="divide-y divide-zinc-100">
      {children}
    </ul>
  );
}

function ExceptionItem({ text, children }: { text: string; children: ReactNode }) {
  return (
    <li className="flex items-center justify-between gap-2 py-1.5 text-sm text-zinc-700">
      <span className="tabular-nums">{text}</span>
      {children}
    </li>
  );
}
