import { Button } from '../../ui/Button';
import { Banner } from '../../ui/Layout';
import type { Alternative, BookingProblem } from './conflicts';
import type { Professional } from './labels';
import { formatInZone, useTenantTimeZone } from './zonedTime';

interface ConflictAlertProps {
  problem: BookingProblem;
  /** To name who does each alternative. */
  professionals: readonly Pick<Professional, 'id' | 'name'>[];
  /** Makes each alternative a button that books it; without it they are listed only. */
  onChoose?: (alternative: Alternative) => void;
  onDismiss?: () => void;
}

/** The server's refusal of a time, with the nearest free times it offered instead. */
export function ConflictAlert({ problem, professionals, onChoose, onDismiss }: ConflictAlertProps) {
  const timeZone = useTenantTimeZone();
  const describe = (alternative: Alternative) => {
    const who = professionals.find((professional) => professional.id === alternative.professionalId)?.name;
    const when = formatInZone(alternative.startsAt, timeZone, {
      weekday: 'short',
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    return who ? `${when} com ${who}` : when;
  };
  return (
    <Banner>
      <div className="flex items-start justify-between gap-3">
        <div className="space-y-2">
          <p className="font-medium" data-testid="conflict-message">
            {problem.message}
          </p>
          {problem.alternatives.length > 0 && (
            <div className="space-y-1.5">
              <p className="text-xs">Horários livres mais próximos:</p>
              <ul aria-label="Horários livres mais próximos" className="flex flex-wrap gap-1.5">
                {problem.alternatives.map((alternative) => (
                  <li key={`${alternative.startsAt}-${alternative.professionalId}`}>
                    {onChoose ? (
                      <Button size="sm" onClick={() => onChoose(alternative)}>
                        {describe(alternative)}
                      </Button>
                    ) : (
                      <span className="rounded bg-white/70 px-1.5 py-0.5 text-xs">{describe(alternative)}</span>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        {onDismiss && (
          <button type="button" aria-label="Fechar aviso" className="text-current/60 hover:text-current" onClick={onDismiss}>
            ×
          </button>
        )}
      </div>
    </Banner>
  );
}
