import { useMemo } from 'react';
import { useCan } from '../../app/providers';
import { formatDateTime, formatTime } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { EmptyState, PageHeader } from '../../ui/Layout';
import { ConnectionIndicator, useEventStream } from '../../lib/eventStream';
import type { KnownNames } from '../../lib/appEvents';
import { eventLabel, summarizeEvent } from '../events';

function useKnownNames(): KnownNames {
  const users = trpc.users.list.useQuery(undefined, { enabled: useCan('identity.users.read') });
  const roles = trpc.roles.list.useQuery(undefined, { enabled: useCan('identity.roles.read') });
  return useMemo(
    () => ({
      user: (id) => users.data?.find((user) => user.id === id)?.name,
      role: (key) => roles.data?.find((role) => role.key === key)?.name,
    }),
    [users.data, roles.data],
  );
}

export function ActivityPage() {
  const { events, status } = useEventStream();
  const names = useKnownNames();
  return (
    <>
      <PageHeader
        title="Atividade"
        description="O que acontece na sua empresa, ao vivo. Mostra os últimos 200 eventos desde que você abriu o painel."
        actions={<ConnectionIndicator />}
      />
      {events.length === 0 ? (
        <div className="rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-10 text-center text-sm">
          <EmptyState
            title={status === 'live' ? 'Aguardando atividade…' : 'Conectando ao feed…'}
            hint="Novos eventos aparecem aqui sem recarregar a página."
          />
        </div>
      ) : (
        <ol
          aria-label="Feed de atividade"
          data-testid="activity-feed"
          className="divide-y divide-zinc-100 overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs"
        >
          {events.map((event) => (
            <li
              key={event.id}
              data-testid="activity-item"
              data-event-id={event.id}
              data-event-type={event.type}
              className="flex items-start gap-3 px-4 py-3"
            >
              <span aria-hidden className="mt-1.5 size-2 shrink-0 rounded-full bg-zinc-900" />
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-zinc-900">{eventLabel(event.type)}</p>
                <p className="truncate text-sm text-zinc-600">{summarizeEvent(event, names)}</p>
              </div>
              <time
                dateTime={event.occurredAt}
                title={formatDateTime(event.occurredAt)}
                className="shrink-0 text-xs text-zinc-500 tabular-nums"
              >
                {formatTime(event.occurredAt)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
