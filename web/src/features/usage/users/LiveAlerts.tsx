import { useState } from 'react';
import { Link } from 'react-router';
import type { EventOf } from '../../../lib/appEvents';
import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';
import { Badge } from '../../../ui/Layout';
import { useToast } from '../../../ui/Toast';
import { formatPercent } from '../format';
import { ALERT_TYPES, SEVERITIES } from '../labels';
import { USAGE_PATHS, usageUserPath } from '../paths';

type RaisedAlert = EventOf<'usage.alert.raised'>['data'];

const SHOWN = 5;

/** The alerts raised while the page is open: a toast each, and a short list above the table until dismissed. */
export function LiveAlerts() {
  const toast = useToast();
  const [raised, setRaised] = useState<RaisedAlert[]>([]);
  useLiveEvents((event) => {
    if (event.type !== 'usage.alert.raised') return;
    const alert = event.data;
    const percent = alert.percent === undefined ? '' : ` (${formatPercent(alert.percent)})`;
    toast.show(alert.severity === 'info' || alert.severity === 'warning' ? 'info' : 'error', `Alerta: ${alert.title}${percent}`);
    setRaised((current) => [alert, ...current.filter((shown) => shown.alertId !== alert.alertId)].slice(0, SHOWN));
  });
  if (raised.length === 0) return null;
  return (
    <section
      aria-label="Alertas recentes"
      data-testid="live-alerts"
      className="space-y-2 rounded-lg border border-amber-200 bg-amber-50 p-3"
    >
      <div className="flex items-center justify-between gap-3">
        <h2 className="text-sm font-semibold text-amber-900">Alertas desde que a página abriu</h2>
        <span className="flex gap-3 text-sm">
          <Link to={USAGE_PATHS.alerts} className="font-medium text-amber-900 underline">
            Ver alertas
          </Link>
          <button type="button" className="text-amber-900/70 hover:text-amber-900" onClick={() => setRaised([])}>
            Dispensar
          </button>
        </span>
      </div>
      <ul className="space-y-1 text-sm text-amber-950">
        {raised.map((alert) => (
          <li key={alert.alertId} className="flex flex-wrap items-center gap-2">
            <Badge tone={SEVERITIES[alert.severity].tone}>{ALERT_TYPES[alert.type]}</Badge>
            <span>{alert.title}</span>
            {alert.percent !== undefined && <span className="tabular-nums">· {formatPercent(alert.percent)}</span>}
            {alert.userId && <AlertUser userId={alert.userId} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AlertUser({ userId }: { userId: string }) {
  const user = trpc.usage.users.get.useQuery({ id: userId });
  return (
    <Link to={usageUserPath(userId)} className="font-medium underline">
      {user.data?.name ?? 'ver usuário'}
    </Link>
  );
}
